"""Builds the HTML report's view model (html_view_model) from a RunResult, then the templates render it.

Nothing here produces markup: the templates (reports/templates/) do, with autoescaping on, so
every string that came from the audited repository is escaped in exactly one place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from auditor.domain.findings import Finding, Status
from auditor.domain.run import RunResult
from auditor.domain.run_views import HistoryPoint
from auditor.report.html_guardrails import guardrails_view, size_dict
from auditor.report.html_rows import (
    ORIGINS,
    FindingRow,
    FindingsTable,
    chain_steps,
    finding_rows,
    table_choices,
)
from auditor.report.html_view_model import (
    ApiChangeRow,
    Architecture,
    Breakdown,
    Health,
    OriginStat,
    PackageStat,
    ReportView,
    RunMeta,
    Surfaces,
    Trends,
    Verdict,
)
from auditor.report.svg import bar_rows, layered_layout, line_chart

TOP_RULES_IN_TREND = 8
MAX_CYCLES_SHOWN = 50  # report.json lists them all
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})")  # an ISO 8601 start time


def build_view(result: RunResult, *, server_rows: int = 500, page_size: int = 100) -> ReportView:
    """Everything the template shows, computed once from the run's result."""
    current = tuple(f for f in result.findings if f.status != Status.FIXED)
    rows = finding_rows(current)
    table = FindingsTable(rows=rows, server_rows=min(server_rows, len(rows)), choices=table_choices(rows))
    info = result.info
    history = _history_with_this_run(result, current)
    labels, notes = _run_labels(history)
    return ReportView(
        title=f"auditor report: {info.root}",
        meta=RunMeta(
            tool_version=info.tool_version,
            root=info.root,
            commit=info.commit,
            branch=info.branch,
            base=info.base,
            started_at=info.started_at,
            duration_s=info.duration_s,
            packs=info.packs,
        ),
        verdict=_verdict(result, current),
        breakdown=breakdown(result, current),
        trends=_trends(history),
        findings=table,
        architecture=_architecture(result),
        surfaces=_surfaces(result, rows),
        health=_health(result),
        guardrails=guardrails_view(current, result.guardrails, history, labels, notes, info.base),
        data={"pageSize": page_size, "findings": [r.as_data() for r in rows]},
    )


def _verdict(result: RunResult, current: Sequence[Finding]) -> Verdict:
    statuses = Counter(f.status.value for f in current)
    previous = _previous_point(result)
    deltas: tuple[tuple[str, int], ...] = ()
    if previous is not None:  # what this run did not check counts as unchanged, not as fixed
        now = Counter(f.origin.value for f in (*current, *result.carried))
        deltas = tuple((o, now.get(o, 0) - previous.by_origin.get(o, 0)) for o in ORIGINS)
    fixed = len(result.fixed) + sum(1 for f in result.findings if f.status == Status.FIXED)
    return Verdict(
        passed=result.verdict.passed,
        headline=result.verdict.headline(),
        new=statuses.get("new", 0),
        fixed=fixed,
        persisting=statuses.get("persisting", 0),
        baselined=statuses.get("baselined", 0),
        total=len(current),
        previous_total=None if previous is None else previous.total,
        previous_commit=None if previous is None else previous.commit,
        delta_by_origin=deltas,
        incomplete_reasons=result.info.incomplete_reasons
        or (("the run is incomplete",) if result.info.incomplete else ()),
        warnings=result.info.warnings,
        error_count=len(result.errors),
        skipped_stages=result.info.skipped_stages,
        carried=len(result.carried),
    )


def _is_this_run(point: HistoryPoint, result: RunResult) -> bool:
    return point.started_at == result.info.started_at and point.commit == result.info.commit


def _previous_point(result: RunResult) -> HistoryPoint | None:
    """The run before this one: the history's last point, unless that point is this run."""
    history = list(result.history)
    if history and _is_this_run(history[-1], result):
        history.pop()
    return history[-1] if history else None


def _history_with_this_run(result: RunResult, current: Sequence[Finding]) -> list[HistoryPoint]:
    """The recorded history, ending with this run (added when the pipeline has not recorded it yet).

    This run's point counts the findings of kinds it did not check (`carried` from the run
    before), as its history row does: skipping semgrep is no dip in the trend."""
    history = list(result.history)
    if history and _is_this_run(history[-1], result):
        return history
    current = [*current, *result.carried]
    this_run = HistoryPoint(
        run_id=(history[-1].run_id + 1) if history else 1,
        started_at=result.info.started_at,
        commit=result.info.commit,
        by_rule=dict(Counter(f.rule for f in current)),
        by_origin=dict(Counter(f.origin.value for f in current)),
        total=len(current),
        guardrails=size_dict(result.guardrails),
    )
    return [*history, this_run]


def breakdown(result: RunResult, current: Sequence[Finding]) -> Breakdown:
    """Lines, findings, drift rate and new findings by origin, agent and model."""
    summary = result.attribution
    totals = summary.totals
    lines = {"ai": totals.ai, "human": totals.human, "mixed": totals.mixed, "unknown": totals.unknown}
    by_origin = Counter(f.origin.value for f in current)
    new_by_origin = Counter(f.origin.value for f in current if f.status == Status.NEW)
    origins = tuple(_stat(o, lines[o], by_origin.get(o, 0), new_by_origin.get(o, 0)) for o in ORIGINS)
    agents = _keyed_stats(summary.by_agent, current, lambda f: f.agent)
    models = _keyed_stats(summary.by_model, current, lambda f: f.model)
    return Breakdown(
        available=summary.available,
        shallow=summary.shallow,
        warnings=summary.warnings,
        total_lines=totals.total,
        unmarked_lines=totals.unmarked,
        origins=origins,
        agents=agents,
        models=models,
        lines_bars=bar_rows([(s.key, float(s.lines), str(s.lines)) for s in origins]),
        findings_bars=bar_rows([(s.key, float(s.findings), str(s.findings)) for s in origins]),
        rate_bars=bar_rows([(s.key, s.per_kloc or 0.0, s.per_kloc_text) for s in origins]),
        new_bars=bar_rows([(s.key, float(s.new_findings), str(s.new_findings)) for s in origins]),
    )


