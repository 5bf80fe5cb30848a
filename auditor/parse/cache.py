"""The parse cache, in `<cache_dir>/cache.sqlite`: six tables.

- `file_facts`: serialised FileFacts keyed by (content hash, parser version), so that a new
  auditor, fact layout, libcst or Python never reads stale facts (`parser_version`);
- `file_definitions`: serialised FileDefinitions, keyed the same way (parsed on demand);
- `file_stats`: a file's stat signature and the content hash it had (git's index idea), so a
  warm run need not read and hash files whose signature did not change (see parse.hashing);
- `discoveries`: a project's discovered files and what the walk looked at (discover.snapshot);
- `graph_snapshots`: whole import graphs keyed by everything they depend on (graph.snapshot),
  so a warm run on an unchanged tree decodes one entry instead of every file's facts;
  `latest_snapshots`: each project's newest one (the base a patch starts from).

One SELECT per table and run, one write transaction for what is new. Concurrent runs are safe
(SqliteDb: WAL + BEGIN IMMEDIATE); a corrupt file is rebuilt.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from auditor import __version__
from auditor.parse import serialize
from auditor.support.sqlitedb import SqliteDb


def _libcst_version() -> str:
    """The installed libcst's version, read from its `_version.py` without importing libcst
    (a warm run never loads the parser; importlib.metadata alone costs ~30 ms)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("libcst")
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            text = (Path(folder) / "_version.py").read_text(encoding="utf-8")
        except OSError:
            continue
        found = re.search(r"""^__version__\s*=.*?['"]([^'"]+)['"]""", text, re.M)
        if found:
            return found[1]
    return "unknown"


def parser_version(
    *,
    auditor: str = __version__,
    facts: int = serialize.FORMAT_VERSION,
    libcst: str | None = None,
    python: tuple[int, int] | None = None,
) -> str:
    """What a file's facts (or its parse error) depend on besides its bytes: the auditor, the
    facts layout and extraction rules, libcst's grammar, and the running Python (whose own
    parser guards libcst's, so one file may parse under 3.12 and fail under 3.10)."""
    libcst = libcst if libcst is not None else _libcst_version()
    major, minor = python if python is not None else sys.version_info[:2]
    return f"{auditor}+facts{facts}+libcst{libcst}+py{major}.{minor}"


