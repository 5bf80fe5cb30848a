"""A finding of a past run as the history stores it (one row of `findings`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from auditor.domain.finding_codec import finding_from_dict, finding_to_dict
from auditor.domain.findings import Finding

# the columns of `findings` after run_id, in order: Finding fields, plus `carried`
STORED_FIELDS = (
    "fingerprint", "rule", "kind", "severity", "origin", "agent", "owner", "status", "path", "line", "message",
    "first_seen", "importer", "imported", "snippet", "carried", "model",
)  # fmt: skip
FINDING_COLUMNS = ", ".join(("run_id", *STORED_FIELDS))
# what a stored row gives back as a Finding (first_seen stays on the row)
_AS_FINDING = tuple(f for f in STORED_FIELDS if f not in ("first_seen", "carried"))

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
        return finding_from_dict({name: getattr(self, name) for name in _AS_FINDING})


def finding_row(row: Sequence[Any]) -> FindingRow:
    """A `SELECT {FINDING_COLUMNS}` row as a FindingRow."""
    values = dict(zip(("run_id", *STORED_FIELDS), row, strict=True))
    values["carried"] = bool(values["carried"])
    return FindingRow(**values)


def stored_row(run_id: int, f: Finding, *, first_seen: str, carried: bool) -> tuple[Any, ...]:
    """The `findings` row (in FINDING_COLUMNS order) recording `f` in run `run_id`."""
    values = finding_to_dict(f)
    values.update(first_seen=first_seen, carried=int(carried))
    return (run_id, *(values[name] for name in STORED_FIELDS))
