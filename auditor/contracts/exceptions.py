"""Exceptions: documented, owned, expiring permissions to break a contract.

An exception is valid through its `expires` date (inclusive). A valid exception that matches a
finding suppresses it (the finding is kept aside with `suppressed_by`). An expired exception
suppresses nothing and is itself reported (warning, at its config file:line). A valid exception
that matches no finding is stale and reported too (warning: guardrails that no longer guard
anything should be removed, but a stale entry is not itself a breach, so not an error).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.config.model import ExceptionSpec
from auditor.contracts.render import config_file_path
from auditor.domain import Finding, FindingKind, Severity, fingerprint
from auditor.graph.patterns import ModulePattern


@dataclass(frozen=True, slots=True)
class ExceptionsOutcome:
    findings: tuple[Finding, ...]  # the findings no exception suppresses
    suppressed: tuple[Finding, ...]  # suppressed findings, each with suppressed_by set
    exception_findings: tuple[Finding, ...]  # expired and stale exceptions
    expired: tuple[str, ...]
    stale: tuple[str, ...]


def is_expired(exc: ExceptionSpec, today: dt.date) -> bool:
    return exc.expires is not None and today > exc.expires


def matches(exc: ExceptionSpec, finding: Finding) -> bool:
    if finding.rule != exc.contract or finding.importer is None or finding.imported is None:
        return False
    return _match(exc.importer, finding.importer) and _match(exc.imported, finding.imported)


def _match(pattern: str, module: str) -> bool:
    try:
        return ModulePattern(pattern).matches(module)
    except ValueError:
        return pattern == module


def describe(exc: ExceptionSpec) -> str:
    bits = [f"reason: {exc.reason}"]
    if exc.owner:
        bits.append(f"owner: {exc.owner}")
    if exc.expires:
        bits.append(f"expires: {exc.expires.isoformat()}")
    return f"exception '{exc.text}' ({'; '.join(bits)})"


def _exception_finding(exc: ExceptionSpec, state: str, message: str, root: Path | None) -> Finding:
    return Finding(
        fingerprint=fingerprint(f"exception-{state}", exc.contract, exc.importer, exc.imported),
        rule=exc.contract,
        kind=FindingKind.EXCEPTION,
        severity=Severity.WARNING,
        message=message,
        path=config_file_path(exc.location.path, root),
        line=exc.location.line,
        owner=exc.owner,
        importer=exc.importer,
        imported=exc.imported,
        extra=(("exception", state),),
    )


def apply_exceptions(
    findings: Iterable[Finding],
    exceptions: Sequence[ExceptionSpec],
    *,
    today: dt.date,
    contract_ids: Iterable[str] = (),
    root: Path | None = None,
) -> ExceptionsOutcome:
    known = set(contract_ids)
    active = [e for e in exceptions if not is_expired(e, today)]
    used: set[int] = set()
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        index = next((i for i, e in enumerate(active) if matches(e, finding)), None)
        if index is None:
            kept.append(finding)
            continue
        used.add(index)
        suppressed.append(dataclasses.replace(finding, suppressed_by=describe(active[index])))
    reported: list[Finding] = []
    expired: list[str] = []
    stale: list[str] = []
    for exc in exceptions:
        if is_expired(exc, today):
            assert exc.expires is not None
            expired.append(exc.text)
            reported.append(
                _exception_finding(
                    exc,
                    "expired",
                    f"exception '{exc.text}' expired on {exc.expires.isoformat()} "
                    f"(reason: {exc.reason}); the imports it allowed are reported again",
                    root,
                )
            )
    for i, exc in enumerate(active):
        if i in used:
            continue
        stale.append(exc.text)
        why = "names no declared contract" if known and exc.contract not in known else "matches no finding"
        reported.append(
            _exception_finding(exc, "stale", f"exception '{exc.text}' {why} (stale): remove it", root)
        )
    return ExceptionsOutcome(tuple(kept), tuple(suppressed), tuple(reported), tuple(expired), tuple(stale))
