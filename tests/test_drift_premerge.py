"""The issue's pre-merge scenarios end to end: `auditor check --base main` on generated repos.

Drives the real pipeline (contracts only, --no-semgrep) through the CLI, in process.
"""

from __future__ import annotations

import json

import pytest
from gitrepo import GitRepo
from shop_config import layered_shop

from auditor.cli.main import main

PYPROJECT = layered_shop()
CLEAN = "def f():\n    return 1\n\n\ndef g():\n    return 2\n"
PAD = "# padding\n" * 50


def check(repo: GitRepo, capsys) -> tuple[int, list[dict], list[dict]]:
    capsys.readouterr()
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    errors = [f for f in doc["findings"] if f["severity"] == "error" and f["status"] == "new"]
    return code, errors, [f for f in doc["fixed"] if f["severity"] == "error"]


@pytest.fixture
def repo(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/api/__init__.py": "",
         "shop/api/views.py": "X = 1\n", "shop/domain/__init__.py": "",
         "shop/domain/models.py": "def f():\n    from shop.api import views\n    return views\n\n\ndef g():\n    return 2\n"},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def test_existing_violation_not_reported_new_one_is(repo, capsys):
    code, new, fixed = check(repo, capsys)
    assert (code, new, fixed) == (0, [], [])
    repo.commit({"shop/domain/other.py": "from shop.api import views\n"}, "add violation")
    code, new, _ = check(repo, capsys)
    assert code == 1 and [f["path"] for f in new] == ["shop/domain/other.py"]
    assert new[0]["status"] == "new"


def test_a_finding_the_base_has_is_counted_unchanged_not_listed_and_never_fails(repo, capsys):
    repo.commit({"shop/domain/other.py": "from shop.api import views\n"}, "add violation")
    capsys.readouterr()
    main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert sorted((f["path"], f["status"]) for f in doc["findings"]) == [
        ("shop/domain/models.py", "persisting"),
        ("shop/domain/other.py", "new"),
    ]
    assert doc["run"]["verdict"]["failing"] == 1
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep"])
    out = capsys.readouterr().out
    assert code == 1 and "shop/domain/other.py" in out and "shop/domain/models.py" not in out
    assert "1 new, 0 fixed, 1 unchanged since base, 0 baselined (1 not listed; -v lists them)" in out
    main(["check", str(repo.path), "--base", "main", "--no-semgrep", "-v"])
    assert "shop/domain/models.py" in capsys.readouterr().out


def test_a_finding_accepted_in_the_baseline_is_baselined_not_new(repo, capsys):
    assert main(["baseline", str(repo.path), "--no-semgrep"]) == 0
    repo.commit({"shop/domain/other.py": "from shop.api import views\n"}, "add violation")
    assert check(repo, capsys)[0] == 1
    args = ["baseline", str(repo.path), "--no-semgrep", "--update", "--accept-new", "--reason", "legacy"]
    assert main(args) == 0
    code, new, fixed = check(repo, capsys)
    assert (code, new, fixed) == (0, [], [])
    main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    statuses = {f["path"]: f["status"] for f in doc["findings"]}
    assert statuses["shop/domain/other.py"] == "baselined"
    assert doc["run"]["verdict"]["result"] == "passed"


def test_moving_and_reformatting_keep_identity(repo, capsys):
    moved = (
        "def f():\n"
        + "    # moved\n" * 50
        + "    from   shop.api   import (views)\n    return views\n\n\ndef g():\n    return 2\n"
    )
    repo.commit({"shop/domain/models.py": PAD + moved}, "move and reformat")
    code, new, fixed = check(repo, capsys)
    assert (code, new, fixed) == (0, [], [])


def test_git_mv_keeps_identity(repo, capsys):
    repo.mv("shop/domain/models.py", "shop/domain/entities.py")
    code, new, fixed = check(repo, capsys)
    assert (code, new, fixed) == (0, [], [])


def test_git_mv_of_the_imported_module_keeps_identity(repo, capsys):
    repo.mv("shop/api/views.py", "shop/api/handlers.py")
    repo.commit(
        {
            "shop/domain/models.py": "def f():\n    from shop.api import handlers\n    return handlers\n\n\ndef g():\n    return 2\n"
        },
        "follow",
    )
    code, new, fixed = check(repo, capsys)
    assert (code, new, fixed) == (0, [], [])


def test_fix_is_reported_and_twins_are_separate(repo, capsys):
    twin = "def f():\n    from shop.api import views\n    return views\n\n\ndef g():\n    from shop.api import views\n    return views\n"
    repo.commit({"shop/domain/models.py": twin}, "same import in g")
    code, new, _ = check(repo, capsys)
    assert code == 1 and len(new) == 1 and new[0]["line"] == 7
    repo.commit({"shop/domain/models.py": CLEAN}, "fix both")
    code, new, fixed = check(repo, capsys)
    assert code == 0 and new == [] and [f["path"] for f in fixed] == ["shop/domain/models.py"]


@pytest.mark.slow
def test_security_findings_new_and_fixed_against_base(tmp_path, capsys):
    """semgrep scans the changed files on both sides: REF's versions come from git."""
    repo = GitRepo(tmp_path / "repo")
    code_eval = "def run(expression):\n    return eval(expression)\n"
    repo.commit(
        {"pyproject.toml": '[tool.auditor]\npackages = ["shop"]\npacks = ["builtin:python-security"]\n',
         "shop/__init__.py": "", "shop/old.py": code_eval, "shop/new.py": "X = 1\n"},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"shop/old.py": "X = 1\n", "shop/new.py": code_eval}, "move the eval")
    capsys.readouterr()
    code = main(
        ["check", str(repo.path), "--base", "main", "--cache-dir", str(tmp_path / "c"), "--format", "json"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["rule"], f["path"], f["status"]) for f in doc["findings"]] == [
        ("code-injection", "shop/new.py", "new")
    ]
    assert [(f["rule"], f["path"], f["status"]) for f in doc["fixed"]] == [
        ("code-injection", "shop/old.py", "fixed")
    ]
