"""Database connections."""

import sqlite3

Connection = sqlite3.Connection


def connect(path: str = ":memory:") -> sqlite3.Connection:
    return sqlite3.connect(path)