def _stat(key: str, lines: int, findings: int, new: int) -> OriginStat:
    rate = round(findings * 1000 / lines, 2) if lines else None
    return OriginStat(key=key, lines=lines, findings=findings, new_findings=new, per_kloc=rate)


def _keyed_stats(lines: dict[str, int], current: Sequence[Finding], key_of: Any) -> tuple[OriginStat, ...]:
    found = Counter(k for k in (key_of(f) for f in current) if k)
    new = Counter(k for k in (key_of(f) for f in current if f.status == Status.NEW) if k)
    keys = sorted(set(lines) | set(found), key=lambda k: (-lines.get(k, 0), k))
    return tuple(_stat(k, lines.get(k, 0), found.get(k, 0), new.get(k, 0)) for k in keys)


def _trends(history: Sequence[HistoryPoint]) -> Trends:
    if len(history) < 2:
        return Trends(points=len(history), by_origin=None, by_rule=None)
    labels, notes = _run_labels(history)
    origin_series = {o: [p.by_origin.get(o, 0) for p in history] for o in ORIGINS}
    origin_series = {k: v for k, v in origin_series.items() if any(v)} or {
        "total": [p.total for p in history]
    }
    peak: Counter[str] = Counter()
    for p in history:
        for rule, n in p.by_rule.items():
            peak[rule] = max(peak[rule], n)
    top = [r for r, _ in sorted(peak.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RULES_IN_TREND]]
    rule_series = {r: [p.by_rule.get(r, 0) for p in history] for r in top}
    if len(peak) > len(top):
        rule_series["other rules"] = [sum(n for r, n in p.by_rule.items() if r not in top) for p in history]
    return Trends(
        points=len(history),
        by_origin=line_chart(origin_series, labels, notes=notes, class_by_name=True),
        by_rule=line_chart(rule_series, labels, notes=notes) if rule_series else None,
    )


def _run_labels(history: Sequence[HistoryPoint]) -> tuple[list[str], list[str]]:
    """Axis labels (the run's UTC date; date and time when two runs share a date) and
    tooltips (the short commit)."""
    stamps = [_STAMP.match(p.started_at) for p in history]
    dates = [m.group(1) for m in stamps if m]
    timed = len(set(dates)) < len(dates)
    labels = [
        (f"{m.group(1)} {m.group(2)}" if timed else m.group(1)) if m else (p.started_at or f"run {p.run_id}")
        for p, m in zip(history, stamps, strict=True)
    ]
    notes = [f"commit {p.commit[:7]}" if p.commit else f"run {p.run_id}, no commit" for p in history]
    return labels, notes


def _architecture(result: RunResult) -> Architecture:
    layer_of = {m.name: m.layer for m in result.modules}
    names = (
        set(layer_of)
        | {e.importer for e in result.package_edges}
        | {e.imported for e in result.package_edges}
    )
    graph = layered_layout(
        sorted(names),
        [(e.importer, e.imported, e.violating, e.count) for e in result.package_edges],
        layer_of=layer_of,
        layer_rows=result.layer_rows or [(name,) for name in result.layers],
    )
    packages = tuple(
        PackageStat(
            name=m.name,
            layer=m.layer or "",
            fan_in=m.fan_in,
            fan_out=m.fan_out,
            instability=f"{m.instability:.2f}",
            in_cycle=m.in_cycle,
        )
        for m in sorted(result.modules, key=lambda m: m.name)
    )
    return Architecture(
        graph=graph,
        packages=packages,
        cycles=tuple(chain_steps(c) for c in result.cycles[:MAX_CYCLES_SHOWN] if c),
        cycles_total=len(result.cycles),
        violating_edges=sum(1 for e in result.package_edges if e.violating),
    )


def _surfaces(result: RunResult, rows: Sequence[FindingRow]) -> Surfaces:
    inside = tuple(r for r in rows if r.surface)
    changes = tuple(
        ApiChangeRow(
            surface=c.surface,
            module=c.module,
            name=c.name,
            change=c.change,
            before=c.before or "",
            after=c.after or "",
            origin=c.origin,
            location=f"{c.path}:{c.line}" if c.path and c.line else (c.path or ""),
        )
        for c in sorted(result.api_changes, key=lambda c: (c.surface, c.module, c.name))
    )
    return Surfaces(
        findings=inside, ai_findings=sum(1 for r in inside if r.origin == "ai"), api_changes=changes
    )


def _health(result: RunResult) -> Health:
    h = result.health
    return Health(
        stale_exceptions=h.stale_exceptions,
        expired_exceptions=h.expired_exceptions,
        uncovered_modules=h.uncovered_modules,
        unmatched_rules=h.unmatched_rules,
        errors=tuple((e.path, e.message) for e in result.errors),
        inactive_rules=h.inactive_rules,
    )
