"""`git` missing from PATH: analysis still runs (attribution becomes unknown, with a warning);
what truly needs git (`check --base REF`) is a one-line usage error, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile.cli import CliRun, cli_env, run_cli
from hostile.project import write_project

NO_GIT = cli_env({"PATH": "/nonexistent"})


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("nogit") / "repo")  # a real git repo, git hidden later


def _run(repo: Path, *args: str) -> CliRun:
    return run_cli(list(args), cwd=repo, env=NO_GIT, timeout=120)


def test_check_without_git_still_finds_the_violation(repo: Path) -> None:
    run = _run(repo, "check", "--no-semgrep", "--format", "json")
    run.assert_clean(codes=(1,))
    doc = run.json()
    assert [f["path"] for f in doc["findings"] if f["severity"] == "error"] == ["app/domain/bad.py"]
    assert doc["run"]["commit"] is None
    assert doc["attribution"]["available"] is False
    assert any("git executable not found" in w for w in doc["run"]["warnings"]), doc["run"]["warnings"]
    assert all(f["origin"] == "unknown" for f in doc["findings"])


def test_check_text_says_why_origins_are_unknown(repo: Path) -> None:
    run = _run(repo, "check", "--no-semgrep")
    run.assert_clean(codes=(1,))
    assert "attribution unavailable, every line is unknown: git executable not found" in run.stdout


def test_check_base_without_git_is_a_usage_error(repo: Path) -> None:
    run = _run(repo, "check", "--no-semgrep", "--base", "HEAD")
    run.assert_clean(codes=(2,))
    assert run.stderr.strip() == "auditor: error: --base HEAD: git is not installed (not found on PATH)"


def test_attribution_without_git_warns_and_reports_unknown(repo: Path) -> None:
    run = _run(repo, "attribution")
    run.assert_clean(codes=(0,))
    assert "git executable not found" in run.stdout + run.stderr
    assert "all files" in run.stdout


def test_audit_without_git_writes_the_report(repo: Path, tmp_path: Path) -> None:
    run = _run(repo, "audit", "--no-semgrep", "--out", str(tmp_path / "report"), "--no-history")
    run.assert_clean(codes=(1,))
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == [
        "index.html",
        "report.json",
        "report.sarif",
    ]
