"""The parse cache: FileFacts by content hash, in `<cache_dir>/cache.sqlite`.

Keyed by (content hash, parser version) so that a new auditor or a new fact layout never reads
stale facts. One SELECT for all hashes of a run, one write transaction for all new entries.
Concurrent runs are safe (SqliteDb: WAL + BEGIN IMMEDIATE); a corrupt file is rebuilt.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from auditor import __version__
from auditor.parse import serialize
from auditor.support.sqlitedb import SqliteDb

PARSER_VERSION = f"{__version__}+facts{serialize.FORMAT_VERSION}"
CACHE_FILE = "cache.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS file_facts (
    content_hash TEXT NOT NULL,
    parser_version TEXT NOT NULL,
    facts TEXT NOT NULL,
    PRIMARY KEY (content_hash, parser_version)
) WITHOUT ROWID;
"""
_CHUNK = 900  # stay below SQLite's host-parameter limit on old builds


class ParseCache:
    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / CACHE_FILE
        self._db = SqliteDb(self.path, _SCHEMA)
        self.warnings = self._db.warnings

    def get_many(self, hashes: Iterable[str]) -> dict[str, str]:
        """Serialised facts for the hashes found (one SELECT per chunk of 900 hashes)."""
        wanted = sorted(set(hashes))
        found: dict[str, str] = {}
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.conn.execute(
                    f"SELECT content_hash, facts FROM file_facts "
                    f"WHERE parser_version = ? AND content_hash IN ({marks})",
                    [PARSER_VERSION, *chunk],
                )
                found.update(rows)
        except sqlite3.DatabaseError as exc:
            self._warn(f"cannot read the parse cache ({exc}); parsing everything")
            return {}
        return found

    def put_many(self, entries: Mapping[str, str]) -> None:
        """Store serialised facts by content hash, in one transaction."""
        if not entries:
            return
        try:
            with self._db.transaction() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO file_facts (content_hash, parser_version, facts) VALUES (?, ?, ?)",
                    [(h, PARSER_VERSION, text) for h, text in entries.items()],
                )
        except sqlite3.DatabaseError as exc:
            self._warn(f"cannot write the parse cache ({exc}); results are not cached")

    def _warn(self, message: str) -> None:
        import sys

        self.warnings.append(f"{self.path}: {message}")
        print(f"auditor: warning: {self.warnings[-1]}", file=sys.stderr)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ParseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
