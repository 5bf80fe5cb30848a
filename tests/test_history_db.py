"""The run history: trends over runs, first-seen dates, crash safety, corrupt files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from drift_samples import contract, sample_result, security
from gitrepo import GitRepo

from auditor.domain import Origin
from auditor.domain.run import OriginCounts, RunInfo, RunResult
from auditor.domain.run_views import ModuleMetrics
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


def test_first_seen_dates_of_many_fingerprints_come_from_one_query(tmp_path):
    a, b, c = contract("a"), contract("b", line=40), security("c")
    with History(tmp_path / "h.sqlite") as history:
        for day, fs in enumerate([[a], [a, b], [b, c]], start=1):
            history.record_run(run_at(day, fs))
        statements: list[str] = []
        history.store.conn.set_trace_callback(statements.append)
        wanted = ["a", "b", "c", "never"] + [f"x{i}" for i in range(40_000)]
        dates = history.first_seen_dates(wanted)
        history.store.conn.set_trace_callback(None)
        assert dates == {"a": "2026-11-01", "b": "2026-11-02", "c": "2026-11-03"}
        assert len(statements) == 1, statements
        assert history.first_seen_dates([]) == {}


def test_audit_gives_each_finding_the_date_of_its_first_run(tmp_path):
    from hostile.project import write_project

    from auditor.cli.main import main

    root = write_project(tmp_path / "repo")
    out = tmp_path / "report"
    audit = ["audit", str(root), "--no-semgrep", "--out", str(out)]
    assert main(audit) == 1
    first = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (old,) = [f for f in first["findings"] if f["rule"] == "layered"]
    assert old["first_seen"] == first["run"]["started_at"][:10]  # never seen before: this run's date
    db = root / ".auditor" / "history.sqlite"
    conn = sqlite3.connect(db)  # the first run happened on an earlier day
    with conn:
        conn.execute("UPDATE runs SET started_at = '2026-01-05T02:00:00Z'")
        conn.execute("UPDATE findings SET first_seen = '2026-01-05T02:00:00Z'")
    conn.close()
    GitRepo(root, init=False).commit({"app/domain/worse.py": "from app.api import views\n"}, "one more")
    assert main(audit) == 1
    second = json.loads((out / "report.json").read_text(encoding="utf-8"))
    today = second["run"]["started_at"][:10]
    seen = {(f["path"], f["status"]): f["first_seen"] for f in second["findings"] if f["rule"] == "layered"}
    assert seen == {("app/domain/bad.py", "persisting"): "2026-01-05", ("app/domain/worse.py", "new"): today}
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<td class="seen">2026-01-05</td>' in html and f'<td class="seen">{today}</td>' in html
    with History(db) as history:  # the second run kept the first date for the old finding
        fps = {f["path"]: f["fingerprint"] for f in second["findings"] if f["rule"] == "layered"}
        assert history.first_seen_dates(fps.values()) == {
            fps["app/domain/bad.py"]: "2026-01-05",
            fps["app/domain/worse.py"]: today,
        }


def test_a_renamed_finding_keeps_the_first_seen_date_of_the_finding_it_continues(tmp_path):
    from auditor.usecases.audit import _with_first_seen

    with History(tmp_path / "h.sqlite") as history:
        history.record_run(run_at(1, [contract("before-mv")]))
        run2 = run_at(2, [contract("after-mv", path="shop/domain/renamed.py"), contract("fresh", line=9)])
        dated = _with_first_seen(run2, history, {"after-mv": "before-mv"})
        assert {f.fingerprint: f.first_seen for f in dated.findings} == {
            "after-mv": "2026-11-01",
            "fresh": "2026-11-02",
        }
        history.record_run(dated)  # the next run finds the new fingerprint with the old date
        assert history.first_seen_dates(["after-mv", "fresh"]) == {
            "after-mv": "2026-11-01",
            "fresh": "2026-11-02",
        }
        stored = history.previous_rows()
        assert stored["fresh"].first_seen == "2026-11-02T02:00:00+00:00"  # this run: its start time


def test_a_finding_keeps_its_first_seen_date_across_a_git_mv(tmp_path):
    from hostile.project import write_project

    from auditor.cli.main import main

    root = write_project(tmp_path / "repo")
    out = tmp_path / "report"
    audit = ["audit", str(root), "--no-semgrep", "--out", str(out)]

    def layered() -> list[tuple[str, str, str]]:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        return [
            (f["path"], f["status"], f["first_seen"]) for f in report["findings"] if f["rule"] == "layered"
        ]

    assert main(audit) == 1
    conn = sqlite3.connect(root / ".auditor" / "history.sqlite")  # the first run was on an earlier day
    with conn:
        conn.execute("UPDATE runs SET started_at = '2026-01-05T02:00:00Z'")
        conn.execute("UPDATE findings SET first_seen = '2026-01-05T02:00:00Z'")
    conn.close()
    GitRepo(root, init=False).mv("app/domain/bad.py", "app/domain/upward.py")
    assert main(audit) == 1
    assert layered() == [("app/domain/upward.py", "persisting", "2026-01-05")]
    assert main(audit) == 1  # the next run finds the new fingerprint recorded with the old date
    assert layered() == [("app/domain/upward.py", "persisting", "2026-01-05")]


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
