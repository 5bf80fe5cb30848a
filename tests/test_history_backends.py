"""One history test-suite, run against both backends: the SQLite file and a real PostgreSQL
(a throwaway cluster of this test session, tests/pgserver.py). Migrations from empty and from
the previous schema, idempotent retried uploads, runs per repository, six concurrent audits of
three repositories, a writer killed mid-run, a server that is down."""

from __future__ import annotations

import contextlib
import json
import os
import socket
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
from auditor.domain.run import RunInfo, RunResult
from auditor.drift.history import SCHEMA_VERSION, History
from auditor.drift.history_backends import open_store
from auditor.drift.history_schema import MIGRATIONS

REPO = Path(__file__).resolve().parents[1]
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a fresh history lives: a SQLite file, or a new database on the session's server."""
    if request.param == "sqlite":
        return tmp_path / "history.sqlite"
    return str(request.getfixturevalue("pg_url"))


def run_at(day: int, findings, commit: str | None = None) -> RunResult:
    info = RunInfo(
        tool_version="0.1.0", root="shop", commit=commit or f"c{day}", started_at=f"2026-11-{day:02d}T02:00:00+00:00"
    )
    return RunResult(info=info, findings=tuple(findings))


def count(location: str | Path, sql: str) -> list[tuple]:
    store = open_store(location)
    try:
        return [tuple(r) for r in store.fetch(sql)]
    finally:
        store.close()


def test_a_new_history_is_migrated_and_keeps_runs_findings_and_first_seen(location):
    a, b = contract("a"), security("s", origin=Origin.AI, agent="claude-code", model="claude-x")
    with History(location, repository="github.com/org/shop") as history:
        assert history.run_count() == 0 and history.trend() == []
        first = history.record_run(run_at(1, [a]))
        second = history.record_run(run_at(2, [a, b]))
        assert second > first
        assert [p.commit for p in history.trend(5)] == ["c1", "c2"]
        assert [p.total for p in history.trend(5)] == [1, 2]
        assert history.trend(5)[-1].by_origin == {"ai": 1, "unknown": 1}
        assert history.first_seen_dates(["a", "s", "never"]) == {"a": "2026-11-01", "s": "2026-11-02"}
        previous = history.previous_findings()
        assert set(previous) == {"a", "s"}
        assert (previous["s"].agent, previous["s"].model) == ("claude-code", "claude-x")
        assert set(history.previous_findings(before_run=second)) == {"a"}
        assert history.previous_commit() == "c2"
    if isinstance(location, Path):
        conn = sqlite3.connect(location)
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        conn.close()
    else:
        assert count(location, "SELECT version FROM auditor_schema") == [(SCHEMA_VERSION,)]


def test_the_previous_schema_is_migrated_in_place_and_its_runs_kept(location):
    store = open_store(location)  # a history written by the auditor before runs had repositories
    store.migrate(MIGRATIONS[:3])  # schema 3 (then 4: repositories and run keys; 5: guardrails)
    with store.transaction() as tx:
        tx.execute('INSERT INTO runs (started_at, "commit") VALUES (?, ?)', ("2026-10-01T02:00:00+00:00", "old"))
        (run_id,) = tx.execute("SELECT MAX(id) FROM runs")[0]
        tx.execute(
            "INSERT INTO findings (run_id, fingerprint, rule, kind, severity, origin, status, first_seen)"
            " VALUES (?, 'fp-old', 'layered', 'contract', 'error', 'human', 'new', ?)",
            (run_id, "2026-10-01T02:00:00+00:00"),
        )
    store.close()
    repository = "github.com/org/shop"
    with History(location, repository=repository) as history:
        if isinstance(location, Path):  # a file per repository: its runs are that repository's
            assert [p.commit for p in history.trend()] == ["old"]
            assert history.first_seen_dates(["fp-old"]) == {"fp-old": "2026-10-01"}
        history.record_run(run_at(2, [contract("fp-old")]))
    with History(location) as everything:
        assert [p.commit for p in everything.trend()] == ["old", "c2"]
        assert everything.first_seen("fp-old") == "2026-10-01T02:00:00+00:00"
    keys = count(location, "SELECT run_key FROM runs ORDER BY id")
    assert keys[0][0].startswith("run-") and keys[1][0].startswith("c2@2026-11-02")


