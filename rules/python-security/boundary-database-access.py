import sqlite3

from django.db import connection
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session


def report(user_id):
    # ruleid: boundary-database-access
    conn = sqlite3.connect("shop.db")
    # ruleid: boundary-database-access
    conn.execute("SELECT 1")
    # ruleid: boundary-database-access
    with connection.cursor() as cursor:
        cursor.fetchall()
    # ruleid: boundary-database-access
    engine = create_engine("postgresql://db/shop")
    # ruleid: boundary-database-access
    with Session(engine) as session:
        # ruleid: boundary-database-access
        session.execute(text("SELECT 1"))
    # ok: boundary-database-access
    return repository.orders_for(user_id)


def management(command, pipeline, cursor_factory):
    # ok: boundary-database-access
    command.execute(verbosity=1)
    # ok: boundary-database-access
    pipeline.execute()
    # ruleid: boundary-database-access
    cursor_factory().execute("SELECT * FROM orders")
    # ruleid: boundary-database-access
    curs.execute(statement)
