"""Modules in folders without `__init__.py` under `check` and `check --base REF`.

They used to be missing from the head graph while REF's side (located by path) had them, so a
finding in such a module that is present on both sides came back as "fixed". Now both sides
see the module, its contract findings and its security findings.
"""

from __future__ import annotations

import json

import pytest
from gitrepo import GitRepo
from shop_config import layered_shop

from auditor.cli.main import main

VIOLATION = "from shop.api import views\n\n\ndef f():\n    return views\n"
EVAL = "def run(expression):\n    return eval(expression)\n"


def make_repo(tmp_path, *, packs: str = "") -> GitRepo:  # type: ignore[no-untyped-def]
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        {"pyproject.toml": layered_shop(packs), "shop/__init__.py": "",
         "shop/api/__init__.py": "", "shop/api/views.py": "X = 1\n",
         "shop/domain/__init__.py": "",
         "shop/domain/sub_without_init/mod.py": VIOLATION,
         "shop/domain/sub_without_init/calc.py": EVAL},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def run(capsys, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def,type-arg]
    capsys.readouterr()
    code = main([*args, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    if "--base" in args:  # what the change makes worse: the findings REF has too aside
        doc["persisting"] = [f["path"] for f in doc["findings"] if f["status"] == "persisting"]
        doc["findings"] = [f for f in doc["findings"] if f["status"] != "persisting"]
    return code, doc


def test_a_contract_finding_in_a_folder_without_init_is_seen(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path)
    code, doc = run(capsys, "check", str(repo.path), "--no-semgrep", "--no-cache")
    assert code == 1
    assert [(f["rule"], f["path"]) for f in doc["findings"] if f["severity"] == "error"] == [
        ("layered", "shop/domain/sub_without_init/mod.py")
    ]
    assert doc["errors"] == [] and doc["run"]["incomplete"] is False


def test_check_base_keeps_a_finding_present_on_both_sides(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path)
    repo.commit({"shop/domain/sub_without_init/mod.py": "# edited\n" + VIOLATION}, "edit the module")
    code, doc = run(capsys, "check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache")
    assert (code, doc["findings"], doc["fixed"]) == (0, [], [])
    assert doc["persisting"] == ["shop/domain/sub_without_init/mod.py"]
    repo.commit({"shop/domain/sub_without_init/other.py": VIOLATION}, "a second violation")
    code, doc = run(capsys, "check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache")
    assert code == 1 and doc["fixed"] == []
    assert [(f["path"], f["status"]) for f in doc["findings"]] == [
        ("shop/domain/sub_without_init/other.py", "new")
    ]


@pytest.mark.parametrize("folder", ["sub_without_init", "not-an-identifier", "deep/er"])
def test_check_base_reads_ref_s_version_of_any_module(tmp_path, capsys, folder: str) -> None:  # type: ignore[no-untyped-def]
    """REF's side finds a changed file's module by its path, with discovery's naming rule:
    an edit that keeps a finding is neither new nor fixed, one that adds a finding is new."""
    repo = make_repo(tmp_path)
    path = f"shop/domain/{folder}/tool.py"
    repo.commit({path: "X = 1\n", f"shop/domain/{folder}/kept.py": VIOLATION}, "files", date="2026-01-02T00:00:00Z")
    repo.git("branch", "-f", "main", "HEAD")
    repo.commit({f"shop/domain/{folder}/kept.py": "# edited\n" + VIOLATION}, "edit, finding kept")
    code, doc = run(capsys, "check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache")
    assert (code, doc["findings"], doc["fixed"]) == (0, [], [])
    repo.commit({path: VIOLATION}, "edit, finding added")
    code, doc = run(capsys, "check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache")
    assert code == 1 and doc["fixed"] == []
    assert [(f["path"], f["status"]) for f in doc["findings"]] == [(path, "new")]


def test_check_base_ignores_on_ref_s_side_what_the_walk_skips(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Excluded, .gitignored and tool-folder files are not modules on either side: editing one
    that holds a finding flips nothing to fixed."""
    repo = GitRepo(tmp_path / "repo")
    config = layered_shop('exclude = ["shop/domain/legacy/"]')
    repo.commit(
        {"pyproject.toml": config, ".gitignore": "shop/domain/generated.py\n", "shop/__init__.py": "",
         "shop/api/__init__.py": "", "shop/api/views.py": "X = 1\n", "shop/domain/__init__.py": "",
         "shop/domain/legacy/__init__.py": "", "shop/domain/legacy/old.py": VIOLATION,
         "shop/domain/build/tool.py": VIOLATION},
        "main",
    )  # fmt: skip
    repo.write({"shop/domain/generated.py": VIOLATION})
    repo.git("add", "-f", "shop/domain/generated.py")
    repo.git("commit", "-q", "-m", "generated", "--no-verify")
    repo.git("checkout", "-q", "-b", "feature")
    edited = ["shop/domain/legacy/old.py", "shop/domain/generated.py", "shop/domain/build/tool.py"]
    repo.write({path: "# edited\n" + VIOLATION for path in edited})
    code, doc = run(capsys, "check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache")
    assert (code, doc["findings"], doc["fixed"]) == (0, [], [])


@pytest.mark.slow
def test_security_rules_scan_modules_in_folders_without_init(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The semgrep targets come from the graph's module files: these are among them, on both
    sides of a pre-merge check."""
    repo = make_repo(tmp_path, packs='packs = ["builtin:python-security"]')
    cache = str(tmp_path / "c")
    code, doc = run(capsys, "check", str(repo.path), "--cache-dir", cache)
    assert code == 1
    assert ("code-injection", "shop/domain/sub_without_init/calc.py") in {
        (f["rule"], f["path"]) for f in doc["findings"]
    }
    repo.commit({"shop/domain/sub_without_init/calc.py": "# edited\n" + EVAL}, "edit the eval module")
    code, doc = run(capsys, "check", str(repo.path), "--base", "main", "--cache-dir", cache)
    assert (code, doc["findings"], doc["fixed"]) == (0, [], [])
