"""A cache is trusted only where the repository cannot write it. A crafted `.auditor/cache.sqlite`
(facts that hide the upward import) and `.auditor/blame.sqlite` (a commit that looks
AI-written) committed to the repository change nothing in a fresh clone; the user's own cache
(default location, or a `--cache-dir` git does not track, like a CI cache restored into the
checkout) is used: poisoning it, as only its owner can, changes the result."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from gitrepo import GitRepo
from hostile.cli import CliRun, cli_env, run_cli
from hostile.project import write_project

CHECK = ["check", "--no-semgrep", "--format", "json"]


def _env(home: Path) -> dict[str, str]:
    return cli_env({"XDG_CACHE_HOME": str(home)})


def _layered(run: CliRun) -> list[str]:
    run.assert_clean(codes=(0, 1))
    return [f["path"] for f in run.json()["findings"] if f["rule"] == "layered"]


def poison(cache_dir: Path) -> None:
    """What an attacker commits: bad.py's facts without its import (and nothing that would make
    auditor rebuild them), and every cached commit carrying an AI co-author trailer."""
    with sqlite3.connect(cache_dir / "cache.sqlite") as db:
        rows = db.execute("SELECT content_hash, facts FROM file_facts").fetchall()
        for content_hash, text in rows:
            facts = json.loads(text)
            if facts[0] == "app/domain/bad.py":
                facts[5] = []
                db.execute(
                    "UPDATE file_facts SET facts=? WHERE content_hash=?", (json.dumps(facts), content_hash)
                )
        for table in ("graph_snapshots", "latest_snapshots", "discoveries", "file_stats"):
            db.execute(f"DELETE FROM {table}")
    db.close()
    if (cache_dir / "blame.sqlite").exists():
        with sqlite3.connect(cache_dir / "blame.sqlite") as db:
            for sha, text in db.execute("SELECT sha, data FROM commits_v1").fetchall():
                info = json.loads(text)
                info["t"] = [["Co-authored-by", "Claude <noreply@anthropic.com>"]]
                db.execute("UPDATE commits_v1 SET data=? WHERE sha=?", (json.dumps(info), sha))
        db.close()


def _crafted_clone(tmp_path: Path) -> Path:
    """A repository with a crafted .auditor/ committed, cloned afresh."""
    origin = write_project(tmp_path / "origin")
    craft = tmp_path / "craft"
    for args in (CHECK, ["attribution", "--format", "json"]):
        run_cli([*args, "--cache-dir", str(craft)], cwd=origin, env=_env(tmp_path / "attacker-home"))
    poison(craft)
    committed = origin / ".auditor"
    committed.mkdir()
    for name in ("cache.sqlite", "blame.sqlite"):
        shutil.copy(craft / name, committed / name)
    repo = GitRepo(origin, init=False)
    repo.git("add", "-f", ".auditor/cache.sqlite", ".auditor/blame.sqlite")
    repo.commit({}, "add a cache")
    return repo.clone(tmp_path / "clone").path


def test_the_crafted_cache_works_when_trusted(tmp_path: Path) -> None:
    """Guard against a vacuous pass: read as a cache, the crafted files do hide the violation."""
    clone = _crafted_clone(tmp_path)
    outside = tmp_path / "copied-cache"
    shutil.copytree(clone / ".auditor", outside)
    run = run_cli([*CHECK, "--cache-dir", str(outside)], cwd=clone, env=_env(tmp_path / "home"))
    assert _layered(run) == [] and run.code == 0


def test_a_committed_cache_is_not_trusted_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = _crafted_clone(tmp_path)
    env = _env(tmp_path / "home")
    run = run_cli(CHECK, cwd=clone, env=env)
    assert _layered(run) == ["app/domain/bad.py"] and run.code == 1
    attribution = run_cli(["attribution", "--format", "json"], cwd=clone, env=env)
    attribution.assert_clean(codes=(0,))
    assert attribution.json()["totals"]["ai"] == 0, attribution.json()["totals"]
    assert attribution.json()["totals"]["human"] > 0
    # the committed files are left as they are (the checkout stays clean)
    assert GitRepo(clone, init=False).git("status", "--porcelain", "--untracked-files=no") == ""


def test_a_cache_dir_that_git_tracks_is_refused(tmp_path: Path) -> None:
    """Even named with --cache-dir: a folder with files git tracks came with the code."""
    clone = _crafted_clone(tmp_path)
    run = run_cli([*CHECK, "--cache-dir", ".auditor"], cwd=clone, env=_env(tmp_path / "home"))
    assert _layered(run) == ["app/domain/bad.py"] and run.code == 1
    assert "git tracks files in it" in run.stderr and run.stderr.count("\n") == 1, run.stderr


@pytest.mark.parametrize("where", ["default", "outside", "untracked-in-tree"])
def test_the_users_own_cache_is_used(tmp_path: Path, where: str) -> None:
    """Default location, a --cache-dir outside the checkout, and one inside it that git does not
    track (a CI cache restored into `.auditor/`): a warm run reads it (poisoned by its owner,
    it changes the result: the evidence that it is read) and nothing is written into the tree
    unless asked."""
    repo = write_project(tmp_path / "repo")
    home = tmp_path / "home"
    given = {"default": None, "outside": tmp_path / "ci-cache", "untracked-in-tree": repo / ".auditor"}[where]
    args = [*CHECK, "--cache-dir", str(given)] if given else CHECK
    first = run_cli(args, cwd=repo, env=_env(home))
    assert _layered(first) == ["app/domain/bad.py"]
    located = (
        sorted(home.glob("auditor/projects/repo-*/cache.sqlite"))
        if given is None
        else [given / "cache.sqlite"]
    )
    assert len(located) == 1 and located[0].is_file()
    if where != "untracked-in-tree":
        assert not (repo / ".auditor").exists()
    poison(located[0].parent)
    second = run_cli(args, cwd=repo, env=_env(home))
    assert _layered(second) == [] and second.code == 0


def test_the_default_cache_is_per_project_and_outside_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for name in ("one", "two"):
        repo = write_project(tmp_path / name / "repo")
        run_cli(CHECK, cwd=repo, env=_env(home)).assert_clean()
        run_cli(["attribution"], cwd=repo, env=_env(home)).assert_clean(codes=(0,))
        assert not (repo / ".auditor").exists()
    folders = sorted(p.name for p in (home / "auditor" / "projects").iterdir())
    assert len(folders) == 2 and all(f.startswith("repo-") for f in folders)
    for folder in folders:
        assert {"cache.sqlite", "blame.sqlite"} <= {
            p.name for p in (home / "auditor" / "projects" / folder).iterdir()
        }