PARSER_VERSION = parser_version()
CACHE_FILE = "cache.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS file_facts (
    content_hash TEXT NOT NULL,
    parser_version TEXT NOT NULL,
    facts TEXT NOT NULL,
    PRIMARY KEY (content_hash, parser_version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_definitions (
    content_hash TEXT NOT NULL,
    parser_version TEXT NOT NULL,
    facts TEXT NOT NULL,
    PRIMARY KEY (content_hash, parser_version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_stats (
    path TEXT PRIMARY KEY,
    signature TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    checked_ns INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS discoveries (
    key TEXT PRIMARY KEY,
    parser_version TEXT NOT NULL,
    discovery TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest_snapshots (
    project TEXT PRIMARY KEY,
    parser_version TEXT NOT NULL,
    key TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS graph_snapshots (
    key TEXT PRIMARY KEY,
    parser_version TEXT NOT NULL,
    created_ns INTEGER NOT NULL,
    graph TEXT NOT NULL
);
"""
KEPT_SNAPSHOTS = 4  # newest whole-graph snapshots kept (a project's head, a few recent states)
_CHUNK = 900  # stay below SQLite's host-parameter limit on old builds


class ParseCache:
    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / CACHE_FILE
        self._db = SqliteDb(self.path, _SCHEMA)
        self.warnings = self._db.warnings

    def get_many(self, hashes: Iterable[str], *, definitions: bool = False) -> dict[str, str]:
        """Serialised facts (or `definitions`) for the hashes found (one SELECT per chunk of
        900 hashes)."""
        table = "file_definitions" if definitions else "file_facts"
        wanted = sorted(set(hashes))
        found: dict[str, str] = {}
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.conn.execute(
                    f"SELECT content_hash, facts FROM {table} "
                    f"WHERE parser_version = ? AND content_hash IN ({marks})",
                    [PARSER_VERSION, *chunk],
                )
                found.update(rows)
        except sqlite3.DatabaseError as exc:
            self._warn(f"cannot read the parse cache ({exc}); parsing everything")
            return {}
        return found

    def put_many(self, entries: Mapping[str, str], *, definitions: bool = False) -> None:
        """Store serialised facts (or `definitions`) by content hash, in one transaction."""
        if not entries:
            return
        table = "file_definitions" if definitions else "file_facts"
        try:
            with self._db.transaction() as conn:
                conn.executemany(
                    f"INSERT OR REPLACE INTO {table} (content_hash, parser_version, facts) VALUES (?, ?, ?)",
                    [(h, PARSER_VERSION, text) for h, text in entries.items()],
                )
        except sqlite3.DatabaseError as exc:
            self._warn(f"cannot write the parse cache ({exc}); results are not cached")

    def file_stats(self, directory: str) -> dict[str, tuple[str, str, int]]:
        """path -> (signature, content hash, checked_ns) for every recorded file below `directory`."""
        low = directory.rstrip("/") + "/"
        high = low[:-1] + chr(ord("/") + 1)
        try:
            rows = self._db.conn.execute(
                "SELECT path, signature, content_hash, checked_ns FROM file_stats WHERE path >= ? AND path < ?",
                (low, high),
            )
            return {path: (sig, digest, checked) for path, sig, digest, checked in rows}
        except sqlite3.DatabaseError as exc:
            self._warn(f"cannot read file signatures ({exc}); hashing every file")
            return {}

    def put_file_stats(
        self, rows: Iterable[tuple[str, str, str, int]], *, forget: Iterable[str] = ()
    ) -> None:
        """Record (path, signature, content hash, checked_ns) rows; drop the `forget` paths."""
        rows, forget = list(rows), list(forget)
        if not rows and not forget:
            return
        try:
            with self._db.transaction() as conn:
                conn.executemany("DELETE FROM file_stats WHERE path = ?", [(p,) for p in forget])
                conn.executemany("INSERT OR REPLACE INTO file_stats VALUES (?, ?, ?, ?)", rows)
        except sqlite3.DatabaseError as exc:
            self._warn(f"cannot write file signatures ({exc}); files are hashed again next run")

    def get_discovery(self, key: str) -> str | None:
        """A stored discovery (discover.snapshot decides whether it still holds)."""
        return self._text("SELECT discovery FROM discoveries WHERE key", key, "walking the tree")

    def put_discovery(self, key: str, text: str) -> None:
        self._write(
            [("INSERT OR REPLACE INTO discoveries VALUES (?, ?, ?)", (key, PARSER_VERSION, text))],
            "the next run walks the tree again",
        )

    def get_snapshot(self, key: str) -> str | None:
        return self._text("SELECT graph FROM graph_snapshots WHERE key", key, "building the graph")

    def get_latest(self, project: str) -> str | None:
        """The key of the project's newest snapshot (the base to patch after an edit)."""
        return self._text("SELECT key FROM latest_snapshots WHERE project", project, "building the graph")

    def put_snapshot(self, key: str, graph: str, *, project: str | None = None) -> None:
        """Store a graph snapshot (as `project`'s latest), keep only the KEPT_SNAPSHOTS newest."""
        import time

        newest = "SELECT key FROM graph_snapshots ORDER BY created_ns DESC LIMIT ?"
        statements: list[tuple[str, tuple[object, ...]]] = [
            (
                "INSERT OR REPLACE INTO graph_snapshots VALUES (?, ?, ?, ?)",
                (key, PARSER_VERSION, time.time_ns(), graph),
            ),
            (f"DELETE FROM graph_snapshots WHERE key NOT IN ({newest})", (KEPT_SNAPSHOTS,)),
        ]
        if project is not None:
            statements.append(
                ("INSERT OR REPLACE INTO latest_snapshots VALUES (?, ?, ?)", (project, PARSER_VERSION, key))
            )
        self._write(statements, "the next run rebuilds it")

    def _text(self, select: str, key: str, otherwise: str) -> str | None:
        """The one text column of `select` ("SELECT col FROM table WHERE keycol") for `key`."""
        try:
            row = self._db.conn.execute(
                f"{select} = ? AND parser_version = ?", (key, PARSER_VERSION)
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            self._warn(f"cannot read the cache ({exc}); {otherwise}")
            return None
        return None if row is None else str(row[0])

    def _write(self, statements: list[tuple[str, tuple[object, ...]]], otherwise: str) -> None:
        try:
            with self._db.transaction() as conn:
                for sql, params in statements:
                    conn.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            self._warn(f"cannot write the cache ({exc}); {otherwise}")

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
