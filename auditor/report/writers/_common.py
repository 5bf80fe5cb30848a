"""Helpers every writer shares: one deterministic order, counts, and which findings are open."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditor.domain.findings import Finding, FindingKind, Origin, Severity, Status
from auditor.domain.guardrail_policy import hidden_by_change as hidden_by_change  # for the writers
from auditor.domain.run import RunResult

TOOL_NAME = "auditor"


def finding_order(f: Finding) -> tuple[str, int, str, str]:
    """Sort key: by file, line, rule, fingerprint (stable across runs and platforms)."""
    return (f.path or "", f.line or 0, f.rule, f.fingerprint)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_order)


def guardrails_first(findings: Iterable[Finding]) -> list[Finding]:
    """`findings` in the same order, guardrail changes (the rules themselves) first."""
    return sorted(findings, key=lambda f: f.kind is not FindingKind.GUARDRAIL)


def is_open(f: Finding) -> bool:
    """A finding that still needs action: neither accepted in the baseline nor suppressed."""
    return f.is_open


@dataclass(frozen=True, slots=True)
class Counts:
    new: int
    persisting: int
    baselined: int
    fixed: int
    suppressed: int
    new_by_origin: dict[str, int]
    new_by_severity: dict[str, int]


def counts(result: RunResult) -> Counts:
    status = Counter(f.status for f in result.findings if f.suppressed_by is None)
    new = [f for f in result.findings if f.status is Status.NEW and f.suppressed_by is None]
    return Counts(
        new=status[Status.NEW],
        persisting=status[Status.PERSISTING],
        baselined=status[Status.BASELINED],
        fixed=len(result.fixed),
        suppressed=sum(1 for f in result.findings if f.suppressed_by is not None),
        new_by_origin={o.value: sum(1 for f in new if f.origin is o) for o in Origin},
        new_by_severity={s.value: sum(1 for f in new if f.severity is s) for s in Severity},
    )


def is_new(f: Finding) -> bool:
    return f.status is Status.NEW and f.suppressed_by is None


def failing_findings(result: RunResult) -> list[Finding]:
    """The findings that fail the run (result.verdict counts them)."""
    return [f for f in result.findings if result.fails(f)]


def unchanged_at_base(f: Finding, result: RunResult) -> bool:
    """In a pre-merge check, a finding REF has too (counted, not listed, never failing)."""
    return result.info.base is not None and f.status is Status.PERSISTING


def persisting_word(result: RunResult) -> str:
    """What `persisting` means in this run: seen in the previous run, or present at the base ref."""
    return "unchanged since base" if result.info.base is not None else "persisting"


def verdict_dict(result: RunResult) -> dict[str, Any]:
    """The verdict as JSON-ready data (report.json's `run.verdict`, SARIF's run properties)."""
    verdict = result.verdict
    return {
        "result": verdict.word,
        "passed": verdict.passed,
        "fail_on": verdict.fail_on.value,
        "failing": verdict.failing,
        "incomplete": verdict.incomplete,
        "incomplete_allowed": verdict.incomplete_allowed,
        "headline": verdict.headline(),
    }
