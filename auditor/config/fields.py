"""Typed reads of TOML values that collect located errors instead of stopping at the first."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from auditor.config.toml_source import KeyPath, TomlDocument
from auditor.domain.errors import ConfigError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer", list: "an array", dict: "a table"}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


class FieldReader:
    """Reads one document's tables; every problem is appended to `errors` with its position."""

    def __init__(self, doc: TomlDocument, errors: list[ConfigError]) -> None:
        self.doc = doc
        self.errors = errors

    def fail(self, path: KeyPath, message: str) -> None:
        self.errors.append(self.doc.error(path, message))

    def line_of(self, path: KeyPath) -> int | None:
        return self.doc.where(path)[0]

    def item_lines(self, path: KeyPath, items: tuple[str, ...]) -> tuple[int | None, ...]:
        """The line of each string of the array at `path`: the first line at or after the key
        (and after the previous item) that holds the string quoted; the key's line otherwise."""
        start = self.line_of(path)
        if start is None:
            return tuple(None for _ in items)
        lines = self.doc.text.splitlines()
        out: list[int | None] = []
        cursor = start
        for item in items:
            quoted = (f'"{item}"', f"'{item}'")
            found = next(
                (n for n in range(cursor, len(lines) + 1) if any(q in lines[n - 1] for q in quoted)), None
            )
            out.append(found or start)
            cursor = found or cursor
        return tuple(out)

    def check_keys(self, table: Mapping[str, Any], path: KeyPath, allowed: Iterable[str], what: str) -> None:
        allowed_set = set(allowed)
        for key in table:
            if key not in allowed_set:
                self.fail(
                    (*path, key),
                    f"unknown key '{key}' in {what}; expected one of: {', '.join(sorted(allowed_set))}",
                )

    def _typed(self, table: Mapping[str, Any], path: KeyPath, key: str, kind: type, expected: str) -> Any:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail((*path, key), f"'{key}' must be {expected}, not {_type_name(value)}")
            return None
        return value

    def string(
        self, table: Mapping[str, Any], path: KeyPath, key: str, *, required: bool = False
    ) -> str | None:
        value = self._typed(table, path, key, str, "a string")
        if required and key not in table:
            self.fail(path, f"missing required key '{key}' (a non-empty string)")
        elif required and value is not None and not value.strip():
            self.fail((*path, key), f"'{key}' must not be empty")
            return None
        return value

    def boolean(self, table: Mapping[str, Any], path: KeyPath, key: str, default: bool) -> bool:
        value = self._typed(table, path, key, bool, "true or false")
        return default if value is None else bool(value)

    def positive_int(self, table: Mapping[str, Any], path: KeyPath, key: str, default: int) -> int:
        value = self._typed(table, path, key, int, "a positive integer")
        if value is None:
            return default
        if value <= 0:
            self.fail((*path, key), f"'{key}' must be a positive integer, not {value}")
            return default
        return int(value)

    def string_list(self, table: Mapping[str, Any], path: KeyPath, key: str) -> tuple[str, ...]:
        value = self._typed(table, path, key, list, "an array of strings")
        if value is None:
            return ()
        bad = [i for i, item in enumerate(value) if not isinstance(item, str)]
        if bad:
            self.fail(
                (*path, key),
                f"'{key}' must be an array of strings (item {bad[0] + 1} is {_type_name(value[bad[0]])})",
            )
            return tuple(item for item in value if isinstance(item, str))
        return tuple(value)

    def string_table(self, table: Mapping[str, Any], path: KeyPath, key: str) -> dict[str, str]:
        value = self._typed(table, path, key, dict, "a table of strings")
        if value is None:
            return {}
        out: dict[str, str] = {}
        for name, item in value.items():
            if isinstance(item, str):
                out[name] = item
            else:
                self.fail((*path, key, name), f"'{key}.{name}' must be a string, not {_type_name(item)}")
        return out

    def table(self, table: Mapping[str, Any], path: KeyPath, key: str) -> dict[str, Any]:
        value = self._typed(table, path, key, dict, "a table")
        return value or {}

    def table_list(
        self, table: Mapping[str, Any], path: KeyPath, key: str
    ) -> list[tuple[KeyPath, dict[str, Any]]]:
        value = self._typed(table, path, key, list, f"an array of tables ([[{key}]])")
        out = []
        for index, item in enumerate(value or []):
            if isinstance(item, dict):
                out.append(((*path, key, index), item))
            else:
                self.fail((*path, key), f"'{key}' item {index + 1} must be a table, not {_type_name(item)}")
        return out

    def date(self, table: Mapping[str, Any], path: KeyPath, key: str) -> dt.date | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, dt.datetime):
            self.fail((*path, key), f"'{key}' must be a date YYYY-MM-DD, not a date-time")
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and _DATE.match(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError as exc:
                self.fail((*path, key), f"'{key}' is not a valid date: {value!r} ({exc})")
                return None
        self.fail((*path, key), f"'{key}' must be a date YYYY-MM-DD, not {value!r}")
        return None
