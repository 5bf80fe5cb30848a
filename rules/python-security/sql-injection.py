import sqlite3

from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from fastapi import Depends, FastAPI
from flask import Flask, request
from sqlalchemy import text

app = Flask(__name__)
api = FastAPI()


@app.route("/users")
def flask_users():
    name = request.args.get("name")
    cursor = sqlite3.connect("app.db").cursor()
    # ruleid: sql-injection
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    query = "SELECT * FROM users WHERE name = '%s'" % request.form["name"]
    # ruleid: sql-injection
    cursor.execute(query)
    # ruleid: sql-injection
    cursor.executescript("DELETE FROM users WHERE id = " + request.cookies["id"])
    # ok: sql-injection
    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
    # ok: sql-injection
    cursor.execute("SELECT * FROM users WHERE id = %d" % int(request.args["id"]))
    return "ok"


@app.route("/users/<name>")
def flask_path_param(name):
    # ruleid: sql-injection
    db.engine.execute("SELECT * FROM users WHERE name = '" + name + "'")
    # ok: sql-injection
    db.session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})
    return "ok"


def django_view(request, pk):
    # ruleid: sql-injection
    User.objects.raw("SELECT * FROM auth_user WHERE username = '{}'".format(request.GET["u"]))
    with connection.cursor() as cursor:
        # ruleid: sql-injection
        cursor.execute("SELECT * FROM shop_item WHERE id = %s" % pk)
        # ok: sql-injection
        cursor.execute("SELECT * FROM shop_item WHERE id = %s", [pk])
    # ruleid: sql-injection
    Item.objects.annotate(rank=RawSQL("SELECT %s" % request.POST["col"], ()))
    # ruleid: sql-injection
    Item.objects.extra(where=["name = '%s'" % request.POST["name"]])
    return HttpResponse("ok")


@api.get("/items/{item_id}")
async def fastapi_item(item_id: str, q: str, db=Depends(get_db)):
    # ruleid: sql-injection
    db.execute(text(f"SELECT * FROM items WHERE id = '{item_id}'"))
    # ruleid: sql-injection
    db.execute(text("SELECT * FROM items WHERE title LIKE '%" + q + "%'"))
    # ok: sql-injection
    db.execute(text("SELECT * FROM items WHERE id = :id"), {"id": item_id})


async def aiohttp_handler(request):
    data = await request.post()
    async with request.app["db"].acquire() as conn:
        async with conn.cursor() as cur:
            # ruleid: sql-injection
            await cur.execute("SELECT * FROM courses WHERE title = '%(t)s'" % {"t": data["title"]})
            # ok: sql-injection
            await cur.execute("SELECT * FROM courses WHERE title = %(t)s", {"t": data["title"]})


def create_student(conn, name):
    q = "INSERT INTO students (name) VALUES ('%(name)s')" % {"name": name}
    # ruleid: sql-injection
    conn.cursor().execute(q)


def find_user(cursor, name, table):
    # ruleid: sql-injection
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ok: sql-injection
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    # ok: sql-injection
    cursor.execute("SELECT * FROM users " + "ORDER BY name")
    # ok: sql-injection
    logger.info(f"looked up {name} WHERE x = '{name}'")
    # ok: sql-injection
    cursor.execute(query_for(name + "x"))


def schema_editor(cursor, table, column, quote_name):
    # ok: sql-injection
    cursor.execute("SELECT %s, %s FROM %s WHERE %s = %%s" % (column, column, table, column), [1])
    # ok: sql-injection
    cursor.execute("UPDATE %s SET %s=%s" % (table, column, column))
    # ok: sql-injection
    cursor.execute("SELECT %s FROM %s WHERE %s IN (%s)" % (column, table, column, ", ".join(["%s"] * 3)), [1, 2, 3])
    # ok: sql-injection
    cursor.execute("DELETE FROM %s WHERE id = '%s'" % (quote_name(table), int(column)))


def seed(cursor):
    users = [("admin", "admin"), ("guest", "guest")]
    for user, password in users:
        # ok: sql-injection
        cursor.execute("INSERT INTO users (user, password) VALUES ('%s', '%s')" % (user, password))
