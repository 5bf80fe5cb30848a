"""Which history backend a location names: a PostgreSQL URL, else a SQLite file."""

from __future__ import annotations

from pathlib import Path

from auditor.drift.history_store import HistoryStore, is_url


def open_store(location: str | Path, *, inside: Path | None = None) -> HistoryStore:
    """The store at `location`: a PostgreSQL URL, else a SQLite file (below `inside`, no
    symlinked folder). Raises HistoryError (HistoryUnavailable: a server that is down or
    refuses)."""
    if is_url(location):
        from auditor.drift.history_postgres import PostgresStore

        return PostgresStore(str(location))
    from auditor.drift.history_sqlite import SqliteStore

    return SqliteStore(Path(location), inside=inside)
