"""`auditor history push --from FILE.sqlite --to DB [--dry-run]`: a dry run first, then each
run copied once (into PostgreSQL, or another SQLite file)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from drift_samples import contract, security

from auditor.cli.main import main
from auditor.domain import Origin
from auditor.domain.guardrails import Guardrails
from auditor.domain.run import RunInfo, RunResult
from auditor.domain.run_views import ModuleMetrics
from auditor.drift.history import History

REPOSITORY = "github.com/org/shop"


def _run(day: int, findings: list) -> RunResult:
    info = RunInfo(tool_version="0.1.0", root="shop", commit=f"c{day}", started_at=f"2026-11-{day:02d}T02:00:00+00:00")
    return RunResult(info=info, findings=tuple(findings), modules=(ModuleMetrics("shop", 1, 2),))


@pytest.fixture(params=["postgresql", "sqlite"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "org.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "history.sqlite"
    with History(path, repository=REPOSITORY) as history:
        history.record_run(_run(1, [contract("a")]), api_snapshot={"shop.auth": [("login", "function", "def login()")]})
        history.record_run(_run(2, [contract("a"), security("s", origin=Origin.AI, agent="claude-code")]))
        history.record_run(
            _run(3, [security("s", origin=Origin.AI, agent="claude-code")]),
            guardrails=Guardrails("pyproject.toml", suppressions=2),
        )
    return path


def test_a_dry_run_says_what_it_would_copy_and_copies_nothing(source, target, capsys):
    assert main(["history", "push", "--from", str(source), "--to", target, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("would copy 3 run(s) (4 findings) to ") and f"  {REPOSITORY}: 3 run(s)" in out
    with History(target) as into:
        assert into.run_count() == 0


def test_push_copies_every_run_once_and_again_copies_nothing(source, target, capsys):
    assert main(["history", "push", "--from", str(source), "--to", target]) == 0
    assert capsys.readouterr().out.startswith("copied 3 run(s) (4 findings)")
    with History(source, repository=REPOSITORY) as src, History(target, repository=REPOSITORY) as into:
        assert [(p.commit, p.by_rule, p.by_origin) for p in into.trend()] == [
            (p.commit, p.by_rule, p.by_origin) for p in src.trend()
        ]
        assert into.first_seen_dates(["a", "s"]) == {"a": "2026-11-01", "s": "2026-11-02"}
        assert into.previous_findings()["s"].agent == "claude-code"
        assert into.previous_api_snapshot() == {"shop.auth": [("login", "function", "def login()")]}
        assert into.previous_guardrails() == (Guardrails("pyproject.toml", suppressions=2), "c3")
        assert [p.guardrails for p in into.trend()] == [p.guardrails for p in src.trend()]
    assert main(["history", "push", "--from", str(source), "--to", target]) == 0
    assert capsys.readouterr().out.startswith("copied 0 run(s) (0 findings) to ")
    with History(target) as into:
        assert into.run_count() == 3


def test_runs_without_a_repository_need_one_named(source, target, capsys):
    conn = sqlite3.connect(source)  # a file written before runs had a repository
    with conn:
        conn.execute("UPDATE runs SET repository = ''")
    conn.close()
    assert main(["history", "push", "--from", str(source), "--to", target]) == 2
    assert "--repository NAME" in capsys.readouterr().err
    assert main(["history", "push", "--from", str(source), "--to", target, "--repository", "legacy-svc"]) == 0
    with History(target, repository="legacy-svc") as into:
        assert into.run_count() == 3
