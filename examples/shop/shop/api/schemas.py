"""Request and response shapes of the HTTP API."""

from dataclasses import dataclass

__all__ = ["OrderSchema"]


@dataclass
class OrderSchema:
    id: int
    total_cents: int
