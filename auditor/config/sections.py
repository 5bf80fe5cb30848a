"""The sections a config file and a rule pack share: [layers], [surfaces], [[contracts]],
[[exceptions]]. Each reader returns plain model objects and appends located errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from auditor.config.fields import FieldReader
from auditor.config.model import ContractSpec, ExceptionSpec, Location
from auditor.config.toml_source import KeyPath
from auditor.domain.code import ImportKind
from auditor.domain.findings import Severity
from auditor.graph.patterns import ModulePattern

CONTRACT_COMMON_KEYS = (
    "id",
    "type",
    "severity",
    "owner",
    "guidance",
    "ignore_kinds",
    "only_kinds",
    "ignore_imports",
    "unmatched_ignore_imports_alerting",
    "override",
)
ALERTING = ("error", "warn", "none")  # import-linter's values for unmatched_ignore_imports_alerting
EXCEPTION_KEYS = ("contract", "import", "reason", "owner", "expires")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")
SEVERITIES = tuple(s.value for s in Severity)
KINDS = tuple(k.value for k in ImportKind)


def pattern_problem(text: str) -> str | None:
    try:
        ModulePattern(text)
    except ValueError as exc:
        return str(exc)
    return None


def split_import_rule(text: str) -> tuple[str, str] | None:
    """'a.b -> c.*' -> ('a.b', 'c.*'); None when the text is not of that shape."""
    if text.count("->") != 1:
        return None
    importer, imported = (part.strip() for part in text.split("->"))
    if pattern_problem(importer) or pattern_problem(imported):
        return None
    return importer, imported


def read_pattern_groups(
    reader: FieldReader, table: Mapping[str, Any], path: KeyPath, key: str
) -> tuple[dict[str, tuple[str, ...]], dict[str, Location]]:
    """[layers] / [surfaces]: name -> array of module patterns."""
    groups = reader.table(table, path, key)
    out: dict[str, tuple[str, ...]] = {}
    where: dict[str, Location] = {}
    for name, value in groups.items():
        item_path = (*path, key, name)
        if not _NAME.match(name):
            reader.fail(item_path, f"{key} name '{name}' must be an identifier (letters, digits, _ or -)")
            continue
        patterns = reader.string_list(groups, (*path, key), name)
        if not isinstance(value, list):
            continue
        for pattern in patterns:
            problem = pattern_problem(pattern)
            if problem:
                reader.fail(item_path, f"{key}.{name}: {problem}")
        if not patterns:
            reader.fail(item_path, f"{key}.{name} must list at least one module pattern")
        out[name] = patterns
        line, column = reader.doc.where(item_path)
        where[name] = Location(reader.doc.path, line, column)
    return out, where


def read_contract(
    reader: FieldReader, path: KeyPath, table: Mapping[str, Any], pack: str | None
) -> tuple[ContractSpec, bool] | None:
    """One [[contracts]] table -> (spec, override flag); None when id or type is unusable."""
    line, column = reader.doc.where(path)
    location = Location(reader.doc.path, line, column)
    contract_id = reader.string(table, path, "id", required=True)
    kind = reader.string(table, path, "type", required=True)
    if contract_id is not None and not _ID.match(contract_id):
        reader.fail((*path, "id"), f"contract id '{contract_id}' may use only letters, digits and _ . : -")
        contract_id = None
    severity = read_severity(reader, table, path, "severity")
    ignore_kinds = _kinds(reader, table, path, "ignore_kinds")
    only_kinds = _kinds(reader, table, path, "only_kinds")
    if ignore_kinds and only_kinds:
        reader.fail((*path, "only_kinds"), "give either 'ignore_kinds' or 'only_kinds', not both")
    ignore_imports = reader.string_list(table, path, "ignore_imports")
    for rule in ignore_imports:
        if split_import_rule(rule) is None:
            reader.fail(
                (*path, "ignore_imports"),
                f"ignore_imports entry {rule!r} must look like 'a.b -> c.d' (module patterns)",
            )
    alerting = reader.string(table, path, "unmatched_ignore_imports_alerting") or "error"
    if alerting not in ALERTING:
        reader.fail(
            (*path, "unmatched_ignore_imports_alerting"),
            f"unmatched_ignore_imports_alerting must be one of {', '.join(ALERTING)}, not {alerting!r}",
        )
        alerting = "error"
    override = reader.boolean(table, path, "override", False)
    owner = reader.string(table, path, "owner")
    guidance = reader.string(table, path, "guidance")
    options = {k: v for k, v in table.items() if k not in CONTRACT_COMMON_KEYS}
    key_lines = {k: reader.line_of((*path, k)) or line or 0 for k in options}
    if contract_id is None or kind is None:
        return None
    spec = ContractSpec(
        id=contract_id,
        type=kind,
        options=options,
        severity=severity,
        owner=owner,
        guidance=guidance,
        ignore_kinds=ignore_kinds,
        only_kinds=only_kinds,
        ignore_imports=ignore_imports,
        ignore_import_lines=reader.item_lines((*path, "ignore_imports"), ignore_imports),
        unmatched_ignore_imports_alerting=alerting,
        location=location,
        key_lines=key_lines,
        pack=pack,
    )
    return spec, override


def _kinds(reader: FieldReader, table: Mapping[str, Any], path: KeyPath, key: str) -> tuple[str, ...]:
    kinds = reader.string_list(table, path, key)
    for kind in kinds:
        if kind not in KINDS:
            reader.fail(
                (*path, key), f"unknown import kind '{kind}' in '{key}'; expected one of: {', '.join(KINDS)}"
            )
    return tuple(k for k in kinds if k in KINDS)


def read_exception(
    reader: FieldReader, path: KeyPath, table: Mapping[str, Any], pack: str | None
) -> ExceptionSpec | None:
    reader.check_keys(table, path, EXCEPTION_KEYS, "[[exceptions]]")
    contract = reader.string(table, path, "contract", required=True)
    rule = reader.string(table, path, "import", required=True)
    reason = reader.string(table, path, "reason", required=True)
    owner = reader.string(table, path, "owner")
    expires = reader.date(table, path, "expires")
    pair = None
    if rule is not None:
        pair = split_import_rule(rule)
        if pair is None:
            reader.fail(
                (*path, "import"),
                f"'import' must look like 'a.b -> c.d' (module patterns, wildcards ok), not {rule!r}",
            )
    if contract is None or pair is None or reason is None:
        return None
    line, column = reader.doc.where(path)
    return ExceptionSpec(
        contract=contract,
        importer=pair[0],
        imported=pair[1],
        reason=reason,
        owner=owner,
        expires=expires,
        location=Location(reader.doc.path, line, column),
        pack=pack,
    )


def read_severity(reader: FieldReader, table: Mapping[str, Any], path: KeyPath, key: str) -> Severity:
    """An `error|warning|info` setting (default error); anything else is a located error."""
    raw = reader.string(table, path, key)
    if raw is None:
        return Severity.ERROR
    if raw in SEVERITIES:
        return Severity(raw)
    reader.fail((*path, key), f"{key} must be one of {', '.join(SEVERITIES)}, not '{raw}'")
    return Severity.ERROR
