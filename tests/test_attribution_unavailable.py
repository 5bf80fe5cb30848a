"""No git, no repository, no commit, unreadable files: everything unknown, a warning, no failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gitrepo import GitRepo, isolate

from auditor.attribution import attribute
from auditor.config.model import AttributionSettings
from auditor.domain.errors import ConfigError
from auditor.domain.findings import Origin

SETTINGS = AttributionSettings()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_non_git_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "plain"
    write(root, {"a.py": "x = 1\ny = 2\n", "gen/b.py": "z = 1"})
    settings = AttributionSettings(generated_paths=("gen/",))
    outcome = attribute(root, ["a.py", "gen/b.py"], settings, cache_dir=tmp_path / "cache")
    assert [o.origin for o in outcome.files["a.py"].lines] == [Origin.UNKNOWN] * 2
    assert [(o.origin, o.source) for o in outcome.files["gen/b.py"].lines] == [(Origin.AI, "override")]
    assert not outcome.summary.available
    assert len(outcome.warnings) == 1 and "not a git repository" in outcome.warnings[0]


@pytest.mark.parametrize("how", ["nonexistent", "empty-path"])
def test_git_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"a.py": "x = 1\n"}, "one")
    git = "/nonexistent/git"
    if how == "empty-path":
        empty = tmp_path / "empty-bin"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
        git = "git"
    outcome = attribute(repo.path, ["a.py"], SETTINGS, cache_dir=None, git=git)
    assert [o.origin for o in outcome.files["a.py"].lines] == [Origin.UNKNOWN]
    assert not outcome.summary.available
    assert any(f"git executable not found: {git}" in w for w in outcome.warnings)


def test_repository_without_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    write(repo.path, {"a.py": "x = 1\n"})
    outcome = attribute(repo.path, ["a.py"], SETTINGS, cache_dir=None)
    assert [o.origin for o in outcome.files["a.py"].lines] == [Origin.UNKNOWN]
    assert any("no commit yet" in w for w in outcome.warnings)


def test_unreadable_and_escaping_paths_become_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"a.py": "x = 1\n"}, "one")
    outside = tmp_path / "secret.py"
    outside.write_text("password = 1\n")
    os.symlink(outside, repo.path / "link.py")
    outcome = attribute(
        repo.path, ["a.py", "missing.py", "link.py", "../secret.py"], SETTINGS, cache_dir=None
    )
    assert {e.path: e.message for e in outcome.errors} == {
        "missing.py": "cannot read file: No such file or directory",
        "link.py": "path leaves the project root",
        "../secret.py": "path leaves the project root",
    }
    assert outcome.files["missing.py"].lines == ()
    assert [o.origin for o in outcome.files["a.py"].lines] == [Origin.HUMAN]


def test_subdirectory_root_uses_root_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    sha = repo.commit(
        {"svc/app/a.py": "x = 1\n"}, "one", trailers=[("Co-authored-by", "Claude <noreply@anthropic.com>")]
    )
    outcome = attribute(repo.path / "svc", ["app/a.py"], SETTINGS, cache_dir=None)
    line = outcome.files["app/a.py"].lines[0]
    assert (line.origin, line.agent, line.commit) == (Origin.AI, "claude-code", sha)


def test_bad_settings_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unsupported option '--reverse'"):
        attribute(tmp_path, [], AttributionSettings(blame_options=("--reverse",)), cache_dir=None)
    with pytest.raises(ConfigError, match="invalid regular expression"):
        attribute(tmp_path, [], AttributionSettings(extra_ai_name_patterns={"(": "x"}), cache_dir=None)


def test_no_repository_is_told_without_git_only_when_certain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`no_repository_at` says "none" only when no folder at or above holds `.git` (a folder or
    a worktree's file) or is a bare repository, and GIT_DIR is unset; else git is asked."""
    from auditor.support.git import no_repository_at

    monkeypatch.delenv("GIT_DIR", raising=False)
    if not no_repository_at(tmp_path):
        pytest.skip("the temporary folder is inside a git repository here")
    plain = tmp_path / "plain" / "deep"
    plain.mkdir(parents=True)
    assert no_repository_at(plain)
    (tmp_path / "plain" / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's .git file
    assert not no_repository_at(plain)
    bare = tmp_path / "bare.git"
    for folder in ("objects", "refs", "hooks"):
        (bare / folder).mkdir(parents=True)
    (bare / "HEAD").write_text("ref: refs/heads/main\n")
    assert not no_repository_at(bare / "hooks")
    monkeypatch.setenv("GIT_DIR", str(bare))
    assert not no_repository_at(tmp_path)


def test_a_check_in_no_repository_says_so_without_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With path overrides the engine still runs (they decide lines without git)."""
    from auditor.attribution.outcome import outcome_without_repository

    monkeypatch.delenv("GIT_DIR", raising=False)
    if not outcome_without_repository(tmp_path, SETTINGS, read_unavailable=False):
        pytest.skip("the temporary folder is inside a git repository here")
    outcome = outcome_without_repository(tmp_path, SETTINGS, read_unavailable=False)
    assert outcome is not None and not outcome.summary.available and "not a git repository" in outcome.warnings[0]
    assert outcome_without_repository(tmp_path, SETTINGS, read_unavailable=True) is None
    with_overrides = AttributionSettings(human_paths=("docs/",))
    assert outcome_without_repository(tmp_path, with_overrides, read_unavailable=False) is None
