"""REF's guardrail files (config, packs, baselines) in a pre-merge check are read from git once
per base commit and kept in the cache folder: a later run (a new process) asks git nothing for
them, and gives the same guardrail findings. A kept listing is never used for another commit,
a damaged one is read again from git, and --no-cache keeps nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import test_guardrails_premerge
from gitrepo import GitRepo
from test_guardrails_premerge import PERSON, PYPROJECT, guardrails, weaken

from auditor.cli.main import main
from auditor.pipeline import guardrail_check

repo = test_guardrails_premerge.repo  # the fixture: main with two contracts, on branch feature


@pytest.fixture
def git_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What guardrail_check asks git about REF's files: "list" and "read:PATHS"."""
    asked: list[str] = []
    real_list, real_read = guardrail_check._ref_files, guardrail_check.read_blobs

    def listing(base):  # type: ignore[no-untyped-def]
        asked.append("list")
        return real_list(base)

    def reading(base, paths):  # type: ignore[no-untyped-def]
        asked.append("read:" + ",".join(paths))
        return real_read(base, paths)

    monkeypatch.setattr(guardrail_check, "_ref_files", listing)
    monkeypatch.setattr(guardrail_check, "read_blobs", reading)
    return asked


def new_process() -> None:
    """What a new `auditor` process starts with: nothing kept in memory."""
    guardrail_check._AT_REF.clear()


def check(repo: GitRepo, cache: Path | None, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    new_process()
    capsys.readouterr()
    where = ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--format", "json", *where])
    return code, guardrails(json.loads(capsys.readouterr().out))


def test_a_later_run_reads_refs_guardrail_files_from_the_cache(repo, tmp_path, capsys, git_reads):
    weaken(repo, capsys, author=PERSON)
    cache = tmp_path / "cache"
    first = check(repo, cache, capsys)
    assert git_reads and git_reads[0] == "list"
    assert {f["rule"] for f in first[1]} >= {"guardrail-contract-removed", "guardrail-exception-added"}
    git_reads.clear()
    again = check(repo, cache, capsys)
    assert again == first
    assert git_reads == []  # neither listed nor read: REF's commit is the same
    assert check(repo, None, capsys) == first  # what a run without any cache says


def test_a_new_base_commit_is_read_from_git_again(repo, tmp_path, capsys, git_reads):
    cache = tmp_path / "cache"
    assert check(repo, cache, capsys) == (0, [])
    repo.git("checkout", "-q", "main")
    repo.commit({"pyproject.toml": PYPROJECT.replace('id = "layered"', 'id = "layered2"')}, "main renames")
    repo.git("checkout", "-q", "feature")
    git_reads.clear()
    code, found = check(repo, cache, capsys)
    assert git_reads and git_reads[0] == "list"
    # feature still has the old contract id: against the new main, a contract was "removed"
    assert "guardrail-contract-removed" in {f["rule"] for f in found}
    assert (code, found) == check(repo, None, capsys)


def test_a_damaged_kept_listing_is_read_from_git_again(repo, tmp_path, capsys, git_reads):
    weaken(repo, capsys, author=PERSON)
    cache = tmp_path / "cache"
    first = check(repo, cache, capsys)
    kept = list(cache.rglob("ref-files/*.json"))
    assert len(kept) == 1
    entry = json.loads(kept[0].read_text())
    damages = [
        "{not json",
        json.dumps({**entry, "names": "x"}),
        json.dumps({**entry, "files": {"pyproject.toml": 3}}),
        json.dumps({**entry, "files": {"pyproject.toml": "not base64!"}}),
        json.dumps({**entry, "commit": "0" * 40}),  # another commit's entry under this name
        json.dumps({**entry, "names": ["../outside.toml"], "files": {"../outside.toml": "eD0x"}}),
    ]
    for damage in damages:
        kept[0].write_text(damage)
        git_reads.clear()
        assert check(repo, cache, capsys) == first
        assert git_reads and git_reads[0] == "list"


def test_no_cache_keeps_nothing(repo, tmp_path, capsys, git_reads):
    check(repo, None, capsys)
    assert not list(tmp_path.rglob("ref-files"))
    git_reads.clear()
    check(repo, None, capsys)
    assert git_reads and git_reads[0] == "list"


def test_a_missing_default_baseline_at_ref_needs_no_git_read(repo, tmp_path, capsys, git_reads):
    """The listing holds every file named like a baseline: one it lacks is missing at REF."""
    check(repo, None, capsys)
    assert not any("auditor-baseline.json" in asked for asked in git_reads)
