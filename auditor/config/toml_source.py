"""Reading a TOML file defensively, and finding where each key was written.

tomllib gives positions only for syntax errors; `KeyLocator` scans the source text once for
table headers and `key =` lines so that semantic errors can name file:line:column too.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.domain.errors import ConfigError
from auditor.support.inputs import RefusedInput, read_bounded

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 24  # nested tables/arrays
MAX_NODES = 200_000  # values in one document
MAX_ARRAY_ITEMS = 10_000

KeyPath = tuple[str | int, ...]

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_INLINE_KEY = re.compile(r"""[{,]\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")


@dataclass(frozen=True, slots=True)
class TomlDocument:
    path: str  # as shown in messages
    text: str
    data: dict[str, Any]
    locator: KeyLocator

    def where(self, key_path: KeyPath) -> tuple[int | None, int | None]:
        return self.locator.find(key_path)

    def error(self, key_path: KeyPath, message: str) -> ConfigError:
        line, column = self.where(key_path)
        return ConfigError(message, path=self.path, line=line, column=column)


def printable(text: str) -> str:
    """`text` with control and other non-printable characters shown as escapes, so a hostile
    key or value cannot rewrite the terminal or fake extra `path:line: message` lines."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def read_toml(path: Path, shown_as: str | None = None) -> TomlDocument:
    """Parse `path` with size and nesting guards; every failure is a located ConfigError."""
    shown = shown_as or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ConfigError(f"file is {size} bytes; the limit is {MAX_FILE_BYTES}", path=shown)
        raw = read_bounded(path, max_bytes=MAX_FILE_BYTES)  # a fifo or /dev/zero: refused
    except RefusedInput as exc:
        raise ConfigError(str(exc), path=shown) from None
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror or exc}", path=shown) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=shown) from None
    return parse_toml(text, shown)


def parse_toml(text: str, shown: str) -> TomlDocument:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise ConfigError(f"document is larger than {MAX_FILE_BYTES} bytes", path=shown)
    depth = _bracket_depth(text)
    if depth > MAX_DEPTH:
        raise ConfigError(f"nesting is {depth} levels deep; the limit is {MAX_DEPTH}", path=shown)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, shown) from None
    except RecursionError:
        raise ConfigError(f"nesting deeper than {MAX_DEPTH} levels", path=shown) from None
    _check_size(data, shown)
    return TomlDocument(shown, text, data, KeyLocator(text))


def _syntax_error(exc: Exception, shown: str) -> ConfigError:
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    message = str(getattr(exc, "msg", "") or exc)
    found = _POSITION.search(message)
    if found:
        line = line or int(found.group(1))
        column = column or int(found.group(2))
        message = _POSITION.sub("", message).strip()
    return ConfigError(f"invalid TOML: {message}", path=shown, line=line, column=column)


def _bracket_depth(text: str) -> int:
    """Deepest [ / { nesting outside strings and comments (cheap pre-parse bomb guard)."""
    depth = deepest = 0
    quote = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def _check_size(data: Any, shown: str) -> None:
    nodes = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise ConfigError(f"more than {MAX_NODES} values in one document", path=shown)
        if depth > MAX_DEPTH:
            raise ConfigError(f"nesting deeper than {MAX_DEPTH} levels", path=shown)
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            if len(value) > MAX_ARRAY_ITEMS:
                raise ConfigError(
                    f"an array has {len(value)} items; the limit is {MAX_ARRAY_ITEMS}", path=shown
                )
            stack.extend((v, depth + 1) for v in value)


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""", text)
    return tuple(a or b or c for a, b, c in parts)


class KeyLocator:
    """Maps key paths like ("tool", "auditor", "contracts", 2, "layers") to (line, column)."""

    def __init__(self, text: str) -> None:
        self._positions: dict[KeyPath, tuple[int, int]] = {}
        self._array_counts: dict[tuple[str, ...], int] = {}
        self._scan(text)

    def find(self, key_path: KeyPath) -> tuple[int | None, int | None]:
        path = tuple(key_path)
        while path:
            if path in self._positions:
                return self._positions[path]
            path = path[:-1]
        return None, None

    def _record(self, path: KeyPath, line: int, column: int) -> None:
        self._positions.setdefault(path, (line, column))

    def _scan(self, text: str) -> None:
        prefix: KeyPath = ()
        in_multiline: str | None = None
        depth = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if in_multiline in line:
                    in_multiline = None
                continue
            stripped = _strip_comment(line)
            if depth == 0:
                header = _HEADER.match(stripped)
                if header and header.group(1) == header.group(3)[::-1].replace("]", "["):
                    prefix = self._header(header, number, line)
                    continue
                key = _KEY.match(stripped)
                if key:
                    keys = _split_key(key.group(1))
                    column = len(line) - len(line.lstrip()) + 1
                    for i in range(1, len(keys) + 1):
                        self._record(prefix + keys[:i], number, column)
                    self._inline_keys(prefix + keys, stripped, number)
            for marker in ('"""', "'''"):
                if stripped.count(marker) % 2 == 1:
                    in_multiline = marker
            depth = max(0, depth + _net_brackets(stripped))

    def _header(self, match: re.Match[str], number: int, line: str) -> KeyPath:
        names = _split_key(match.group(2))
        column = line.index(match.group(1)) + 1
        if match.group(1) == "[[":
            index = self._array_counts.get(names, 0)
            self._array_counts[names] = index + 1
            self._record(names, number, column)
            path: KeyPath = (*names, index)
        else:
            path = names
        self._record(path, number, column)
        return path

    def _inline_keys(self, base: KeyPath, line: str, number: int) -> None:
        for found in _INLINE_KEY.finditer(line):
            self._record(base + _split_key(found.group(1)), number, found.start(1) + 1)


def _strip_comment(line: str) -> str:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _net_brackets(line: str) -> int:
    net = 0
    quote = ""
    for ch in line:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            net += 1
        elif ch in "]}":
            net -= 1
    return net
