"""The run history: trends over runs, first-seen dates, crash safety, corrupt files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from drift_samples import contract, sample_result, security

from auditor.domain import Origin
from auditor.domain.run import ModuleMetrics, OriginCounts, RunInfo, RunResult
from auditor.drift.history import SCHEMA_VERSION, History, HistoryError

REPO = Path(__file__).resolve().parents[1]


def run_at(day: int, findings, **kw) -> RunResult:
    info = RunInfo(
        tool_version="0.1.0", root="shop", commit=f"c{day}", started_at=f"2026-11-{day:02d}T02:00:00+00:00"
    )
    return RunResult(info=info, findings=tuple(findings), **kw)


def test_five_runs_give_per_rule_trend_and_first_seen(tmp_path):
    a, b, c = contract("a"), contract("b", line=40), security("s", origin=Origin.AI)
    d = security("t", origin=Origin.HUMAN)
    runs = [[a], [a, b], [a, b, c], [b, c, d], [c, d]]
    with History(tmp_path / "h.sqlite") as history:
        ids = [history.record_run(run_at(day, fs)) for day, fs in enumerate(runs, start=1)]
        assert ids == sorted(ids) and len(set(ids)) == 5
        trend = history.trend(5)
        assert [p.commit for p in trend] == ["c1", "c2", "c3", "c4", "c5"]
        assert [p.by_rule.get("layered", 0) for p in trend] == [1, 2, 2, 1, 0]
        assert [p.by_rule.get("raw-sql-in-view", 0) for p in trend] == [0, 0, 1, 2, 2]
        assert [p.by_origin.get("ai", 0) for p in trend] == [0, 0, 1, 1, 1]
        assert [p.total for p in trend] == [1, 2, 3, 3, 2]
        assert [p.commit for p in history.trend(2)] == ["c4", "c5"]
        assert history.first_seen("a") == "2026-11-01T02:00:00+00:00"
        assert history.first_seen("s") == "2026-11-03T02:00:00+00:00"
        assert history.first_seen("zzz") is None
        open_ = history.open_findings()
        assert [(r.fingerprint, r.first_seen[:10]) for r in open_] == [
            ("s", "2026-11-03"),
            ("t", "2026-11-04"),
        ]
        assert set(history.previous_findings()) == {"s", "t"}
        assert set(history.previous_findings(before_run=ids[-1])) == {"b", "s", "t"}
        assert history.previous_findings()["s"].origin is Origin.AI
        assert history.previous_rows()["s"].first_seen == "2026-11-03T02:00:00+00:00"


def test_module_metrics_and_totals_are_stored(tmp_path):
    from auditor.domain.run import AttributionSummary

    result = run_at(
        1,
        [contract("a")],
        modules=(ModuleMetrics("shop.api", 1, 3, in_cycle=True), ModuleMetrics("shop.domain", 2, 0)),
        attribution=AttributionSummary(
            files={
                "src/shop/api/views.py": OriginCounts(ai=7, human=3),
                "src/shop/api/__init__.py": OriginCounts(human=1),
            }
        ),
    )
    path = tmp_path / "h.sqlite"
    with History(path) as history:
        run_id = history.record_run(result, config_hash="cfg1")
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT module, fan_in, fan_out, instability, in_cycle, ai_lines, human_lines FROM module_metrics"
        " WHERE run_id = ? ORDER BY module",
        (run_id,),
    ).fetchall()
    assert rows == [("shop.api", 1, 3, 0.75, 1, 7, 4), ("shop.domain", 2, 0, 0.0, 0, 0, 0)]
    assert conn.execute("SELECT config_hash FROM runs").fetchone() == ("cfg1",)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()


def test_api_snapshot_of_latest_run(tmp_path):
    with History.open(tmp_path / "h.sqlite") as h:
        assert h.previous_api_snapshot() == {}
        h.record_run(run_at(1, []), api_snapshot={"shop.auth": [("login", "function", "def login(u)")]})
        h.record_run(run_at(2, []), api_snapshot={"shop.auth": [("login", "function", "def login(u, p)")]})
        assert h.previous_api_snapshot() == {"shop.auth": [("login", "function", "def login(u, p)")]}


def test_reopening_keeps_history_and_schema(tmp_path):
    path = tmp_path / "h.sqlite"
    with History(path) as h:
        h.record_run(sample_result())
    with History(path) as h:
        assert len(h.trend(10)) == 1 and h.previous_commit() == "abc123"


def test_corrupt_history_is_refused_not_rebuilt(tmp_path):
    path = tmp_path / "h.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError) as err:
        History(path)
    message = str(err.value)
    assert str(path) in message and "--no-history" in message and "move" in message
    assert path.read_bytes().startswith(b"this is not a database")  # untouched


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(HistoryError, match="newer than this auditor"):
        History(path)


CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    from drift_samples import sample_result
    from auditor.drift.history import History
    from dataclasses import replace
    result = sample_result()
    result = replace(result, info=replace(result.info, commit=sys.argv[2]))
    with History(__import__("pathlib").Path(sys.argv[1])) as h:
        h.record_run(result)
    print("recorded")
    """
)


def _child(db: Path, commit: str, crash: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("AUDITOR_TEST_CRASH_AT", None)
    if crash:
        env["AUDITOR_TEST_CRASH_AT"] = "history-write"
    code = CHILD.format(repo=str(REPO), tests=str(REPO / "tests"))
    return subprocess.run(
        [sys.executable, "-c", code, str(db), commit], env=env, capture_output=True, text=True, timeout=60
    )


def test_kill_9_during_history_write_leaves_consistent_db(tmp_path):
    db = tmp_path / "h.sqlite"
    ok = _child(db, "good", crash=False)
    assert ok.returncode == 0 and "recorded" in ok.stdout, ok.stderr
    killed = _child(db, "killed", crash=True)
    assert killed.returncode == -9, (killed.returncode, killed.stderr)
    assert "recorded" not in killed.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute('SELECT "commit" FROM runs').fetchall() == [("good",)]
    run_id = conn.execute("SELECT id FROM runs").fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM findings WHERE run_id = ?", (run_id,)).fetchone() == (5,)
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone() == (5,)
    conn.close()
    with History(db) as h:  # and it keeps working
        h.record_run(replace(sample_result(), info=replace(sample_result().info, commit="after")))
        assert [p.commit for p in h.trend(5)] == ["good", "after"]


def test_concurrent_writers_are_serialised(tmp_path):
    db = tmp_path / "h.sqlite"
    History(db).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD.format(repo=str(REPO), tests=str(REPO / "tests")), str(db), f"p{i}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    with History(db) as h:
        assert sorted(p.commit for p in h.trend(10)) == ["p0", "p1", "p2"]
        assert all(p.total == 5 for p in h.trend(10))
