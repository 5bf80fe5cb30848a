import sqlalchemy

from shop.domain.order import Order


def fetch_all():
    return [Order(row) for row in sqlalchemy.text("select 1")]
