"""Payments: an optional fast JSON library and a pluggable gateway."""

import importlib

try:
    import ujson as json
except ImportError:
    import json

from shop.domain import models


def charge(order_id: str) -> bool:
    gateway = importlib.import_module("shop.db.session")
    payload = json.dumps({"order": order_id})
    return bool(gateway and payload and models.Order)
