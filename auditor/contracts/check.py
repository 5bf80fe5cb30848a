"""Check every declared contract against the import graph: the contracts stage's entry point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor.config.model import AuditorConfig, ContractSpec
from auditor.contracts.base import ContractResult
from auditor.contracts.exceptions import apply_exceptions
from auditor.contracts.registry import build_contract, parse_import_expression
from auditor.contracts.render import coverage_findings, violation_findings
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
    graph: ImportGraph, expressions: tuple[str, ...], warnings: list[str], contract_id: str
) -> ImportGraph:
    """The graph minus imports matching import-linter style `importer -> imported` expressions."""
    if not expressions:
        return graph
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
    for expression, was_used in zip(expressions, used, strict=True):
        if not was_used:
            warnings.append(f"contract '{contract_id}': ignore_imports {expression!r} matched no import")
    return ImportGraph(graph.modules.values(), kept, facts=graph.facts, errors=graph.errors)


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
        view = without_ignored_imports(views[key], spec.ignore_imports, warnings, spec.id)
        result = contract.check(view)
        results.append(result)
        raw += violation_findings(spec, result, view)
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
