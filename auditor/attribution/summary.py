"""Counting: lines by origin per file / module / agent, and findings per KLOC by origin."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from auditor.domain.findings import Finding, FindingKind, Origin
from auditor.domain.origin import FileAttribution
from auditor.domain.run import AttributionSummary, OriginCounts
from auditor.support.bounded import bound_messages

UNNAMED_AGENT = "unknown-agent"


def summarize(
    files: Mapping[str, FileAttribution], *, shallow: bool, available: bool, warnings: Sequence[str]
) -> AttributionSummary:
    by_agent: Counter[str] = Counter()
    by_model: Counter[str] = Counter()
    counts = {}
    for path in sorted(files):
        lines = files[path].lines
        # a file's lines share their LineOrigin objects (one per blame run or marker): each
        # distinct object is looked at once, with the number of lines it stands for
        times = Counter(map(id, lines))
        distinct = dict(zip(map(id, lines), lines, strict=True))
        by_origin: Counter[Origin] = Counter()
        unmarked = 0
        for key, n in times.items():
            o = distinct[key]
            by_origin[o.origin] += n
            unmarked += n if o.source == "blame" else 0
            if o.origin is Origin.AI:
                by_agent[o.agent or UNNAMED_AGENT] += n
                if o.model:
                    by_model[o.model] += n
        counts[path] = OriginCounts(
            ai=by_origin[Origin.AI],
            human=by_origin[Origin.HUMAN],
            mixed=by_origin[Origin.MIXED],
            unknown=by_origin[Origin.UNKNOWN],
            unmarked=unmarked,
        )
    return AttributionSummary(
        files=counts,
        by_agent=dict(sorted(by_agent.items())),
        by_model=dict(sorted(by_model.items())),
        shallow=shallow,
        available=available,
        warnings=tuple(bound_messages(warnings)),
    )


def module_of(path: str) -> str:
    """`pkg/sub/mod.py` -> `pkg.sub.mod`; `pkg/__init__.py` -> `pkg` (for per-module tables)."""
    parts = path.split("/")
    last = parts[-1]
    if last.endswith(".py") or last.endswith(".pyi"):
        last = last.rsplit(".", 1)[0]
        parts = parts[:-1] if last == "__init__" else [*parts[:-1], last]
    return ".".join(p for p in parts if p) or path


def by_module(
    summary: AttributionSummary, modules: Mapping[str, str] | None = None
) -> dict[str, OriginCounts]:
    """Counts per module; `modules` (path -> dotted name, e.g. from discovery) overrides the
    name derived from the path, which keeps any source-root prefix (`src.shop.api`)."""
    out: dict[str, Counter[str]] = {}
    for path, c in summary.files.items():
        name = modules.get(path) if modules else None
        tally = out.setdefault(name or module_of(path), Counter())
        tally.update({"ai": c.ai, "human": c.human, "mixed": c.mixed, "unknown": c.unknown, "unmarked": c.unmarked})
    return {
        m: OriginCounts(t["ai"], t["human"], t["mixed"], t["unknown"], t["unmarked"]) for m, t in sorted(out.items())
    }


def ai_share(counts: OriginCounts) -> float:
    """AI lines over lines of known origin (unknown lines are left out); 0.0 when none known."""
    known = counts.ai + counts.human + counts.mixed
    return counts.ai / known if known else 0.0


def attribute_findings(findings: Sequence[Finding], files: Mapping[str, FileAttribution]) -> list[Finding]:
    """Copies of `findings` with origin/agent/model/commit/author of their primary line span.

    Contract (import) findings use the import statement's line only; others use line..end_line.
    Findings without a path or line, or on a file not attributed, are returned unchanged.
    """
    out = []
    for finding in findings:
        attribution = files.get(finding.path) if finding.path else None
        if attribution is None or not finding.line or not attribution.lines:
            out.append(finding)
            continue
        end = finding.line if finding.kind is FindingKind.CONTRACT else (finding.end_line or finding.line)
        origin = attribution.span(finding.line, end)
        levels = {o.evidence for o in attribution.lines[max(finding.line, 1) - 1 : max(end, finding.line)]}
        out.append(
            replace(
                finding,
                origin=origin.origin,
                agent=origin.agent,
                model=origin.model,
                commit=origin.commit,
                author=origin.author,
                evidence=_weakest(levels),
            )
        )
    return out


def _weakest(levels: set[str]) -> str:
    """A span is only as well evidenced as its weakest line."""
    for level in ("none", "default", "marker"):
        if level in levels:
            return level
    return "none"


def _rate(count: int, lines: int) -> float | None:
    return round(count * 1000 / lines, 3) if lines else None


def drift_rates(findings: Sequence[Finding], summary: AttributionSummary) -> dict[str, Any]:
    """Findings per 1000 lines (KLOC) by origin, by agent and by model.

    {"by_origin": {"ai": {"findings": 3, "lines": 1200, "per_kloc": 2.5}, ...},
     "by_agent": {"claude-code": {...}}, "by_model": {...}}; per_kloc is None without lines.
    """
    totals = summary.totals
    lines_by_origin = {
        "ai": totals.ai,
        "human": totals.human,
        "mixed": totals.mixed,
        "unknown": totals.unknown,
    }
    by_origin = Counter(str(f.origin) for f in findings)
    by_agent = Counter(f.agent or UNNAMED_AGENT for f in findings if f.origin is Origin.AI)
    by_model = Counter(f.model for f in findings if f.origin is Origin.AI and f.model)

    def table(counts: Mapping[str, int], lines: Mapping[str, int]) -> dict[str, dict[str, Any]]:
        keys = sorted(set(counts) | set(lines))
        return {
            k: {
                "findings": counts.get(k, 0),
                "lines": lines.get(k, 0),
                "per_kloc": _rate(counts.get(k, 0), lines.get(k, 0)),
            }
            for k in keys
        }

    return {
        "by_origin": table(by_origin, lines_by_origin),
        "by_agent": table(by_agent, summary.by_agent),
        "by_model": table(by_model, summary.by_model),
    }
