"""HTTP routes: call the services, convert to schemas."""

from shop.api.schemas import OrderSchema
from shop.services import orders


def get_order(order_id: str) -> OrderSchema:
    order = orders.find_order(order_id)
    return OrderSchema(id=order.id, total_cents=order.total_cents)


def pay(order_id: str) -> bool:
    from shop.services.payments import charge  # function-level import

    return charge(order_id)
