"""Rows of the findings table, shared by the server-rendered page and the JSON data island.

report.js builds exactly the row the `finding_row` macro renders, from `FindingRow.as_data()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.domain.findings import ChainHop, Finding, Origin

ORIGINS: tuple[str, ...] = tuple(o.value for o in Origin)  # ai, human, mixed, unknown
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
STATUS_RANK = {"new": 0, "persisting": 1, "baselined": 2, "fixed": 3}


@dataclass(frozen=True, slots=True)
class ChainStep:
    importer: str
    imported: str
    line: int


@dataclass(frozen=True, slots=True)
class FindingRow:
    index: int
    fingerprint: str
    rule: str
    kind: str
    severity: str
    status: str
    origin: str
    agent: str
    model: str
    owner: str
    layer: str
    surface: str
    path: str
    line: int | None
    location: str
    message: str
    snippet: str
    chain: tuple[ChainStep, ...]
    guidance: str
    commit: str
    author: str
    suppressed_by: str
    cwe: str
    first_seen: str  # ISO date, "" when the run had no history
    evidence: str = ""  # "default": the origin rests on no marker (human by default)

    def as_data(self) -> dict[str, Any]:
        """The row as the JSON data island carries it (short keys; empty values dropped)."""
        data: dict[str, Any] = {
            "i": self.index,
            "fp": self.fingerprint,
            "rule": self.rule,
            "kind": self.kind,
            "sev": self.severity,
            "status": self.status,
            "origin": self.origin,
            "agent": self.agent,
            "model": self.model,
            "owner": self.owner,
            "layer": self.layer,
            "surface": self.surface,
            "path": self.path,
            "line": self.line,
            "loc": self.location,
            "msg": self.message,
            "snippet": self.snippet,
            "chain": [[c.importer, c.imported, c.line] for c in self.chain],
            "guidance": self.guidance,
            "commit": self.commit,
            "author": self.author,
            "suppressed": self.suppressed_by,
            "cwe": self.cwe,
            "seen": self.first_seen,
            "ev": self.evidence,
        }
        return {k: v for k, v in data.items() if v not in ("", None, [])}


@dataclass(frozen=True, slots=True)
class FindingsTable:
    rows: tuple[FindingRow, ...]  # all rows, default order
    server_rows: int  # how many the page renders without JavaScript
    choices: dict[str, tuple[str, ...]]  # filter column -> distinct values (for <select>)

    @property
    def shown(self) -> tuple[FindingRow, ...]:
        return self.rows[: self.server_rows]


def finding_rows(findings: Iterable[Finding]) -> tuple[FindingRow, ...]:
    """Rows in the default order: new first, then by severity, path and line."""
    ordered = sorted(
        findings,
        key=lambda f: (
            STATUS_RANK.get(f.status.value, 9),
            -SEVERITY_RANK.get(f.severity.value, 0),
            f.path or "",
            f.line or 0,
            f.rule,
            f.fingerprint,
        ),
    )
    return tuple(_row(i, f) for i, f in enumerate(ordered))


def _row(index: int, f: Finding) -> FindingRow:
    return FindingRow(
        index=index,
        fingerprint=f.fingerprint,
        rule=f.rule,
        kind=f.kind.value,
        severity=f.severity.value,
        status=f.status.value,
        origin=f.origin.value,
        agent=f.agent or "",
        model=f.model or "",
        owner=f.owner or "",
        layer=", ".join(f.layers),
        surface=", ".join(f.surfaces),
        path=f.path or "",
        line=f.line,
        location=f.location,
        message=f.message,
        snippet=f.snippet or "",
        chain=chain_steps(f.chain),
        guidance=f.guidance or "",
        commit=f.commit or "",
        author=f.author or "",
        suppressed_by=f.suppressed_by or "",
        cwe=", ".join(f.cwe + f.owasp),
        first_seen=f.first_seen or "",
        evidence=f.evidence or "",
    )


def chain_steps(hops: Iterable[ChainHop]) -> tuple[ChainStep, ...]:
    return tuple(ChainStep(h.importer, h.imported, h.line) for h in hops)


def table_choices(rows: Sequence[FindingRow]) -> dict[str, tuple[str, ...]]:
    def distinct(values: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted({v for v in values if v}))

    return {
        "severity": tuple(s for s in ("error", "warning", "info") if any(r.severity == s for r in rows)),
        "status": tuple(s for s in STATUS_RANK if any(r.status == s for r in rows)),
        "origin": tuple(o for o in ORIGINS if any(r.origin == o for r in rows)),
        "kind": distinct(r.kind for r in rows),
    }