def test_a_retried_upload_records_the_run_once(location):
    with History(location, repository="r") as history:
        first = history.record_run(run_at(1, [contract("a")]), run_key="k1")
        again = history.record_run(run_at(1, [contract("a")]), run_key="k1")
        other = history.record_run(run_at(1, [contract("a")]))  # same commit and time, another run
        assert again == first and other != first
        assert history.run_count() == 2
    assert count(location, "SELECT COUNT(*) FROM findings") == [(2,)]


def test_each_repository_reads_its_own_runs(location):
    with History(location, repository="one") as one, History(location, repository="two") as two:
        one.record_run(run_at(1, [contract("a")]))
        two.record_run(run_at(2, [contract("b")]))
        one.record_run(run_at(3, [contract("c")]))
        assert [p.commit for p in one.trend()] == ["c1", "c3"] and [p.commit for p in two.trend()] == ["c2"]
        assert set(two.previous_findings()) == {"b"} and one.first_seen("b") is None


CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    from dataclasses import replace
    from drift_samples import sample_result
    from auditor.drift.history import History
    result = sample_result()
    result = replace(result, info=replace(result.info, commit=sys.argv[2]))
    location = sys.argv[1]
    if "://" not in location:
        location = __import__("pathlib").Path(location)
    with History(location, repository="r") as h:
        h.record_run(result)
    print("recorded")
    """
)


def _child(location: str | Path, commit: str, crash: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("AUDITOR_TEST_CRASH_AT", None)
    if crash:
        env["AUDITOR_TEST_CRASH_AT"] = "history-write"
    code = CHILD.format(repo=str(REPO), tests=str(REPO / "tests"))
    return subprocess.run(
        [sys.executable, "-c", code, str(location), commit], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_writer_killed_mid_run_leaves_no_half_written_run(location):
    assert _child(location, "good", crash=False).returncode == 0
    killed = _child(location, "killed", crash=True)
    assert killed.returncode == -9, (killed.returncode, killed.stderr)
    assert count(location, 'SELECT "commit" FROM runs') == [("good",)]
    assert count(location, "SELECT COUNT(*) FROM findings") == [(len(sample_result().findings),)]
    with History(location, repository="r") as history:  # and it goes on working
        history.record_run(replace(sample_result(), info=replace(sample_result().info, commit="after")))
        assert [p.commit for p in history.trend()] == ["good", "after"]


def _repositories(base: Path) -> list[Path]:
    """Three small repositories with remotes, each with one contract finding."""
    from hostile.project import write_project

    roots = []
    for n in range(3):
        root = write_project(base / f"repo{n}")
        GitRepo(root, init=False).git("remote", "add", "origin", f"https://ci:token@Git.Example.com/org/repo{n}.git")
        roots.append(root)
    return roots


def test_six_concurrent_audits_of_three_repositories_are_all_recorded_once(location, tmp_path):
    roots = _repositories(tmp_path)
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "auditor", "audit", str(root), "--no-semgrep", "--history", str(location),
             "--out", str(tmp_path / f"out{i}"), "--cache-dir", str(tmp_path / f"cache{i}")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for i, root in enumerate(roots * 2)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 1, err  # each has its upward import: verdict failed, not an error
    runs = count(location, 'SELECT repository, COUNT(*), COUNT(DISTINCT run_key) FROM runs GROUP BY repository ORDER BY repository')
    assert runs == [(f"git.example.com/org/repo{n}", 2, 2) for n in range(3)]
    per_run = count(location, "SELECT run_id, COUNT(*) FROM findings WHERE rule = 'layered' GROUP BY run_id")
    assert len(per_run) == 6 and all(n == 1 for _, n in per_run)
    for i in range(6):
        report = json.loads((tmp_path / f"out{i}" / "report.json").read_text())
        assert report["run"]["recorded"] is True
    trend = subprocess.run(
        [sys.executable, "-m", "auditor", "history", str(roots[1]), "--history", str(location), "--format", "json"],
        capture_output=True, text=True, env=env, check=True,
    )  # `auditor history` reads its own repository's runs
    assert len(json.loads(trend.stdout)["runs"]) == 2


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once the socket is closed


def _audit_with_history(root: Path, out: Path, url: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "auditor", "audit", str(root), "--no-semgrep", "--history", url, "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip


def _assert_not_recorded(done: subprocess.CompletedProcess[str], out: Path, secret: str) -> None:
    assert done.returncode == 1, done.stderr  # the verdict (an upward import), not a usage error
    lines = [line for line in done.stderr.splitlines() if "not recorded" in line]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and secret not in done.stderr + done.stdout
    report = json.loads((out / "report.json").read_text())
    assert report["run"]["recorded"] is False
    assert any("not recorded" in w for w in report["run"]["warnings"])
    assert not any(secret in w for w in report["run"]["warnings"])
    sarif = json.loads((out / "report.sarif").read_text())
    assert sarif["runs"][0]["properties"]["recorded"] is False
    notes = [n["message"]["text"] for n in sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    assert any("not recorded" in n for n in notes)
    html = (out / "index.html").read_text()
    assert "run not recorded in the history" in html and secret not in html


def test_a_server_that_is_down_costs_the_recording_not_the_report(tmp_path):
    from hostile.project import write_project

    root = write_project(tmp_path / "repo")
    secret = "pw-in-the-url-9f8e"
    url = f"postgresql://ci:{secret}@127.0.0.1:{_closed_port()}/history"
    done = _audit_with_history(root, tmp_path / "out", url, {"AUDITOR_HISTORY_PASSWORD": "env-secret-7c6d"})
    _assert_not_recorded(done, tmp_path / "out", secret)
    assert "env-secret-7c6d" not in done.stderr and "postgresql://ci:***@127.0.0.1" in done.stderr


def test_a_server_that_refuses_the_login_costs_the_recording_not_the_report(pg_url, tmp_path):
    from hostile.project import write_project

    root = write_project(tmp_path / "repo")
    wrong = "not-the-password-3b2a"
    done = _audit_with_history(root, tmp_path / "out", pg_url, {"AUDITOR_HISTORY_PASSWORD": wrong})
    _assert_not_recorded(done, tmp_path / "out", wrong)
    assert "password authentication failed" in done.stderr


@pytest.mark.parametrize("when", ["reading the previous run", "recording the run"])
def test_a_server_that_goes_away_mid_run_costs_the_recording_not_the_report(pg_url, tmp_path, monkeypatch, capsys, when):
    """The audit's own connection is cut (pg_terminate_backend) just before it reads the
    previous run, or just before it records this one."""
    from hostile.project import write_project

    from auditor.cli.main import main

    root = write_project(tmp_path / "repo")
    out = tmp_path / "out"
    audit = ["audit", str(root), "--no-semgrep", "--history", pg_url, "--out", str(out)]
    assert main(audit) == 1  # one run recorded, so the next one reads it
    name = "previous_findings" if when.startswith("reading") else "record_run"
    original = getattr(History, name)

    def cut_then_call(self, *args, **kwargs):
        with contextlib.suppress(Exception):  # the server ends this very connection
            self.store.conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(History, name, cut_then_call)
    capsys.readouterr()
    assert main(audit) == 1  # the verdict, not an error
    err = capsys.readouterr().err
    assert len([line for line in err.splitlines() if "run not recorded" in line]) == 1, err
    report = json.loads((out / "report.json").read_text())
    assert report["run"]["recorded"] is False
    monkeypatch.setattr(History, name, original)
    with History(pg_url) as history:
        assert history.run_count() == 1
