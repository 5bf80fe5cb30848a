"""One git adapter (auditor.support.git.Git) runs every git process, with the repository's
command-running configuration neutralised on each call; attribution blames committed content
where the working tree is not needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gitrepo import GitRepo, isolate
from test_attribution_cache import calls, counting_git

import auditor
from auditor.attribution import attribute
from auditor.config.model import AttributionSettings
from auditor.support.git import (
    NEUTRAL_CONFIG,
    Git,
    GitCommandFailed,
    reads_worktree_content,
)

PACKAGE = Path(auditor.__file__).parent
RUNS_PROCESSES = re.compile(r"\bsubprocess\b|\bos\.(system|popen|exec\w*|spawn\w*|posix_spawn\w*)\b")


def test_only_the_adapter_and_the_semgrep_runner_start_processes() -> None:
    starting = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if RUNS_PROCESSES.search(path.read_text(encoding="utf-8"))
    )
    assert starting == ["security/invoke.py", "support/git.py"]
    assert '"git"' not in (PACKAGE / "security" / "invoke.py").read_text(encoding="utf-8")


def test_every_call_carries_the_neutral_settings_and_the_subcommand_guards() -> None:
    argv = Git("git", ".").command(["blame", "--porcelain", "HEAD", "--", "a.py"])
    settings = {argv[i + 1].partition("=")[0] for i, a in enumerate(argv) if a == "-c"}
    assert {key for key, _ in NEUTRAL_CONFIG} <= settings
    assert {"core.fsmonitor", "core.hooksPath", "protocol.allow", "log.showSignature"} <= settings
    assert argv[1] == "--no-pager"
    blame = argv.index("blame")
    assert argv[blame + 1 : blame + 3] == ["--no-textconv", "--no-ignore-revs-file"]
    diff = Git().command(["diff", "-M", "HEAD", "--"])
    assert {"--no-textconv", "--no-ext-diff", "--ignore-submodules=all"} <= set(diff)
    assert "--no-show-signature" in Git().command(["log", "--format=%H"])


@pytest.mark.parametrize(
    ("args", "reads"),
    [
        (["blame", "--porcelain", "HEAD", "--", "a.py"], False),
        (["blame", "--porcelain", "--contents", "-", "--", "a.py"], True),
        (["diff", "-M", "--name-status", "HEAD", "--"], True),
        (["ls-files", "-z", "--", "*.py"], False),
        (["ls-files", "-m"], True),
        (["cat-file", "--batch"], False),
        (["cat-file", "--filters", "HEAD:a.py"], True),
        (["rev-parse", "HEAD"], False),
        (["add", "-A"], True),
        (["some-new-command"], True),
    ],
)
def test_which_commands_may_run_a_filter(args: list[str], reads: bool) -> None:
    assert reads_worktree_content(args) is reads


def _filtered_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver: str) -> tuple[GitRepo, Path]:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.commit({".gitattributes": f"*.py filter={driver}\n", "a.py": "x = 1\n"}, "one")
    marker = tmp_path / "marker"
    repo.git("config", f"filter.{driver}.clean", f"touch {marker}; cat")
    repo.git("config", f"filter.{driver}.required", "true")
    repo.write({"a.py": "x = 2\n"})
    return repo, marker


@pytest.mark.parametrize("driver", ["trap", "a.dotted.Name", "spa ce"])
def test_every_filter_driver_the_config_names_is_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    repo, marker = _filtered_repo(tmp_path, monkeypatch, driver)
    out = Git("git", repo.path).run("diff", "--name-status", "HEAD", "--")
    assert out == b"M\ta.py\n"
    blame = Git("git", repo.path).run("blame", "--porcelain", "--contents", "-", "--", "a.py", input=b"x = 2\n")
    assert blame.startswith(b"0" * 40)
    assert not marker.exists()


def test_a_filter_name_that_cannot_be_switched_off_stops_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, marker = _filtered_repo(tmp_path, monkeypatch, "a=b")
    with pytest.raises(GitCommandFailed, match="cannot be switched off"):
        Git("git", repo.path).run("diff", "--name-status", "HEAD", "--")
    assert not marker.exists()


def test_unchanged_files_are_blamed_at_head_and_only_modified_ones_from_the_work_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"same.py": "x = 1\n", "edited.py": "y = 1\n"}, "one")
    repo.write({"edited.py": "y = 1\nz = 2\n"})
    git, log = counting_git(tmp_path)
    outcome = attribute(repo.path, ["same.py", "edited.py"], AttributionSettings(), cache_dir=None, git=git)
    blames = [line for line in log.read_text().splitlines() if " blame " in f" {line} "]
    assert calls(log, "blame") == 2
    assert [line.endswith("-- same.py") and "--contents" not in line for line in blames].count(True) == 1
    assert [line.endswith("--contents - -- edited.py") for line in blames].count(True) == 1
    origins = {path: [o.origin.value for o in f.lines] for path, f in outcome.files.items()}
    assert origins == {"same.py": ["human"], "edited.py": ["human", "unknown"]}


def test_a_revisions_file_named_by_the_config_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """blame.ignoreRevsFile could name a fifo (a hang) or hand lines to other commits; a missing
    one would make every blame fail."""
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"a.py": "x = 1\n"}, "one")
    repo.git("config", "blame.ignoreRevsFile", str(tmp_path / "missing-revs"))
    outcome = attribute(repo.path, ["a.py"], AttributionSettings(), cache_dir=None)
    assert outcome.errors == []
    assert [o.origin.value for o in outcome.files["a.py"].lines] == ["human"]


def test_a_submodule_and_its_own_config_are_not_entered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git diff` would run `git status` inside a submodule, under the submodule's config."""
    isolate(monkeypatch)
    inner = GitRepo(tmp_path / "inner")
    inner.commit({".gitattributes": "* filter=trap\n", "b.py": "y = 1\n"}, "inner")
    outer = GitRepo(tmp_path / "outer")
    outer.commit({"a.py": "x = 1\n"}, "outer")
    outer.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner.path), "sub")
    outer.commit({}, "add the submodule")
    marker = tmp_path / "marker"
    sub = GitRepo(outer.path / "sub", init=False)
    sub.git("config", "filter.trap.clean", f"touch {marker}; cat")
    sub.git("config", "core.fsmonitor", f"touch {marker}; false")
    sub.write({"b.py": "y = 2\n"})
    out = Git("git", outer.path).run("diff", "--name-status", "HEAD", "--")
    assert not marker.exists()
    assert out == b""  # a submodule is a commit id here; its working tree is not looked at
