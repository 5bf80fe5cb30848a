"""How many git processes a warm run starts: one `git rev-parse` when nothing changed.

The git executable is replaced on PATH by a wrapper that logs each call, so the count is what
really ran (attribution, the run's commit and branch, the notes lookup, HEAD's blob ids).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gitrepo import GitRepo, isolate, logged_git

from auditor.attribution import attribute
from auditor.cli.main import main
from auditor.config.model import AttributionSettings

CONFIG = """\
[tool.auditor]
packages = ["pkg"]
[tool.auditor.layers]
top = ["pkg.top"]
low = ["pkg.low"]
[[tool.auditor.contracts]]
id = "layers"
type = "layers"
layers = ["top", "low"]
"""


def verbs(log: Path) -> list[str]:
    """The git subcommand of each logged call (after `--no-pager` and the `-c` settings)."""
    if not log.exists():
        return []
    out = []
    for line in log.read_text().splitlines():
        words = line.split(" ")
        i = 0
        while i < len(words) and (words[i].startswith("-") or (i and words[i - 1] == "-c")):
            i += 1
        out.append(words[i] if i < len(words) else "")
    return out


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate(monkeypatch)
    r = GitRepo(tmp_path / "repo")
    r.commit(
        {
            "pyproject.toml": CONFIG,
            "pkg/__init__.py": "",
            "pkg/top.py": "X = 1\n",
            "pkg/low.py": "import pkg.top\n",  # a lower layer importing a higher one
        },
        "layered package with one violation",
    )
    return r


def test_warm_attribution_runs_one_git_process(repo: GitRepo, tmp_path: Path) -> None:
    script, log = logged_git(tmp_path)
    git = str(script)
    paths = ["pkg/top.py", "pkg/low.py"]
    cache = tmp_path / "cache"
    first = attribute(repo.path, paths, AttributionSettings(), cache_dir=cache, git=git)
    log.unlink()
    second = attribute(repo.path, paths, AttributionSettings(), cache_dir=cache, git=git)
    assert verbs(log) == ["rev-parse"]
    assert second.files == first.files and second.summary == first.summary
    assert second.head == (repo.head(), "main")


def test_new_commit_lists_heads_blobs_again(repo: GitRepo, tmp_path: Path) -> None:
    script, log = logged_git(tmp_path)
    git = str(script)
    paths = ["pkg/top.py", "pkg/low.py"]
    cache = tmp_path / "cache"
    attribute(repo.path, paths, AttributionSettings(), cache_dir=cache, git=git)
    repo.commit({"pkg/top.py": "X = 1\nY = 2\n"}, "second")
    log.unlink()
    after = attribute(repo.path, paths, AttributionSettings(), cache_dir=cache, git=git)
    assert "ls-tree" in verbs(log)  # HEAD moved: its blob ids are read, not taken from the cache
    assert after.files["pkg/top.py"].lines[1].commit == repo.head()  # the new line is the new commit's


def test_notes_are_read_only_when_the_notes_ref_exists(repo: GitRepo, tmp_path: Path) -> None:
    script, log = logged_git(tmp_path)
    git = str(script)
    paths = ["pkg/low.py"]
    attribute(repo.path, paths, AttributionSettings(), cache_dir=None, git=git)
    assert "notes" not in verbs(log)
    repo.add_note("refs/notes/ai", repo.head(), "not a git-ai note")
    log.unlink()
    attribute(repo.path, paths, AttributionSettings(), cache_dir=None, git=git)
    assert "notes" in verbs(log)


def test_warm_check_runs_one_git_process(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script, log = logged_git(tmp_path)
    monkeypatch.setenv("PATH", f"{script.parent}:{os.environ['PATH']}")
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    main(["check", str(repo.path), "--no-semgrep", "--format", "json"])
    capsys.readouterr()
    log.unlink()
    main(["check", str(repo.path), "--no-semgrep", "--format", "json"])
    out = capsys.readouterr().out
    assert verbs(log) == ["rev-parse"]
    assert repo.head() in out  # the run's commit still comes from git
