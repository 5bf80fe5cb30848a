"""Source files of the `shop` demo project, one constant per file version (see project.py); the
modules its history rewrites are in `rewritten_sources`.

The demo code is data: it is written to disk and audited, never imported or run.
"""

from __future__ import annotations

from auditor.domain.project_files import STATE_DIR

PYPROJECT = """\
[project]
name = "shop"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["requests", "sqlalchemy"]

[tool.auditor]
packages = ["shop"]
packs = ["builtin:python-security"]
fail_on = "error"

[tool.auditor.layers]
api = ["shop.api", "shop.api.**"]
services = ["shop.services", "shop.services.**"]
auth = ["shop.auth", "shop.auth.**"]
clients = ["shop.clients", "shop.clients.**"]
data = ["shop.db", "shop.db.**"]
config = ["shop.settings"]
domain = ["shop.domain", "shop.domain.**"]

[tool.auditor.surfaces]
auth = ["shop.auth", "shop.auth.**"]
data_models = ["shop.domain.models"]
api_contracts = ["shop.api.schemas"]

[[tool.auditor.contracts]]
id = "layered"
type = "layers"
layers = ["api", "services", "auth : clients", "data", "config", "domain"]
ignore_kinds = ["type_checking"]
owner = "@arch-team"
guidance = "Higher layers may use lower ones, never the reverse: domain code must not know about HTTP."

[[tool.auditor.contracts]]
id = "only-db-uses-sqlalchemy"
type = "forbidden"
source_modules = ["api", "services", "auth", "clients", "domain"]
allow_indirect_imports = true
forbidden_modules = ["sqlalchemy"]
owner = "@data-team"
guidance = "Only shop.db talks to the database: add a repository function instead."

[[tool.auditor.contracts]]
id = "no-cycles"
type = "acyclic"
ancestors = ["shop.services"]
severity = "warning"
owner = "@arch-team"

[[tool.auditor.exceptions]]
contract = "layered"
import = "shop.domain.legacy -> shop.api.serializers"
reason = "legacy CSV export, removal tracked in SHOP-142"
owner = "@data-team"
expires = "2027-03-01"

[[tool.auditor.exceptions]]
contract = "layered"
import = "shop.api.routes -> shop.db.session"
reason = "health check pings the database directly"
owner = "@arch-team"
expires = "2026-12-31"
"""

GITIGNORE = f"{STATE_DIR}/\n.auditor-demo\n\n__pycache__/\n*.pyc\n"

README = """\
# shop

A small layered web shop, used by `auditor demo` to show architecture drift over a few commits.

    shop.api        HTTP routes, request/response schemas
    shop.services   use cases (orders, reports, refunds)
    shop.auth       tokens and permissions       shop.clients  outbound HTTP clients
    shop.db         SQLAlchemy repositories
    shop.settings   settings from the environment
    shop.domain     plain domain models and rules
"""

CODEOWNERS = """\
/shop/api/        @web-team
/shop/services/   @orders-team
/shop/auth/       @security-team
/shop/clients/    @payments-team
/shop/db/         @data-team
/shop/domain/     @arch-team
"""

INIT = '"""{doc}"""\n'

SETTINGS = '''\
"""Settings from the environment: the one module that reads it."""

import os

DATABASE_URL = os.environ.get("SHOP_DATABASE_URL", "")
PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "")
'''

API_SCHEMAS = '''\
"""Request and response shapes of the public HTTP API (a review surface)."""

from dataclasses import dataclass


@dataclass
class OrderRequest:
    customer_id: int
    items: list[tuple[str, int]]


@dataclass
class OrderResponse:
    order_id: int
    total_cents: int
'''

API_SERIALIZERS = '''\
"""Turn domain objects into JSON-ready dictionaries."""


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def order_to_json(order) -> dict:
    return {"id": order.id, "total": money(order.total_cents)}
'''

API_ROUTES = '''\
"""HTTP routes: parse the request, call a service, serialise the answer."""

from shop.api.schemas import OrderRequest, OrderResponse
from shop.api.serializers import order_to_json
from shop.auth.tokens import require_token
from shop.services import orders


@require_token
def create_order(request: OrderRequest) -> OrderResponse:
    order = orders.place_order(request.customer_id, request.items)
    return OrderResponse(order.id, order.total_cents)


def show_order(order_id: int) -> dict:
    return order_to_json(orders.get_order(order_id))
'''

API_ROUTES_WITH_REPORTS = (
    API_ROUTES
    + """

def sales_report(customer_id: str) -> list:
    from shop.services import reports

    return reports.sales_for_customer(customer_id)
"""
)

