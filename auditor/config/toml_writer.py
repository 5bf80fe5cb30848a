"""Writing a `[tool.auditor]` (or auditor.toml) section readably: tables and [[arrays of tables]]
with headers, short arrays on one line, comments where a person should look. Scalars are
escaped by tomli_w, so any string (from a hostile repository too) round-trips."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from auditor.config.toml_source import printable

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ONE_LINE_LIMIT = 90


@dataclass
class Commented:
    """A value with comment lines written above its key (or above a [[table]] header)."""

    value: Any
    comments: Sequence[str] = field(default_factory=tuple)


def key_text(key: str) -> str:
    return key if _BARE_KEY.match(key) else scalar_text(key)


def scalar_text(value: Any) -> str:
    return tomli_w.dumps({"v": value})[len("v = ") :].rstrip("\n")


def value_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        items = [value_text(v) for v in value]
        one_line = "[" + ", ".join(items) + "]"
        if len(one_line) <= _ONE_LINE_LIMIT and "\n" not in one_line:
            return one_line
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key_text(k)} = {value_text(v)}" for k, v in value.items()) + " }"
    return scalar_text(value)


def _comment_lines(comments: Sequence[str]) -> list[str]:
    out = []
    for comment in comments:
        for line in str(comment).splitlines() or [""]:
            out.append(f"# {printable(line)}".rstrip())
    return out


def render_table(
    prefix: str, table: Mapping[str, Any], comments: Sequence[str] = (), *, inline_nested: bool = False
) -> str:
    """`table` as TOML under the header `[prefix]` ("" for top level); nested dicts become
    [prefix.key] tables, lists of dicts become [[prefix.key]] arrays of tables."""
    lines: list[str] = _comment_lines(comments)
    if prefix:
        lines.append(f"[{prefix}]")
    deferred: list[str] = []
    for key, raw in table.items():
        note: Sequence[str] = ()
        value = raw
        if isinstance(raw, Commented):
            value, note = raw.value, raw.comments
        sub = f"{prefix}.{key_text(key)}" if prefix else key_text(key)
        if isinstance(value, Mapping) and not inline_nested:
            deferred.append(render_table(sub, value, note))
        elif (
            not inline_nested
            and isinstance(value, list)
            and value
            and all(isinstance(v, Mapping | Commented) for v in value)
        ):
            deferred.extend(_render_array_of_tables(sub, value, note))
        else:
            lines.extend(_comment_lines(note))
            lines.append(f"{key_text(key)} = {value_text(value)}")
    text = "\n".join(lines)
    parts = [text] if text else []
    return "\n\n".join(parts + deferred)


def _render_array_of_tables(sub: str, items: Sequence[Any], note: Sequence[str]) -> list[str]:
    rendered = []
    for index, item in enumerate(items):
        comments = list(note) if index == 0 else []
        if isinstance(item, Commented):
            comments += list(item.comments)
            item = item.value
        body = render_table("", item, inline_nested=True)
        head = "\n".join([*_comment_lines(comments), f"[[{sub}]]"])
        rendered.append(f"{head}\n{body}" if body else head)
    return rendered
