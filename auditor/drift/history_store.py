"""The port between the run history and its database: one small protocol, two backends.

`History` (history.py) writes and reads runs through a `HistoryStore`; `open_store`
(history_backends.py) picks the backend from where the history lives: a file path is the embedded SQLite database
(history_sqlite.py, the default), a `postgresql://` (or `postgres://`) URL is a PostgreSQL
server (history_postgres.py, psycopg 3). Statements are written once, with `?` placeholders;
each store speaks its own dialect underneath.

A URL's password never reaches a message: `redact` masks it wherever a location is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from auditor.drift.history_errors import HistoryError

URL_SCHEMES = ("postgresql://", "postgres://")
PASSWORD_ENV = "AUDITOR_HISTORY_PASSWORD"  # else libpq's PGPASSWORD / ~/.pgpass
_PASSWORD_IN_URL = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^:/@\s]*):[^@/\s]*@")
_PASSWORD_PARAM = re.compile(r"(?i)(password=)[^&\s]*")

Row = tuple[Any, ...]


def is_url(location: str | Path) -> bool:
    """Whether a --history value names a PostgreSQL server rather than a file."""
    return isinstance(location, str) and location.lower().startswith(URL_SCHEMES)


def redact(text: str) -> str:
    """`text` with the password of every URL in it (and any `password=` parameter) masked."""
    text = _PASSWORD_IN_URL.sub(r"\1:***@", text)
    return _PASSWORD_PARAM.sub(r"\1***", text)


class Statements(Protocol):
    """What a transaction offers: statements with `?` placeholders."""

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None: ...


class HistoryStore(Protocol):
    """A history database: its dialect, a printable location, transactions and reads."""

    dialect: str  # "sqlite" | "postgresql"
    location: str  # a path, or a URL without its password
    errors: tuple[type[BaseException], ...]  # the driver's exceptions, turned by `error`

    def error(self, exc: BaseException, doing: str = "") -> HistoryError: ...

    def migrate(self, migrations: Sequence[Sequence[str]]) -> None: ...

    def transaction(self) -> AbstractContextManager[Statements]: ...

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...

    def insert_run(self, tx: Statements, columns: Sequence[str], values: Sequence[object]) -> int | None:
        """Insert one run; its id, or None when a run with its (repository, run_key) exists."""
        ...

    def any_of(self, column: str, values: Sequence[object]) -> tuple[str, object]:
        """A condition `column` is one of `values`, and its one parameter (any number of values)."""
        ...

    def close(self) -> None: ...
