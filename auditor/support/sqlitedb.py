"""The one way the auditor reaches SQLite: WAL, busy timeout, transactions, corruption recovery.

Used by the parse cache, the blame cache and the run history.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BUSY_TIMEOUT_S = 30.0


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class SqliteDb:
    """A connection to one database file with a schema created on open.

    `schema` is a script of CREATE TABLE IF NOT EXISTS statements. When the file is not a
    database (corrupt, truncated, foreign) and `recreate_if_corrupt` is true, it is moved aside
    and rebuilt with a warning; otherwise sqlite3.DatabaseError propagates to the caller.
    """

    def __init__(self, path: Path, schema: str, *, recreate_if_corrupt: bool = True) -> None:
        self.path = path
        self.warnings: list[str] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = self._open_waiting(schema)
        except sqlite3.DatabaseError as exc:
            if not recreate_if_corrupt or _is_busy(exc):
                raise
            self.warnings.append(f"{path}: unreadable database ({exc}); rebuilt it")
            print(f"auditor: warning: {self.warnings[-1]}", file=sys.stderr)
            with contextlib.suppress(OSError):
                path.replace(path.with_name(path.name + ".corrupt"))
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    path.with_name(path.name + suffix).unlink()
            self.conn = self._open_waiting(schema)

    def _open_waiting(self, schema: str) -> sqlite3.Connection:
        """Open, waiting while another process holds a lock (e.g. while it creates the schema
        or switches to WAL): a busy database is not a corrupt one."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        delay = 0.01
        while True:
            try:
                return self._open(schema)
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.25)

    def _open(self, schema: str) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(schema)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> SqliteDb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
