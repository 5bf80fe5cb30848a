"""The one way the auditor reaches SQLite: WAL, busy timeout, transactions, corruption recovery.

Used by the parse cache, the blame cache and the run history. A database (or its -wal, -shm,
-journal file) that is a symlink or not a regular file is refused, never opened through; so is
a cache folder that is a symlink (`owned_folder`). A database that cannot be opened for writing
(a read-only folder) is a DatabaseUnwritable error, not a corrupt file.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from auditor.domain.errors import AuditorError
from auditor.support.safe_files import ensure_dir, make_dirs, refuse_non_file

BUSY_TIMEOUT_S = 30.0
SIDE_FILES = ("-wal", "-shm", "-journal")


class DatabaseUnwritable(AuditorError):
    """The database cannot be opened for writing (read-only folder or file). Exit 2."""

    def __init__(self, reason: str, path: Path, hint: str) -> None:
        super().__init__(
            f"cannot open the database for writing ({reason}); is it or its folder read-only?{hint}",
            str(path),
        )
        self.reason = reason


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def is_unwritable(exc: sqlite3.DatabaseError) -> bool:
    """SQLite's words for a file or folder it may not write (not a damaged database)."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("unable to open" in text or "readonly" in text)


class SqliteDb:
    """A connection to one database file with a schema created on open.

    `schema` is a script of CREATE TABLE IF NOT EXISTS statements. When the file is not a
    database (corrupt, truncated, foreign) and `recreate_if_corrupt` is true, it is moved aside
    and rebuilt with a warning; otherwise sqlite3.DatabaseError propagates to the caller.
    `owned_folder`: the folder holding the file is auditor's (a cache folder), so it may not be a
    symlink either; otherwise (the history, wherever the user keeps it) it is created if missing.
    """

    def __init__(
        self, path: Path, schema: str, *, recreate_if_corrupt: bool = True, owned_folder: bool = True
    ) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._hint = " (--cache-dir DIR moves the cache, --no-cache skips it)" if owned_folder else ""
        if owned_folder:
            ensure_dir(path.parent)
        else:
            make_dirs(path.parent)
        for name in (path.name, *(path.name + suffix for suffix in SIDE_FILES)):
            refuse_non_file(path.with_name(name))
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
        or switches to WAL): a busy database is not a corrupt one, nor a read-only one."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        delay = 0.01
        while True:
            try:
                return self._open(schema)
            except sqlite3.OperationalError as exc:
                if is_unwritable(exc):
                    raise DatabaseUnwritable(str(exc), self.path, self._hint) from None
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
