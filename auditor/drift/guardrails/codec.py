"""Guardrails as JSON, for the history database: the nightly run compares with the last one's.

Only what `compare` reads is kept. A stored snapshot that cannot be decoded (damaged, or written
by another version) reads as None: that run then has nothing to compare with, like a first run.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from auditor.domain.findings import Severity
from auditor.domain.guardrails import (
    BaselineGuard,
    ContractGuard,
    ExceptionGuard,
    GuardrailPolicy,
    Guardrails,
    LayerGuard,
    PackGuard,
    SettingGuard,
    Spot,
)

FORMAT = 1


def _spot(s: Spot) -> list[object]:
    return [s.path, s.line]


def dumps_guardrails(g: Guardrails) -> str:
    doc = {
        "format": FORMAT,
        "config_path": g.config_path,
        "baseline_path": g.baseline_path,
        "suppressions": g.suppressions,
        "contracts": [
            {"id": c.id, "type": c.type, "severity": c.severity.value, "spot": _spot(c.spot), "owner": c.owner,
             "pack": c.pack, "options": _plain(c.options), "option_lines": dict(c.option_lines),
             "ignore_imports": list(c.ignore_imports), "ignore_import_lines": list(c.ignore_import_lines),
             "ignore_kinds": list(c.ignore_kinds), "only_kinds": list(c.only_kinds)}
            for c in g.contracts
        ],
        "exceptions": [
            {"contract": e.contract, "importer": e.importer, "imported": e.imported, "reason": e.reason,
             "spot": _spot(e.spot), "owner": e.owner, "expires": e.expires.isoformat() if e.expires else None,
             "pack": e.pack}
            for e in g.exceptions
        ],
        "baseline": [
            [b.fingerprint, b.rule, b.path, b.message, b.reason, _spot(b.spot)] for b in g.baseline
        ],
        "packs": [[p.name, p.version, p.ref, _spot(p.spot)] for p in g.packs],
        "layers": [[layer.name, list(layer.patterns), _spot(layer.spot)] for layer in g.layers],
        "settings": [[s.key, list(s.value) if isinstance(s.value, tuple) else s.value, _spot(s.spot)] for s in g.settings],
        "policy": {
            "by_origin": {o: s.value for o, s in g.policy.by_origin.items()},
            "by_rule": {r: {o: s.value for o, s in m.items()} for r, m in g.policy.by_rule.items()},
        },
    }  # fmt: skip
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), default=str)


def _plain(value: Any) -> Any:
    """Contract options as JSON data (TOML dates and the like as strings)."""
    return json.loads(json.dumps(value, default=str))


def loads_guardrails(text: str) -> Guardrails | None:
    try:
        doc = json.loads(text)
        if doc.get("format") != FORMAT:
            return None
        return _decode(doc)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None


def _to_spot(raw: list[Any]) -> Spot:
    return Spot(str(raw[0]), int(raw[1]) if raw[1] is not None else None)


def _decode(doc: dict[str, Any]) -> Guardrails:
    return Guardrails(
        config_path=doc["config_path"],
        baseline_path=doc["baseline_path"],
        suppressions=int(doc["suppressions"]),
        contracts=tuple(
            ContractGuard(
                id=c["id"], type=c["type"], severity=Severity(c["severity"]), spot=_to_spot(c["spot"]),
                owner=c["owner"], pack=c["pack"], options=c["options"], option_lines=c["option_lines"],
                ignore_imports=tuple(c["ignore_imports"]), ignore_import_lines=tuple(c["ignore_import_lines"]),
                ignore_kinds=tuple(c["ignore_kinds"]), only_kinds=tuple(c["only_kinds"]),
            )
            for c in doc["contracts"]
        ),
        exceptions=tuple(
            ExceptionGuard(
                contract=e["contract"], importer=e["importer"], imported=e["imported"], reason=e["reason"],
                spot=_to_spot(e["spot"]), owner=e["owner"],
                expires=dt.date.fromisoformat(e["expires"]) if e["expires"] else None, pack=e["pack"],
            )
            for e in doc["exceptions"]
        ),
        baseline=tuple(BaselineGuard(b[0], b[1], b[2], b[3], b[4], _to_spot(b[5])) for b in doc["baseline"]),
        packs=tuple(PackGuard(p[0], p[1], p[2], _to_spot(p[3])) for p in doc["packs"]),
        layers=tuple(LayerGuard(item[0], tuple(item[1]), _to_spot(item[2])) for item in doc["layers"]),
        settings=tuple(
            SettingGuard(s[0], tuple(s[1]) if isinstance(s[1], list) else s[1], _to_spot(s[2])) for s in doc["settings"]
        ),
        policy=GuardrailPolicy(
            {o: Severity(s) for o, s in doc["policy"]["by_origin"].items()},
            {r: {o: Severity(s) for o, s in m.items()} for r, m in doc["policy"]["by_rule"].items()},
        ),
    )  # fmt: skip
