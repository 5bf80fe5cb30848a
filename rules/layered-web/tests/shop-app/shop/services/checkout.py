from typing import TYPE_CHECKING

from shop.db import orders
from shop.domain import order

if TYPE_CHECKING:
    from shop.api import views  # type-only: not counted by the pack


def run(payload, query):
    return orders.save(order.Order(payload))
