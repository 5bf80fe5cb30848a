"""Adding a generated `[tool.auditor]` section to an existing pyproject.toml without touching the
rest of the file (text in, text out; the result is parsed again before anyone writes it)."""

from __future__ import annotations

import re

from auditor.config.toml_source import parse_toml
from auditor.domain.errors import ConfigError

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOOL_AUDITOR = re.compile(r"^tool\s*\.\s*auditor\s*(\.|$)")


def has_tool_auditor(text: str, shown: str = "pyproject.toml") -> bool:
    tool = parse_toml(text, shown).data.get("tool")
    return isinstance(tool, dict) and "auditor" in tool


def remove_tool_auditor(text: str) -> str:
    """`text` without its [tool.auditor] / [tool.auditor.*] / [[tool.auditor.*]] tables."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header:
            skipping = bool(_TOOL_AUDITOR.match(header.group(1)))
        if not skipping:
            out.append(line)
    return "".join(out).rstrip("\n") + "\n"


def append_section(text: str, section: str, *, replace: bool, shown: str = "pyproject.toml") -> str:
    """`text` with `section` appended; an existing [tool.auditor] is replaced only if `replace`."""
    if has_tool_auditor(text, shown):
        if not replace:
            raise ConfigError(f"{shown} already has [tool.auditor]; use --force to replace it")
        text = remove_tool_auditor(text)
    base = text.rstrip("\n")
    result = (base + "\n\n" if base else "") + section.rstrip("\n") + "\n"
    if not has_tool_auditor(result, shown):  # e.g. an inline `tool = {...}` we could not edit
        raise ConfigError(f"could not add [tool.auditor] to {shown}; add it by hand")
    return result
