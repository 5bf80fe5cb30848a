import sqlalchemy

from shop.domain import invoice


def charge(request):
    return invoice.Invoice(sqlalchemy.text("select 1"))
