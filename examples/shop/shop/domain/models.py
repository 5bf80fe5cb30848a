"""Business objects. The domain must not know about HTTP..."""

from dataclasses import dataclass

from shop.api.schemas import OrderSchema  # violation: domain -> api

__all__ = ["Order"]


@dataclass
class Order:
    id: int
    total_cents: int

    def to_schema(self) -> OrderSchema:
        return OrderSchema(id=self.id, total_cents=self.total_cents)
