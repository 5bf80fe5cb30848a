"""The embedded history backend: one SQLite file (the default, `.auditor/history.sqlite`).

Its schema version is SQLite's `user_version`, as in every earlier auditor, so an existing
file is migrated in place. Each run is written in one BEGIN IMMEDIATE transaction: concurrent
runs wait for each other (busy timeout), a run killed mid-write leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from auditor.drift.history_errors import HistoryError, history_error
from auditor.drift.history_store import Row
from auditor.support.safe_files import refuse_links_inside
from auditor.support.sqlitedb import DatabaseUnwritable, SqliteDb


class _SqliteStatements:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self.conn.execute(sql, tuple(params)).fetchall()

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.conn.executemany(sql, rows)


class SqliteStore:
    dialect = "sqlite"
    errors: tuple[type[BaseException], ...] = (sqlite3.DatabaseError,)

    def __init__(self, path: Path, *, inside: Path | None = None) -> None:
        """`inside`: the project; no folder of `path` below it may be a symlink."""
        self.path = path
        self.location = str(path)
        refuse_links_inside(path, inside)
        try:
            self._db = SqliteDb(path, "", recreate_if_corrupt=False, owned_folder=False)
            self._db.conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise history_error(exc, path) from None
        except DatabaseUnwritable as exc:
            raise HistoryError(
                f"cannot write the history database ({exc.reason}); make it and its folder writable,"
                " or run with --no-history",
                str(path),
            ) from None
        except OSError as exc:
            raise HistoryError(f"cannot open history database: {exc}", str(path)) from None

    @property
    def conn(self) -> sqlite3.Connection:
        return self._db.conn

    def error(self, exc: BaseException, doing: str = "") -> HistoryError:
        assert isinstance(exc, sqlite3.DatabaseError)
        error = history_error(exc, self.path)
        return HistoryError(f"{doing}: {error.message}" if doing else error.message, str(self.path))

    def migrate(self, migrations: Sequence[Sequence[str]]) -> None:
        try:
            with self._db.transaction() as conn:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if version > len(migrations):
                    raise HistoryError(
                        f"history schema {version} is newer than this auditor's ({len(migrations)});"
                        " upgrade auditor",
                        str(self.path),
                    )
                for steps in migrations[version:]:
                    for statement in steps:
                        conn.execute(statement)
                if version != len(migrations):
                    conn.execute(f"PRAGMA user_version = {len(migrations)}")
        except sqlite3.DatabaseError as exc:
            raise history_error(exc, self.path) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_SqliteStatements]:
        with self._db.transaction() as conn:
            yield _SqliteStatements(conn)

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self.conn.execute(sql, tuple(params)).fetchall()

    def insert_run(self, tx: object, columns: Sequence[str], values: Sequence[object]) -> int | None:
        """Inside BEGIN IMMEDIATE no other writer runs: look for the key, then insert."""
        assert isinstance(tx, _SqliteStatements)
        by_name = dict(zip(columns, values, strict=True))
        found = tx.execute(
            "SELECT id FROM runs WHERE repository = ? AND run_key = ?", (by_name["repository"], by_name["run_key"])
        )
        if found:
            return None
        marks = ", ".join("?" * len(columns))
        cur = tx.conn.execute(f"INSERT INTO runs ({', '.join(columns)}) VALUES ({marks})", tuple(values))
        return int(cur.lastrowid or 0)

    def any_of(self, column: str, values: Sequence[object]) -> tuple[str, object]:
        return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(values))

    def close(self) -> None:
        self._db.close()
