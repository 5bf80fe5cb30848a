"""Order use cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..db import session
from ..domain.models import Order

if TYPE_CHECKING:
    from shop.db.session import Connection


def find_order(order_id: str, conn: Connection | None = None) -> Order:
    conn = conn or session.connect()
    # raw SQL built from input, in a service: what the security rules look for
    row = conn.execute("SELECT id, total_cents FROM orders WHERE id = " + order_id).fetchone()
    return Order(id=row[0], total_cents=row[1])
