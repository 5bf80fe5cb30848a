from sqlalchemy import text


def find_user(cursor, name, table):
    # ruleid: sql-string-execution
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ruleid: sql-string-execution
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ruleid: sql-string-execution
    cursor.executemany("DELETE FROM " + table + " WHERE id = ?", [(1,), (2,)])
    # ruleid: sql-string-execution
    User.objects.raw("SELECT * FROM auth_user WHERE name = '{}'".format(name))
    # ruleid: sql-string-execution
    session.execute(text(f"SELECT * FROM users WHERE id = {name}"))
    # ok: sql-string-execution
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    # ok: sql-string-execution
    session.execute(text("SELECT * FROM users WHERE id = :id"), {"id": name})
    # ok: sql-string-execution
    cursor.execute("SELECT * FROM users " + "ORDER BY name")
    # ok: sql-string-execution
    logger.info(f"looked up {name}")
    # ok: sql-string-execution
    cursor.execute(query_for(name + "x"))
