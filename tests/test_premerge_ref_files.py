"""REF's guardrail files (config, packs, baselines) in a pre-merge check are read from git once
per base commit and kept in the cache folder: a later run (a new process) asks git nothing for
them, and gives the same guardrail findings. A kept listing is never used for another commit,
a damaged one is read again from git, and --no-cache keeps nothing.

A change that leaves the guardrail files alone has REF's copies of the working tree's files
read (one `git cat-file`), never the listing of REF's files (test_guardrails_unchanged)."""

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
    assert "list" in git_reads
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
    assert "list" in git_reads
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
        assert "list" in git_reads


def test_no_cache_keeps_nothing(repo, tmp_path, capsys, git_reads):
    weaken(repo, capsys, author=PERSON)
    check(repo, None, capsys)
    assert not list(tmp_path.rglob("ref-files"))
    git_reads.clear()
    check(repo, None, capsys)
    assert "list" in git_reads


def test_a_missing_default_baseline_at_ref_needs_no_git_read(repo, tmp_path, capsys, git_reads):
    """The listing holds every file named like a baseline: one it lacks is missing at REF. (Whether
    the guardrail files changed at all is asked in the same `git cat-file` as the config.)"""
    weaken(repo, capsys, author=PERSON)
    (repo.path / "auditor-baseline.json").unlink()
    check(repo, None, capsys)
    reads = [asked for asked in git_reads if asked.startswith("read:")]
    assert reads[0] == "read:pyproject.toml,auditor-baseline.json"
    assert not any("auditor-baseline.json" in asked for asked in reads[1:])


@pytest.fixture
def fixing(repo: GitRepo) -> GitRepo:
    """feature fixes main's layers violation in shop/domain/models.py and edits views.py."""
    repo.git("checkout", "-q", "main")
    repo.commit({"shop/domain/models.py": "from shop.api import views\n"}, "a violation on main")
    repo.git("checkout", "-q", "feature")
    repo.git("reset", "-q", "--hard", "main")
    repo.commit({"shop/domain/models.py": "X = 3\n", "shop/api/views.py": "X = 4\n"}, "fix it")
    return repo


@pytest.fixture
def module_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """REF's modules read from git by the base graph."""
    from auditor.index import at_ref

    asked: list[str] = []
    real = at_ref.read_blobs

    def reading(base, paths):  # type: ignore[no-untyped-def]
        asked.extend(paths)
        return real(base, paths)

    monkeypatch.setattr(at_ref, "read_blobs", reading)
    return asked


def full_check(repo: GitRepo, cache: Path | None, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    new_process()
    capsys.readouterr()
    where = ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--format", "json", *where])
    doc = json.loads(capsys.readouterr().out)
    doc["run"].pop("started_at", None)
    doc["run"].pop("duration_s", None)
    doc["run"].pop("stages", None)
    return code, doc


def test_a_later_run_reads_no_changed_module_of_ref_from_git(fixing, tmp_path, capsys, module_reads):
    """REF's version of a changed module is known by its content hash, kept per base commit:
    its facts come from the facts cache, and the verdict is the one a run without cache gives."""
    cache = tmp_path / "cache"
    first = full_check(fixing, cache, capsys)
    assert sorted(module_reads) == ["shop/api/views.py", "shop/domain/models.py"]
    assert [f["importer"] for f in first[1]["fixed"]] == ["shop.domain.models"]
    module_reads.clear()
    assert full_check(fixing, cache, capsys) == first
    assert module_reads == []
    assert full_check(fixing, None, capsys) == first


def test_a_damaged_facts_entry_reads_refs_module_again(fixing, tmp_path, capsys, module_reads):
    import sqlite3

    cache = tmp_path / "cache"
    first = full_check(fixing, cache, capsys)
    with sqlite3.connect(cache / "cache.sqlite") as db:
        db.execute("UPDATE file_facts SET facts = '[\"damaged\"]'")
    module_reads.clear()
    assert full_check(fixing, cache, capsys) == first
    assert module_reads  # the kept hash led to a damaged entry: REF's modules were read again


def test_kept_hashes_of_another_hash_scheme_are_not_used(fixing, tmp_path, capsys, module_reads):
    cache = tmp_path / "cache"
    first = full_check(fixing, cache, capsys)
    (kept,) = cache.rglob("ref-files/*.json")
    entry = json.loads(kept.read_text())
    assert entry["hashes"]
    kept.write_text(json.dumps({**entry, "scheme": "another"}))
    module_reads.clear()
    assert full_check(fixing, cache, capsys) == first
    assert sorted(module_reads) == ["shop/api/views.py", "shop/domain/models.py"]


def test_refs_modules_are_still_written_out_when_semgrep_scans_them(fixing, tmp_path, capsys, module_reads):
    """With semgrep on (write_files), REF's changed modules are read and written below the
    scratch folder even when their content hashes are kept."""
    from auditor.config import load_config
    from auditor.index.at_ref import base_graph
    from auditor.index.git_ref import PendingChanges, open_base
    from auditor.index.tree import config_graph

    cache = tmp_path / "cache"
    full_check(fixing, cache, capsys)  # keeps REF's hashes
    base = open_base(fixing.path, "main")
    changes = PendingChanges(fixing.path, base).result()
    head = config_graph(fixing.path, load_config(fixing.path, None), cache_dir=cache)
    module_reads.clear()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    graph, written = base_graph(fixing.path, head, base, changes, scratch, cache_dir=cache, write_files=True)
    assert written == ["shop/api/views.py", "shop/domain/models.py"]
    assert (scratch / "shop/domain/models.py").read_text() == "from shop.api import views\n"
    assert sorted(module_reads) == written
    assert "shop.api.views" in graph.directly_imported_by("shop.domain.models")


def test_a_changed_file_is_scanned_for_nosemgrep_in_any_case(tmp_path):
    """The pre-filter before git diffs a changed module for added `# nosemgrep`: it says no
    only for a text the comment's pattern (case-insensitive, as re matches it) cannot match."""
    from auditor.drift.guardrails.suppressions import nosemgrep_in
    from auditor.pipeline.guardrail_check import _may_name_nosemgrep

    for line, named in [("x = 1  # NoSemGrep\n", True), ("x = 1  # no\u017femgrep\n", True),
                        ("x = 1  # nosemgrp\n", False), ("x = 1\n", False)]:  # fmt: skip
        (tmp_path / "m.py").write_text(line, encoding="utf-8")
        assert _may_name_nosemgrep(tmp_path / "m.py") is named, line
        assert (nosemgrep_in(line) is not None) <= named  # never a comment the filter misses
