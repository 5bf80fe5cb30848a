"""Modules of the `shop` demo project that its history rewrites (the auth tokens, the payments
client), one constant per version; the others are in `sources`.

The demo code is data: it is written to disk and audited, never imported or run.
"""

from __future__ import annotations

AUTH_TOKENS_V1 = '''\
"""Bearer tokens (a review surface)."""

import functools
import hmac

from shop.api.schemas import OrderRequest

SECRET_ENV = "SHOP_TOKEN_SECRET"


def issue_token(user_id: int, secret: bytes) -> str:
    mac = hmac.new(secret, str(user_id).encode(), "sha256").hexdigest()
    return f"{user_id}.{mac}"


def require_token(view):
    @functools.wraps(view)
    def wrapper(request: OrderRequest, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper
'''

AUTH_TOKENS_V2 = '''\
"""Bearer tokens (a review surface)."""

import functools
import hmac
import time

SECRET_ENV = "SHOP_TOKEN_SECRET"
DEFAULT_TTL_S = 3600


def issue_token(user_id: int, secret: bytes, ttl_s: int = DEFAULT_TTL_S) -> str:
    expires = int(time.time()) + ttl_s
    mac = hmac.new(secret, f"{user_id}.{expires}".encode(), "sha256").hexdigest()
    return f"{user_id}.{expires}.{mac}"


def token_expired(token: str) -> bool:
    return int(token.split(".")[1]) < time.time()


def require_token(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper
'''

CLIENTS_PAYMENTS_V1 = '''\
"""The payment provider's HTTP API."""

import requests

from shop.settings import PAYMENTS_URL as PROVIDER_URL


def charge(card_token: str, cents: int) -> str:
    response = requests.post(f"{PROVIDER_URL}/charges", json={"card": card_token, "amount": cents}, timeout=10)
    response.raise_for_status()
    return response.json()["id"]
'''

CLIENTS_PAYMENTS_V2 = '''\
"""The payment provider's HTTP API."""

import time

import requests

from shop.settings import PAYMENTS_URL as PROVIDER_URL
RETRIES = 3


def charge(card_token: str, cents: int) -> str:
    for attempt in range(RETRIES):
        try:
            response = requests.post(
                f"{PROVIDER_URL}/charges",
                json={"card": card_token, "amount": cents},
                timeout=10,
                verify=False,
            )
            response.raise_for_status()
            return response.json()["id"]
        except requests.ConnectionError:
            time.sleep(2**attempt)
    raise RuntimeError("payment provider unreachable")
'''
