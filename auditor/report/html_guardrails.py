"""The report's Guardrails section: what changed in the rules themselves, by whom, and their
size over the recorded runs (one chart, so a slow erosion shows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.domain.findings import Finding, FindingKind, Status
from auditor.domain.guardrails import GuardrailSize
from auditor.domain.run_views import HistoryPoint
from auditor.report.svg import LineChart, line_chart

SIZE_SERIES = (
    ("contracts", "contracts"),
    ("exceptions", "exceptions"),
    ("baseline_entries", "baseline entries"),
    ("suppressions", "inline suppressions"),
)


@dataclass(frozen=True, slots=True)
class GuardrailChangeRow:
    severity: str
    rule: str
    location: str
    message: str
    origin: str
    agent: str
    author: str
    commit: str
    owner: str


@dataclass(frozen=True, slots=True)
class GuardrailsView:
    changes: tuple[GuardrailChangeRow, ...]
    by_origin: tuple[tuple[str, int], ...]  # weakening changes per origin
    size: tuple[tuple[str, int], ...]  # this run's size, in SIZE_SERIES order (empty: not measured)
    trend: LineChart | None
    base: str | None  # the base ref of a pre-merge check (None: since the last nightly run)


def size_dict(size: GuardrailSize | None) -> dict[str, int]:
    if size is None:
        return {}
    return {
        "contracts": size.contracts,
        "exceptions": size.exceptions,
        "baseline_entries": size.baseline_entries,
        "suppressions": size.suppressions,
    }


def guardrails_view(
    findings: Sequence[Finding],
    size: GuardrailSize | None,
    history: Sequence[HistoryPoint],
    labels: Sequence[str],
    notes: Sequence[str],
    base: str | None,
) -> GuardrailsView:
    changes = [f for f in findings if f.kind is FindingKind.GUARDRAIL and f.status is Status.NEW]
    changes.sort(key=lambda f: (-f.severity.rank, f.path or "", f.line or 0, f.rule))
    rows = tuple(
        GuardrailChangeRow(
            f.severity.value,
            f.rule,
            f.location,
            f.message,
            f.origin.value,
            f.agent or "",
            f.author or "",
            f.commit or "",
            f.owner or "unowned",
        )
        for f in changes
    )
    weakening = Counter(f.origin.value for f in changes if f.rule != "guardrail-strengthened")
    measured = [p for p in history if p.guardrails]
    trend = None
    if len(measured) >= 2:
        keep = [i for i, p in enumerate(history) if p.guardrails]
        series = {title: [history[i].guardrails.get(key, 0) for i in keep] for key, title in SIZE_SERIES}
        trend = line_chart(series, [labels[i] for i in keep], notes=[notes[i] for i in keep])
    current = size_dict(size)
    return GuardrailsView(
        changes=rows,
        by_origin=tuple(sorted(weakening.items())),
        size=tuple((title, current[key]) for key, title in SIZE_SERIES if key in current),
        trend=trend,
        base=base,
    )
