"""The MCP server's warm `check`: what it keeps in memory between calls never makes an answer
stale. One session is driven through a series of edits, and after each one its answer must equal
what a fresh `auditor check --base REF --format json` process says about the same tree; the
counters show the warm paths were the ones taken (the working tree's graph patched in memory,
REF's side reused while the change's file set holds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gitrepo import GitRepo
from shop_config import layered_shop

from auditor.domain.guardrails import EXCEPTION_ADDED, SUPPRESSION_ADDED
from auditor.mcp.session import ProjectSession
from auditor.pipeline.options import RunOptions
from auditor.support import filestat

RACY_NS = 20_000_000  # the racy-timestamp window, shortened so the test need not wait 2 s per edit
SETTLE_S = 0.1


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        {"pyproject.toml": layered_shop(), "shop/__init__.py": "", "shop/api/__init__.py": "",
         "shop/api/views.py": "from shop.domain import rules\n", "shop/domain/__init__.py": "",
         "shop/domain/rules.py": "X = 1\n",
         "shop/domain/models.py": "def f():\n    from shop.api import views\n    return views\n"},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    return repo


@pytest.fixture
def short_racy_window(monkeypatch):
    monkeypatch.setattr(filestat, "RACY_NS", RACY_NS)


def fresh_check(repo: GitRepo, base: str | None, cache: Path) -> dict:
    """`auditor check [--base BASE] --format json` in a new process with empty caches."""
    against = ["--base", base] if base else []
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "check", str(repo.path), "--no-semgrep", *against, "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def comparable(doc: dict, *, new_only: bool) -> dict:
    """What the two answers must agree on: the findings, fixed ones, errors and the run's
    identity (never its clock)."""
    findings = [f for f in doc["findings"] if not new_only or f["status"] == "new"]
    run = {k: doc["run"][k] for k in ("commit", "branch", "base", "incomplete")}
    return {"findings": findings, "fixed": doc["fixed"], "errors": doc["errors"], "run": run}


class Driver:
    def __init__(self, repo: GitRepo, tmp_path: Path) -> None:
        self.repo, self.tmp = repo, tmp_path
        self.session = ProjectSession(RunOptions(root=repo.path, semgrep=False))
        self.step = 0

    def edit(self, files: dict[str, str | None]) -> None:
        self.repo.write(files)
        time.sleep(SETTLE_S)  # past the (shortened) racy window: the warm paths may trust stat

    def same_as_fresh(self, base: str | None = "main") -> dict:
        self.step += 1
        warm = self.session.check(base, None)
        fresh = fresh_check(self.repo, base, self.tmp / f"fresh-{self.step}")
        assert comparable(warm, new_only=False) == comparable(fresh, new_only=True), f"step {self.step}"
        return warm


def new_rules(doc: dict) -> list[tuple[str, str | None]]:
    return [(f["rule"], f["path"]) for f in doc["findings"]]


def exempted(doc: dict) -> bool:
    """The exception added (a guardrail finding) and the violation it hides, shown as hidden."""
    by_rule = {f["rule"]: f for f in doc["findings"]}
    return sorted(by_rule) == sorted([EXCEPTION_ADDED, "layered"]) and bool(by_rule["layered"]["suppressed_by"])


def test_a_warm_session_answers_like_a_fresh_check_through_a_series_of_edits(repo, tmp_path, short_racy_window):
    drive = Driver(repo, tmp_path)
    tree, base_side = drive.session.tree, drive.session.sides
    time.sleep(SETTLE_S)
    assert new_rules(drive.same_as_fresh()) == []

    # a violation added to a module REF has: new
    drive.edit({"shop/domain/rules.py": "from shop.api import views\nX = 1\n"})
    assert new_rules(drive.same_as_fresh()) == [("layered", "shop/domain/rules.py")]
    builds, base_runs = tree.rebuilds, base_side.base_runs

    # without a base: the tree against its baseline (none: every finding is new), same graph
    assert len(drive.same_as_fresh(None)["findings"]) == 2 and tree.rebuilds == builds

    # the same file edited again: patched in memory, REF's side reused (same changed files)
    drive.edit({"shop/domain/rules.py": "from shop.api import views\nX = 2\n"})
    assert new_rules(drive.same_as_fresh()) == [("layered", "shop/domain/rules.py")]
    assert (tree.rebuilds, base_side.base_runs) == (builds, base_runs)

    # the violation removed again
    drive.edit({"shop/domain/rules.py": "X = 1\n"})
    assert new_rules(drive.same_as_fresh()) == []
    assert tree.rebuilds == builds

    # REF's violation fixed in another file: fixed, not new
    drive.edit({"shop/domain/models.py": "def f():\n    return None\n"})
    fixed = drive.same_as_fresh()
    assert new_rules(fixed) == [] and [f["path"] for f in fixed["fixed"]] == ["shop/domain/models.py"]
    assert tree.rebuilds == builds and base_side.base_runs > base_runs

    # a new module (the module set changes) with a violation
    drive.edit({"shop/domain/extra.py": "import shop.api.views\n"})
    assert new_rules(drive.same_as_fresh()) == [("layered", "shop/domain/extra.py")]
    assert tree.rebuilds > builds

    # `# nosemgrep` added to a tracked module and to the new, untracked one: suppressions added
    drive.edit({"shop/domain/rules.py": "X = 1  # nosemgrep\n", "shop/domain/extra.py": "import shop.api.views  # nosemgrep\n"})
    added = drive.same_as_fresh()
    assert sorted(p for r, p in new_rules(added) if r == SUPPRESSION_ADDED) == ["shop/domain/extra.py", "shop/domain/rules.py"]
    drive.edit({"shop/domain/rules.py": "X = 1\n", "shop/domain/extra.py": "import shop.api.views\n"})
    assert new_rules(drive.same_as_fresh()) == [("layered", "shop/domain/extra.py")]

    # the configuration changes: an exception for the new violation (a guardrail change)
    exception = '[[tool.auditor.exceptions]]\ncontract = "layered"\nimport = "shop.domain.extra -> shop.api.views"\n'
    drive.edit({"pyproject.toml": layered_shop() + exception + 'reason = "migration"\n'})
    assert exempted(drive.same_as_fresh())

    # HEAD moves: the change is committed on the branch
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "feature work")
    time.sleep(SETTLE_S)
    assert exempted(drive.same_as_fresh())

    # the base ref moves onto HEAD: nothing is new any more
    repo.git("branch", "-f", "main", "HEAD")
    assert new_rules(drive.same_as_fresh()) == []

    # a file deleted, against another base (HEAD~1): the exception added, REF's violation fixed
    drive.edit({"shop/domain/extra.py": None})
    last = drive.same_as_fresh("HEAD~1")
    assert new_rules(last) == [(EXCEPTION_ADDED, "pyproject.toml")]
    assert [f["path"] for f in last["fixed"]] == ["shop/domain/models.py"]


def test_refs_side_is_not_reused_after_an_edit_git_does_not_see(repo, tmp_path, short_racy_window):
    """A module git ignores (.git/info/exclude) is still a module, equal on both sides: editing it
    changes REF's side too, though git reports no change."""
    (repo.path / ".git" / "info" / "exclude").write_text("shop/domain/local.py\n")
    drive = Driver(repo, tmp_path)
    drive.edit({"shop/domain/local.py": "X = 1\n"})
    assert new_rules(drive.same_as_fresh()) == []
    drive.edit({"shop/domain/local.py": "import shop.api.views\n"})
    assert new_rules(drive.same_as_fresh()) == []  # persisting: REF has it too (the file is no change)
    assert drive.session.sides.base_runs == 2


