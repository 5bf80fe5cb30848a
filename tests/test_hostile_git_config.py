"""The audited repository's git configuration is data too: a `.git` that comes with the code
(archives, shared checkouts, CI caches) defines, per test, one configuration key that makes git
run a command (fsmonitor, textconv, filters, external diff, hooks, pager, gpg, a lazy fetch's
transport), with `.gitattributes` routing every file to it. `check`, `baseline`, `audit`,
`attribution` and `check --base` run in it, cleanly, and no marker appears (semgrep, which
runs no git of ours, once with every trap set)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile.cli import CliRun, run_cli
from hostile.git_traps import KEYS, PROMISOR_KEYS, ran, trap_repo


def _commands(work: Path, base: str) -> dict[str, list[str]]:
    return {
        "check": ["check", "--format", "json", "--no-semgrep"],
        "baseline": ["baseline", "--no-semgrep"],
        "audit": ["audit", "--out", str(work / "report"), "--no-semgrep"],
        "attribution": ["attribution", "--format", "json"],
        "check --base": ["check", "--base", base, "--format", "json", "--no-semgrep"],
    }


def _run_all(work: Path, key: str) -> tuple[Path, dict[str, CliRun]]:
    repo, markers, base = trap_repo(work, key)
    runs = {name: run_cli(args, cwd=repo) for name, args in _commands(work, base).items()}
    for name, run in runs.items():
        if key in PROMISOR_KEYS and name == "check --base":
            # the base's blobs are not here and may not be fetched: one line, exit 2
            run.assert_clean(codes=(2,))
            assert run.stderr.count("\n") == 1 and "git diff against" in run.stderr, run.stderr
        else:
            run.assert_clean(codes=(0, 1))
    return markers, runs


@pytest.mark.parametrize("key", KEYS)
def test_the_repository_git_config_runs_nothing(tmp_path: Path, key: str) -> None:
    markers, runs = _run_all(tmp_path, key)
    assert ran(markers) == [], f"{key}: the repository's git config ran {ran(markers)}"
    # not vacuous: the history was read and the violation found, in the working tree and vs base
    attribution = runs["attribution"].json()
    assert attribution["available"] is True, attribution
    assert attribution["errors"] == [], attribution["errors"]
    assert attribution["totals"]["human"] > 0, attribution["totals"]
    assert "layered" in {f["rule"] for f in runs["check"].json()["findings"]}
    changed = {f["path"] for f in runs["check --base"].json()["findings"]}
    assert "app/domain/bad.py" in changed


def test_semgrep_runs_nothing_of_the_git_config_either(tmp_path: Path) -> None:
    """Every trap at once, with the security stage on (semgrep is told not to ask git)."""
    repo, markers, _ = trap_repo(tmp_path, "all")
    run = run_cli(["check", "--format", "json"], cwd=repo)
    run.assert_clean(codes=(1,))
    assert ran(markers) == [], f"the repository's git config ran {ran(markers)}"
    assert {f["kind"] for f in run.json()["findings"]} >= {"security", "contract"}


@pytest.mark.parametrize("key", PROMISOR_KEYS)
def test_a_lazy_fetch_never_reaches_the_remote(tmp_path: Path, key: str) -> None:
    """A partial clone misses history blobs; git would fetch them through the promisor remote's
    transport (upload-pack command, ssh command, proxy, credential helper, ext:: URL)."""
    markers, runs = _run_all(tmp_path, key)
    assert ran(markers) == [], f"{key}: the repository's git config ran {ran(markers)}"
    assert "layered" in {f["rule"] for f in runs["check"].json()["findings"]}
