"""Copy the runs of one history into another (`auditor history push`): typically a repository's
SQLite file into the organisation's PostgreSQL database.

Each run is copied in its own transaction with its findings, module metrics and surface API;
a run whose (repository, run_key) the target has already is left alone, so pushing again copies
nothing twice, and a push cut short is finished by the next one. Runs recorded before runs had a
repository are copied under `repository` (required then).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.domain.errors import UsageError
from auditor.drift.history import RUN_COLUMNS, History
from auditor.drift.history_rows import FINDING_COLUMNS

METRIC_COLUMNS = (
    "module, fan_in, fan_out, instability, in_cycle, ai_lines, human_lines, mixed_lines, unknown_lines"
)
API_COLUMNS = "module, qualname, kind, signature"
GUARDRAIL_COLUMNS = "contracts, exceptions, baseline_entries, suppressions, snapshot"


@dataclass
class PushPlan:
    """What a push copies (or, after it ran, copied)."""

    runs: int = 0  # runs to copy
    findings: int = 0
    present: int = 0  # runs the target has already
    repositories: dict[str, int] = field(default_factory=dict)  # repository -> runs to copy


def push_history(source: History, target: History, *, repository: str | None = None, dry_run: bool = False) -> PushPlan:
    """Copy `source`'s runs missing from `target` (none with `dry_run`); what was (or would be) copied."""
    src = source.store
    runs = src.fetch(f"SELECT id, {', '.join(RUN_COLUMNS)} FROM runs ORDER BY id")
    unnamed = [r for r in runs if not r[1]]
    if unnamed and not repository:
        raise UsageError(
            f"{len(unnamed)} run(s) of {src.location} have no repository name; say which with --repository NAME"
        )
    plan = PushPlan()
    for run_id, *values in runs:
        values[0] = values[0] or repository
        name, key = values[0], values[1]
        if target.store.fetch("SELECT id FROM runs WHERE repository = ? AND run_key = ?", (name, key)):
            plan.present += 1
            continue
        findings = src.fetch(f"SELECT {FINDING_COLUMNS} FROM findings WHERE run_id = ?", (run_id,))
        plan.runs += 1
        plan.findings += len(findings)
        plan.repositories[name] = plan.repositories.get(name, 0) + 1
        if not dry_run:
            _copy_run(source, target, run_id, values, findings)
    return plan


def _copy_run(source: History, target: History, run_id: int, values: list[object], findings: list[tuple]) -> None:
    metrics = source.store.fetch(f"SELECT {METRIC_COLUMNS} FROM module_metrics WHERE run_id = ?", (run_id,))
    api = source.store.fetch(f"SELECT {API_COLUMNS} FROM api_snapshots WHERE run_id = ?", (run_id,))
    guardrails = source.store.fetch(f"SELECT {GUARDRAIL_COLUMNS} FROM guardrails WHERE run_id = ?", (run_id,))
    with target.store.transaction() as tx:
        new_id = target.store.insert_run(tx, RUN_COLUMNS, values)
        if new_id is None:  # another push got there first
            return
        tx.executemany(
            f"INSERT INTO findings ({FINDING_COLUMNS}) VALUES ({', '.join('?' * 18)})",
            [(new_id, *row[1:]) for row in findings],
        )
        tx.executemany(
            f"INSERT INTO module_metrics (run_id, {METRIC_COLUMNS}) VALUES ({', '.join('?' * 10)})",
            [(new_id, *row) for row in metrics],
        )
        tx.executemany(
            f"INSERT INTO api_snapshots (run_id, {API_COLUMNS}) VALUES (?, ?, ?, ?, ?)", [(new_id, *row) for row in api]
        )
        tx.executemany(
            f"INSERT INTO guardrails (run_id, {GUARDRAIL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [(new_id, *row) for row in guardrails],
        )
