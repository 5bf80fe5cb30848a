"""The shared history backend: one PostgreSQL database for many repositories (psycopg 3).

`--history postgresql://user@host:port/db` (or `postgres://`, or `history = "..."` in the
config). The password comes from AUDITOR_HISTORY_PASSWORD, else from libpq's own sources
(PGPASSWORD, ~/.pgpass); one written in the URL works too, and is never shown: every message
names the URL with its password masked. A server that is down, unreachable or refuses the
login is a HistoryUnavailable error (one line).

Migrations run on first use inside one transaction holding an advisory lock, so any number of
audits starting at once apply them exactly once. Each run is one transaction; the unique
(repository, run_key) lets a retried upload find its run instead of writing it twice.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from auditor.drift.history_errors import HistoryError, HistoryUnavailable
from auditor.drift.history_schema import for_dialect
from auditor.drift.history_store import PASSWORD_ENV, Row, redact

CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK = 0x61756469746F72  # "auditor": the advisory lock key the migrations take
INSTALL_HINT = "install the PostgreSQL driver: pip install 'drift-auditor[postgres]' (psycopg 3)"


def _sql(statement: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal `%` doubled)."""
    return statement.replace("%", "%%").replace("?", "%s")


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


class _PgStatements:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        cur = self.conn.execute(_sql(sql), tuple(params))
        return [tuple(row) for row in cur.fetchall()] if cur.description else []

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        batch = [tuple(row) for row in rows]
        if batch:
            with self.conn.cursor() as cur:
                cur.executemany(_sql(sql), batch)


class PostgresStore:
    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self.location = redact(url)
        try:
            import psycopg
        except ImportError:
            raise HistoryError(f"{INSTALL_HINT}; or use a SQLite file", self.location) from None
        self._psycopg = psycopg
        self.errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        password = os.environ.get(PASSWORD_ENV)
        extra: dict[str, Any] = {"password": password} if password else {}
        try:
            self.conn = psycopg.connect(
                url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="auditor", **extra
            )
        except psycopg.Error as exc:
            raise self.error(exc, "cannot connect to the history database") from None

    def error(self, exc: BaseException, doing: str = "") -> HistoryError:
        """The driver's error as one line without the password; HistoryUnavailable when the
        server is down, gone or refuses."""
        text = redact(_first_line(exc))
        password = os.environ.get(PASSWORD_ENV) or os.environ.get("PGPASSWORD")
        if password:
            text = text.replace(password, "***")
        message = f"{doing}: {text}" if doing else text
        psycopg = self._psycopg
        broken = getattr(self, "conn", None) is None or self.conn.closed or self.conn.broken
        if isinstance(exc, psycopg.OperationalError) and broken:
            return HistoryUnavailable(message, self.location)
        return HistoryError(message, self.location)

    def migrate(self, migrations: Sequence[Sequence[str]]) -> None:
        psycopg = self._psycopg
        try:
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                self.conn.execute("CREATE TABLE IF NOT EXISTS auditor_schema (version INTEGER NOT NULL)")
                row = self.conn.execute("SELECT MAX(version) FROM auditor_schema").fetchone()
                version = int(row[0]) if row and row[0] is not None else 0
                if version > len(migrations):
                    raise HistoryError(
                        f"history schema {version} is newer than this auditor's ({len(migrations)});"
                        " upgrade auditor",
                        self.location,
                    )
                for steps in migrations[version:]:
                    for statement in steps:
                        self.conn.execute(for_dialect(statement, self.dialect))
                if version != len(migrations):
                    self.conn.execute("DELETE FROM auditor_schema")
                    self.conn.execute("INSERT INTO auditor_schema VALUES (%s)", (len(migrations),))
        except psycopg.Error as exc:
            raise self.error(exc, "cannot prepare the history database") from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_PgStatements]:
        with self.conn.transaction():
            yield _PgStatements(self.conn)

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return _PgStatements(self.conn).execute(sql, params)

    def insert_run(self, tx: object, columns: Sequence[str], values: Sequence[object]) -> int | None:
        assert isinstance(tx, _PgStatements)
        marks = ", ".join("?" * len(columns))
        rows = tx.execute(
            f"INSERT INTO runs ({', '.join(columns)}) VALUES ({marks})"
            " ON CONFLICT (repository, run_key) DO NOTHING RETURNING id",
            values,
        )
        return int(rows[0][0]) if rows else None

    def any_of(self, column: str, values: Sequence[object]) -> tuple[str, object]:
        return f"{column} = ANY(?)", list(values)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
