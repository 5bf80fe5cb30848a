"""The organisation summary over a history of many repositories (either backend).

Four queries whatever the number of runs: the runs (with their stored totals), the findings of
each repository's latest run, and those runs' attributed lines. "Open" is new or persisting;
"drift" is new findings; the drift rate of an origin is its new findings per 1,000 lines of
that origin in the run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Sequence

from auditor.domain.org import ORIGINS, OrgLastRun, OrgRepository, OrgSummary, OrgTrendPoint
from auditor.drift.history_store import HistoryStore

TREND_RUNS = 10
WORST = 10
NO_OWNER = "(no owner)"


def org_summary(store: HistoryStore, *, trend_runs: int = TREND_RUNS) -> OrgSummary:
    runs_by_repo: dict[str, list[tuple[int, str, str | None, dict[str, int]]]] = defaultdict(list)
    for run_id, repository, started_at, commit, totals in store.fetch(
        'SELECT id, repository, started_at, "commit", totals FROM runs ORDER BY repository, id'
    ):
        by_status = _by_status(totals)
        runs_by_repo[repository or "(unnamed)"].append((int(run_id), started_at, commit, by_status))
    last_ids = {runs[-1][0]: name for name, runs in runs_by_repo.items()}
    findings = _last_findings(store, list(last_ids))
    lines = _last_lines(store, list(last_ids))

    agent: Counter[str] = Counter()
    model: Counter[str] = Counter()
    owner: Counter[str] = Counter()
    repositories = []
    for name, runs in sorted(runs_by_repo.items()):
        last_id, started_at, commit, _ = runs[-1]
        rows = findings.get(last_id, [])
        new_by_origin: Counter[str] = Counter()
        for _kind, _severity, status, origin, f_agent, f_model, f_owner in rows:
            if status == "new":
                new_by_origin[origin] += 1
                if f_agent:
                    agent[f_agent] += 1
                if f_model:
                    model[f_model] += 1
            if status in ("new", "persisting"):
                owner[f_owner or NO_OWNER] += 1
        counts = lines.get(last_id, dict.fromkeys(ORIGINS, 0))
        total_lines = sum(counts.values())
        last = OrgLastRun(
            commit=commit,
            date=started_at,
            by_status=dict(sorted(Counter(r[2] for r in rows).items())),
            by_severity=dict(sorted(Counter(r[1] for r in rows).items())),
            ai_line_share=round(counts["ai"] / total_lines, 4) if total_lines else None,
            drift_rate_by_origin={
                o: round(1000 * new_by_origin[o] / counts[o], 3) if counts[o] else None for o in ORIGINS
            },
            guardrail=sum(1 for r in rows if r[0] == "guardrail"),
        )
        trend = tuple(
            OrgTrendPoint(date, c, s.get("new", 0) + s.get("persisting", 0), s.get("new", 0))
            for _, date, c, s in runs[-trend_runs:]
        )
        repositories.append(OrgRepository(name, len(runs), last, trend))
    worst = sorted(
        (r for r in repositories if r.last.new or r.last.open),
        key=lambda r: (-r.last.new, -r.last.open, r.name),
    )[:WORST]
    return OrgSummary(
        repositories=tuple(repositories),
        drift_by_agent=_ranked(agent),
        drift_by_model=_ranked(model),
        open_by_owner=_ranked(owner),
        guardrail_by_repository={r.name: r.last.guardrail for r in repositories if r.last.guardrail},
        worst_drifting=tuple(r.name for r in worst),
        location=store.location,
        generated_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    )


def _by_status(totals: str | None) -> dict[str, int]:
    try:
        data = json.loads(totals or "{}")
    except ValueError:
        return {}
    by_status = data.get("by_status") if isinstance(data, dict) else None
    return {str(k): int(v) for k, v in by_status.items()} if isinstance(by_status, dict) else {}


def _last_findings(store: HistoryStore, run_ids: Sequence[int]) -> dict[int, list[tuple]]:
    if not run_ids:
        return {}
    among, values = store.any_of("run_id", run_ids)
    out: dict[int, list[tuple]] = defaultdict(list)
    for run_id, *row in store.fetch(
        f"SELECT run_id, kind, severity, status, origin, agent, model, owner FROM findings WHERE {among}",
        (values,),
    ):
        out[int(run_id)].append(tuple(row))
    return out


def _last_lines(store: HistoryStore, run_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    if not run_ids:
        return {}
    among, values = store.any_of("run_id", run_ids)
    return {
        int(run_id): {"ai": int(ai or 0), "human": int(human or 0), "mixed": int(mixed or 0), "unknown": int(unknown or 0)}
        for run_id, ai, human, mixed, unknown in store.fetch(
            "SELECT run_id, SUM(ai_lines), SUM(human_lines), SUM(mixed_lines), SUM(unknown_lines)"
            f" FROM module_metrics WHERE {among} GROUP BY run_id",
            (values,),
        )
    }


def _ranked(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
