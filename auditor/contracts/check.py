"""Check every declared contract against the import graph: the contracts stage's entry point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config.model import AuditorConfig, ContractSpec
from auditor.contracts.base import ContractResult
from auditor.contracts.exceptions import apply_exceptions
from auditor.contracts.registry import build_contract, parse_import_expression
from auditor.contracts.render import coverage_findings, unmatched_ignore_findings, violation_findings
from auditor.domain import Finding, Import, ImportKind
from auditor.domain.run import RuleHealth
from auditor.graph.model import ImportGraph


@dataclass(frozen=True, slots=True)
class ContractsOutcome:
    findings: tuple[Finding, ...]  # violations (unsuppressed), expired/stale exceptions, coverage
    suppressed: tuple[Finding, ...]  # violations an exception suppresses, with suppressed_by
    results: tuple[ContractResult, ...]  # per contract, before exceptions
    kept: Mapping[str, bool]  # contract id -> kept once exceptions apply (for junit)
    expired_exceptions: tuple[str, ...] = ()
    stale_exceptions: tuple[str, ...] = ()
    uncovered_modules: tuple[str, ...] = ()  # in no layer of some layers contract
    unmatched_entries: tuple[str, ...] = ()  # "contract-id: entry" for entries matching no module
    unmatched_contracts: tuple[str, ...] = ()  # contracts none of whose entries matched a module
    warnings: tuple[str, ...] = field(default=())  # e.g. ignore_imports that matched no import

    def health(self) -> RuleHealth:
        return RuleHealth(
            stale_exceptions=self.stale_exceptions,
            expired_exceptions=self.expired_exceptions,
            uncovered_modules=self.uncovered_modules,
            unmatched_rules=self.unmatched_contracts,
        )


def _kinds_view(graph: ImportGraph, spec: ContractSpec) -> ImportGraph:
    if spec.only_kinds:
        return graph.only_kinds([ImportKind(k) for k in spec.only_kinds])
    if spec.ignore_kinds:
        return graph.without_kinds([ImportKind(k) for k in spec.ignore_kinds])
    return graph


def without_ignored_imports(
    graph: ImportGraph, expressions: tuple[str, ...]
) -> tuple[ImportGraph, list[int]]:
    """The graph minus imports matching import-linter style `importer -> imported` expressions,
    and the indexes of the expressions that matched no import of `graph`."""
    if not expressions:
        return graph, []
    parsed = [parse_import_expression(e) for e in expressions]
    used = [False] * len(parsed)

    def ignored(imp: Import) -> bool:
        hit = False
        for i, (a, b) in enumerate(parsed):
            if a.matches(imp.importer) and b.matches(imp.imported):
                used[i] = hit = True
        return hit

    kept = [i for i in graph.imports() if not ignored(i)]
    kept += [i for i in graph.external_imports if not ignored(i)]
    view = ImportGraph(graph.modules.values(), kept, facts=graph.facts, errors=graph.errors)
    return view, [i for i, was_used in enumerate(used) if not was_used]


def _matches_some_import(graph: ImportGraph, expression: str) -> bool:
    a, b = parse_import_expression(expression)
    imports = (*graph.imports(), *graph.external_imports)
    return any(a.matches(i.importer) and b.matches(i.imported) for i in imports)


def _ignoring(
    graph: ImportGraph, kinds_view: ImportGraph, spec: ContractSpec, warnings: list[str], root: Path
) -> tuple[ImportGraph, list[Finding]]:
    """`kinds_view` minus the contract's ignored imports. An entry that matches no import (of
    any kind: one a kind filter dropped still names a real import) is, as the contract's
    `unmatched_ignore_imports_alerting` says, a finding of the contract, a warning or nothing."""
    view, unmatched = without_ignored_imports(kinds_view, spec.ignore_imports)
    expressions = [spec.ignore_imports[i] for i in unmatched]
    if expressions and kinds_view is not graph:
        expressions = [e for e in expressions if not _matches_some_import(graph, e)]
    if spec.unmatched_ignore_imports_alerting == "warn":
        warnings += [f"contract '{spec.id}': ignore_imports {e!r} matched no import" for e in expressions]
    if spec.unmatched_ignore_imports_alerting != "error":
        return view, []
    return view, unmatched_ignore_findings(spec, expressions, root)


def check_contracts(graph: ImportGraph, config: AuditorConfig, *, today: dt.date) -> ContractsOutcome:
    """Run every contract of `config`; apply exceptions; collect coverage and rule health.

    Raises ConfigError (file:line) for an invalid contract.
    """
    contracts = [build_contract(spec, config.layers) for spec in config.contracts]
    views: dict[tuple[tuple[str, ...], tuple[str, ...]], ImportGraph] = {}
    warnings: list[str] = []
    results: list[ContractResult] = []
    raw: list[Finding] = []
    coverage: list[Finding] = []
    uncovered: set[str] = set()
    unmatched_entries: list[str] = []
    unmatched_contracts: list[str] = []
    for contract in contracts:
        spec = contract.spec
        key = (tuple(spec.only_kinds), tuple(spec.ignore_kinds))
        if key not in views:
            views[key] = _kinds_view(graph, spec)
        view, unmatched_ignores = _ignoring(graph, views[key], spec, warnings, config.root)
        result = contract.check(view)
        results.append(result)
        raw += violation_findings(spec, result, view) + unmatched_ignores
        coverage += coverage_findings(spec, result, view)
        uncovered |= set(result.uncovered)
        unmatched_entries += [f"{spec.id}: {entry}" for entry in result.unmatched]
        if contract.entries and set(contract.entries) <= set(result.unmatched):
            unmatched_contracts.append(spec.id)
    applied = apply_exceptions(
        raw, config.exceptions, today=today, contract_ids=[c.id for c in contracts], root=config.root
    )
    broken = {f.rule for f in applied.findings}
    return ContractsOutcome(
        findings=(*applied.findings, *applied.exception_findings, *coverage),
        suppressed=applied.suppressed,
        results=tuple(results),
        kept={r.contract_id: r.contract_id not in broken for r in results},
        expired_exceptions=applied.expired,
        stale_exceptions=applied.stale,
        uncovered_modules=tuple(sorted(uncovered)),
        unmatched_entries=tuple(unmatched_entries),
        unmatched_contracts=tuple(unmatched_contracts),
        warnings=tuple(warnings),
    )