SERVICES_ORDERS = '''\
"""Placing and reading orders."""

from shop.db import repository
from shop.domain.models import Order, OrderLine


def place_order(customer_id: int, items: list[tuple[str, int]]) -> Order:
    lines = [OrderLine(sku, qty, repository.price_of(sku)) for sku, qty in items]
    order = Order(id=0, customer_id=customer_id, lines=lines)
    return repository.save_order(order)


def get_order(order_id: int) -> Order:
    return repository.load_order(order_id)
'''

SERVICES_ORDERS_WITH_PAYMENT = (
    SERVICES_ORDERS.replace(
        "from shop.db import repository\n",
        "from shop.clients import payments\nfrom shop.db import repository\n",
    )
    + """

def checkout(order: Order, card_token: str) -> str:
    return payments.charge(card_token, order.total_cents)
"""
)

SERVICES_ORDERS_WITH_PRICING = (
    SERVICES_ORDERS_WITH_PAYMENT.replace(
        "from shop.domain.models import Order, OrderLine\n",
        "from shop.domain.models import Order, OrderLine\nfrom shop.domain.pricing import apply_discount\n",
    )
    + """

def quote(order: Order, code: str) -> int:
    return apply_discount(order, code)
"""
)

SERVICES_ORDERS_WITH_REFUNDS = (
    SERVICES_ORDERS_WITH_PRICING.replace(
        "from shop.domain.pricing import apply_discount\n",
        "from shop.domain.pricing import apply_discount\nfrom shop.services.refunds import refundable\n",
    )
    + """

def cancel(order: Order) -> bool:
    return refundable(order)
"""
)

SERVICES_REPORTS = '''\
"""Sales reports for the back office."""

from sqlalchemy import text

from shop.db.session import connect


def sales_for_customer(customer_id: str) -> list:
    with connect() as cursor:
        cursor.execute(f"SELECT id, total_cents FROM orders WHERE customer_id = '{customer_id}'")
        return cursor.fetchall()


def sales_by_day(day: str) -> list:
    with connect() as cursor:
        return cursor.execute(text("SELECT sum(total_cents) FROM orders WHERE day = :day"), {"day": day})
'''

SERVICES_REFUNDS = '''\
"""Refunds: a paid order can be refunded within 30 days."""

import datetime as dt

from shop.domain.models import Order
from shop.services import orders

REFUND_WINDOW = dt.timedelta(days=30)


def refundable(order: Order, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return order.paid_on is not None and today - order.paid_on <= REFUND_WINDOW


def refund(order_id: int) -> bool:
    order = orders.get_order(order_id)
    return refundable(order)
'''

DOMAIN_MODELS = '''\
"""Domain models (a review surface): plain data, no I/O."""

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class OrderLine:
    sku: str
    quantity: int
    unit_cents: int


@dataclass
class Order:
    id: int
    customer_id: int
    lines: list[OrderLine] = field(default_factory=list)
    paid_on: dt.date | None = None

    @property
    def total_cents(self) -> int:
        return sum(line.quantity * line.unit_cents for line in self.lines)
'''

DOMAIN_LEGACY = '''\
"""The old CSV export; still used by finance (exception SHOP-142)."""

from shop.api.serializers import money


def export_row(order) -> str:
    return f"{order.id},{money(order.total_cents)}"
'''

DOMAIN_PRICING = '''\
"""Discount rules."""

from shop.api.serializers import money
from shop.domain.models import Order

DISCOUNTS = {"WELCOME10": 10, "VIP20": 20}


def apply_discount(order: Order, code: str) -> int:
    percent = DISCOUNTS.get(code.upper(), 0)
    return order.total_cents * (100 - percent) // 100


def describe_discount(order: Order, code: str) -> str:
    return f"you pay {money(apply_discount(order, code))}"
'''

DB_SESSION = '''\
"""Database connections."""

import contextlib

from sqlalchemy import create_engine

from shop.settings import DATABASE_URL

ENGINE = create_engine(DATABASE_URL)


@contextlib.contextmanager
def connect():
    with ENGINE.raw_connection() as connection:
        yield connection.cursor()
'''

DB_REPOSITORY = '''\
"""Repositories: the only place that knows the tables."""

from sqlalchemy import text

from shop.db.session import connect
from shop.domain.models import Order


def price_of(sku: str) -> int:
    with connect() as cursor:
        cursor.execute("SELECT unit_cents FROM prices WHERE sku = ?", (sku,))
        return cursor.fetchone()[0]


def save_order(order: Order) -> Order:
    with connect() as cursor:
        cursor.execute(text("INSERT INTO orders (customer_id) VALUES (:c)"), {"c": order.customer_id})
    return order


def load_order(order_id: int) -> Order:
    return Order(id=order_id, customer_id=0)
'''
