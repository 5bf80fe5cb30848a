from shop.services import orders


def list_orders(request):
    return orders.all_orders()
