"""A finding of a past run as the history stores it (one row of `findings`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from auditor.domain.findings import Finding, FindingKind, Origin, Severity, Status

FINDING_COLUMNS = (
    "run_id, fingerprint, rule, kind, severity, origin, agent, owner, status, path, line, message,"
    " first_seen, importer, imported, snippet, carried, model"
)

@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding of a past run, as stored."""

    run_id: int
    fingerprint: str
    rule: str
    kind: str
    severity: str
    origin: str
    agent: str | None
    owner: str | None
    status: str
    path: str | None
    line: int | None
    message: str
    first_seen: str
    importer: str | None = None
    imported: str | None = None
    snippet: str | None = None
    carried: bool = False  # not checked by its run (its stage did not run): carried from the run before
    model: str | None = None

    def to_finding(self) -> Finding:
        return Finding(
            fingerprint=self.fingerprint,
            rule=self.rule,
            kind=FindingKind(self.kind),
            severity=Severity(self.severity),
            message=self.message,
            path=self.path,
            line=self.line,
            status=Status(self.status),
            origin=Origin(self.origin),
            agent=self.agent,
            model=self.model,
            owner=self.owner,
            importer=self.importer,
            imported=self.imported,
            snippet=self.snippet,
        )


def finding_row(row: Sequence[Any]) -> FindingRow:
    (run_id, fingerprint, rule, kind, severity, origin, agent, owner, status, path, line, message, first_seen,
     importer, imported, snippet, carried, model) = row  # fmt: skip
    return FindingRow(
        run_id, fingerprint, rule, kind, severity, origin, agent, owner, status, path, line, message, first_seen,
        importer, imported, snippet, bool(carried), model,
    )  # fmt: skip