def test_a_warm_check_reads_and_parses_only_the_edited_file(repo, tmp_path, short_racy_window, monkeypatch):
    import auditor.index.warm_tree as warm_tree

    drive = Driver(repo, tmp_path)
    time.sleep(SETTLE_S)
    drive.session.check("main", None)  # the first call builds the graph (the engine, its caches)
    read, parsed = [], []
    real_read, real_load = warm_tree.read_source, warm_tree.load_facts

    def reading(f, errors):
        read.append(f.rel_path)
        return real_read(f, errors)

    def loading(files, hashed, **kw):
        parsed.extend(f.rel_path for f in files)
        return real_load(files, hashed, **kw)

    monkeypatch.setattr(warm_tree, "read_source", reading)
    monkeypatch.setattr(warm_tree, "load_facts", loading)
    drive.edit({"shop/domain/rules.py": "from shop.api import views\nX = 1\n"})
    assert new_rules(drive.same_as_fresh()) == [("layered", "shop/domain/rules.py")]
    assert (read, parsed) == (["shop/domain/rules.py"], ["shop/domain/rules.py"])
    assert drive.session.tree.rebuilds == 1


def test_a_long_running_session_judges_expiry_by_todays_date(repo, tmp_path, short_racy_window, monkeypatch):
    """A server started before an exception's expiry date and still running after it sees the
    exception expired, as a fresh run does."""
    import dataclasses
    import datetime as dt

    monkeypatch.delenv("AUDITOR_TODAY", raising=False)
    drive = Driver(repo, tmp_path)
    drive.session.opts = dataclasses.replace(drive.session.opts, today=dt.date(2000, 6, 1))  # started then
    exception = '[[tool.auditor.exceptions]]\ncontract = "layered"\nimport = "shop.domain.models -> shop.api.views"\n'
    drive.edit({"pyproject.toml": layered_shop() + exception + 'reason = "old"\nexpires = "2001-01-01"\n'})
    answer = drive.same_as_fresh()
    # expired: it hides nothing (REF's violation persists, not shown as newly hidden)
    assert new_rules(answer) == [(EXCEPTION_ADDED, "pyproject.toml")]
