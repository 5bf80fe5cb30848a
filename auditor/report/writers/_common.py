"""Helpers every writer shares: one deterministic order, counts, and which findings are open."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.domain.findings import Finding, Origin, Severity, Status
from auditor.domain.run import RunResult

TOOL_NAME = "auditor"


def finding_order(f: Finding) -> tuple[str, int, str, str]:
    """Sort key: by file, line, rule, fingerprint (stable across runs and platforms)."""
    return (f.path or "", f.line or 0, f.rule, f.fingerprint)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_order)


def is_open(f: Finding) -> bool:
    """A finding that still needs action: neither accepted in the baseline nor suppressed."""
    return f.status in (Status.NEW, Status.PERSISTING) and f.suppressed_by is None


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


def failing_findings(result: RunResult, fail_on: Severity = Severity.ERROR) -> list[Finding]:
    """The gate: open findings at/above `fail_on` (baselined ones never fail a run)."""
    return [f for f in result.findings if is_open(f) and f.severity.at_least(fail_on)]


def failing(result: RunResult, fail_on: Severity = Severity.ERROR) -> bool:
    """The verdict: an open finding at/above `fail_on`, or an incomplete run."""
    return result.info.incomplete or bool(failing_findings(result, fail_on))
