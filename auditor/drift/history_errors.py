"""The history database's faults as one-line errors a user can act on."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from auditor.domain.errors import AuditorError
from auditor.support.sqlitedb import is_unwritable


class HistoryError(AuditorError):
    """The history database cannot be used (corrupt, locked, read-only, newer schema). Exit 2."""


class HistoryUnavailable(HistoryError):
    """A history server that is down, unreachable or refuses (connection, authentication):
    `auditor audit` still writes its report, marks the run as not recorded and exits by its
    verdict; other commands exit 2."""


def fix(path: Path) -> str:
    return f"move {path} aside (or delete it) to start a new history, or run with --no-history"


def history_error(exc: sqlite3.DatabaseError, path: Path) -> HistoryError:
    """SQLite's error as the HistoryError that says what to do."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return HistoryError(f"history database is locked by another run ({text})", str(path))
    if is_unwritable(exc):
        return HistoryError(
            f"cannot write the history database ({text}); make it writable, or run with --no-history",
            str(path),
        )
    if isinstance(exc, sqlite3.OperationalError):
        return HistoryError(f"history database is unusable ({text}); {fix(path)}", str(path))
    return HistoryError(f"history database is unreadable ({text}); {fix(path)}", str(path))


_Method = TypeVar("_Method", bound=Callable[..., Any])


def guarded(method: _Method) -> _Method:
    """For History's methods: a fault can surface in any query, not only on open (a damaged
    page, a server gone away); each becomes one HistoryError, from the store's own words."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        store = self._store
        try:
            return method(self, *args, **kwargs)
        except store.errors as exc:
            raise store.error(exc) from None

    return wrapper  # type: ignore[return-value]
