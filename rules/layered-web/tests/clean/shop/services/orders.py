from typing import TYPE_CHECKING

from shop.db import repository

if TYPE_CHECKING:  # type-only imports do not count for layered-web
    from shop.api.schemas import OrderOut  # noqa: F401


def all_orders():
    return repository.fetch_all()
