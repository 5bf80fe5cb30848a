"""The CI cache examples parse and name the cache folder auditor really uses (GitHub Actions:
the default folder; GitLab: the --cache-dir the job passes, which auditor accepts)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from gitrepo import GitRepo, isolate

from auditor.cli.main import main
from auditor.index.cache_location import chosen_cache_dir
from auditor.support.cache_home import project_cache_dir, user_cache_root

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_github_actions_caches_the_default_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions" / "auditor-cache.yml").read_text("utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    assert "${{ github.sha }}" in cache["with"]["key"] and cache["with"]["restore-keys"].strip()
    # on a Linux runner: HOME set, no XDG_CACHE_HOME
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    cached = Path(cache["with"]["path"].replace("~", str(tmp_path), 1))
    assert cached == user_cache_root()
    assert project_cache_dir(tmp_path / "work" / "repo").is_relative_to(cached)
    run = next(s["run"] for s in steps if "auditor check" in str(s.get("run", "")))
    assert "--cache-dir" not in run and "--no-cache" not in run


def test_gitlab_caches_the_folder_it_passes_as_cache_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = yaml.safe_load((EXAMPLES / "gitlab" / "auditor-cache.gitlab-ci.yml").read_text("utf-8"))
    job = doc["auditor"]
    assert "$CI_COMMIT_REF_SLUG" in job["cache"]["key"] and job["cache"]["fallback_keys"]
    (cached,) = job["cache"]["paths"]
    command = next(line for line in job["script"] if line.startswith("auditor check"))
    words = shlex.split(command)
    given = words[words.index("--cache-dir") + 1]
    assert given == f"$CI_PROJECT_DIR/{cached}".rstrip("/")
    # the folder is accepted in a checkout that does not track it, and the check fills it
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "project")
    repo.commit({"pyproject.toml": '[tool.auditor]\npackages = ["pkg"]\n', "pkg/__init__.py": ""}, "start")
    folder = repo.path / cached
    assert chosen_cache_dir(repo.path, folder) == folder
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    assert main(["check", str(repo.path), "--no-semgrep", "--cache-dir", str(folder)]) == 0
    capsys.readouterr()
    assert any(folder.iterdir())
