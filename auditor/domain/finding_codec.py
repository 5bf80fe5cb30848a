"""A Finding as plain data (str, int, None, lists, dicts) and back: the one codec behind the
JSON report, the history's rows and the baseline's entries.

`finding_to_dict` gives every field (enums as their values, tuples as lists, the chain as
hop objects, `extra` as an object); `finding_from_dict` accepts any subset of those keys and
gives the dataclass defaults for the others (`message` defaults to "").
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from auditor.domain.findings import ChainHop, Finding, FindingKind, Origin, Severity, Status

_ENUMS: dict[str, type[enum.Enum]] = {"kind": FindingKind, "severity": Severity, "status": Status, "origin": Origin}
_TEXT_TUPLES = ("cwe", "owasp", "layers", "surfaces")
FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """Every field of `f` as JSON-ready data, in declaration order."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(f, name)
        if name in _ENUMS:
            value = value.value
        elif name == "chain":
            value = [hop_dict(h) for h in value]
        elif name == "extra":
            value = dict(value)
        elif name in _TEXT_TUPLES:
            value = list(value)
        out[name] = value
    return out


def finding_from_dict(d: Mapping[str, Any]) -> Finding:
    """The finding `d` describes (the keys of `finding_to_dict`; absent ones take defaults).
    ValueError or KeyError when `kind` or `severity` is missing or unknown."""
    for required in ("fingerprint", "rule", "kind", "severity"):
        if required not in d:
            raise KeyError(required)
    values: dict[str, Any] = {"message": ""}
    for name in FIELDS:
        if name not in d:
            continue
        value = d[name]
        if name in _ENUMS:
            value = _ENUMS[name](value)
        elif name == "chain":
            value = hops(value)
        elif name == "extra":
            value = tuple(sorted((str(k), str(v)) for k, v in value.items()))
        elif name in _TEXT_TUPLES:
            value = tuple(value)
        elif name in ("fingerprint", "rule", "message"):
            value = str(value)
        values[name] = value
    return Finding(**values)


def hop_dict(h: ChainHop) -> dict[str, Any]:
    """An import-chain hop in its plain form."""
    return {"importer": h.importer, "imported": h.imported, "line": h.line}


def hops(items: Iterable[Mapping[str, Any]]) -> tuple[ChainHop, ...]:
    """Import-chain hops from their plain form."""
    return tuple(ChainHop(h["importer"], h["imported"], h["line"]) for h in items)
