from shop.services import billing


def pay(request):
    return billing.charge(request)
