"""`[guardrails]`: how severe a weakening of the guardrails is, by who wrote it.

    [tool.auditor.guardrails]
    ai = "error"          # written by an AI agent (default error)
    mixed = "error"       # partly (default error)
    human = "warning"     # by a person (default warning)
    unknown = "warning"   # not known, e.g. not committed yet (default warning)

    [tool.auditor.guardrails.rules]
    guardrail-baseline-grown = "warning"                      # every origin
    guardrail-suppression-added = { ai = "warning", human = "info" }
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.config.fields import FieldReader
from auditor.config.toml_source import KeyPath
from auditor.domain.findings import Severity
from auditor.domain.guardrail_policy import POLICY_ORIGINS, WEAKENING_RULES, GuardrailPolicy

SEVERITIES = tuple(s.value for s in Severity)


def read_guardrail_policy(reader: FieldReader, settings: Mapping[str, Any], base: KeyPath) -> GuardrailPolicy:
    table = reader.table(settings, base, "guardrails")
    path = (*base, "guardrails")
    reader.check_keys(table, path, (*POLICY_ORIGINS, "rules"), "[guardrails]")
    defaults = GuardrailPolicy()
    by_origin = dict(defaults.by_origin)
    for origin in POLICY_ORIGINS:
        found = _severity(reader, table, path, origin)
        if found is not None:
            by_origin[origin] = found
    rules = reader.table(table, path, "rules")
    by_rule: dict[str, dict[str, Severity]] = {}
    for rule, value in rules.items():
        where = (*path, "rules", rule)
        if rule not in WEAKENING_RULES:
            reader.fail(where, f"unknown guardrail rule {rule!r}; expected one of: {', '.join(WEAKENING_RULES)}")
            continue
        if isinstance(value, str):
            single = _severity(reader, rules, (*path, "rules"), rule)
            if single is not None:
                by_rule[rule] = {o: single for o in POLICY_ORIGINS}
            continue
        if not isinstance(value, dict):
            reader.fail(where, f"guardrails.rules.{rule} must be a severity or a table of origin = severity")
            continue
        reader.check_keys(value, where, POLICY_ORIGINS, f"[guardrails.rules.{rule}]")
        chosen = {o: s for o in POLICY_ORIGINS if (s := _severity(reader, value, where, o)) is not None}
        if chosen:
            by_rule[rule] = chosen
    return GuardrailPolicy(by_origin, by_rule)


def _severity(reader: FieldReader, table: Mapping[str, Any], path: KeyPath, key: str) -> Severity | None:
    raw = reader.string(table, path, key)
    if raw is None:
        return None
    if raw not in SEVERITIES:
        reader.fail((*path, key), f"{key} must be one of {', '.join(SEVERITIES)}, not {raw!r}")
        return None
    return Severity(raw)
