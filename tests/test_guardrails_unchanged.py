"""A pre-merge check whose change leaves every guardrail file alone compares no guardrails.

REF's configuration, packs and baseline are loaded (and the two states' guardrails built and
compared) only when one of the files the working tree's guardrails come from differs at REF.
Each scenario is also run with the comparison forced, which must give the same findings.
"""

from __future__ import annotations

import json

import pytest
from gitrepo import GitRepo
from test_guardrails_premerge import PYPROJECT

from auditor.cli.main import main
from auditor.pipeline import guardrail_check

LOCAL = PYPROJECT.replace("packs = []", 'packs = ["rules/local.toml"]')
PACK = """[pack]
name = "local"
version = "1.0.0"
description = "one contract and one semgrep rule file"

[[contracts]]
id = "no-api-in-infra"
type = "forbidden"
source_modules = ["shop.infra"]
forbidden_modules = ["shop.api"]

[[semgrep]]
rules = "local/eval.yaml"
"""
RULES = """rules:
  - id: no-eval
    pattern: eval(...)
    message: eval
    languages: [python]
    severity: ERROR
"""
BASELINE = '{"version": 1, "entries": []}\n'


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        {"pyproject.toml": LOCAL, "rules/local.toml": PACK, "rules/local/eval.yaml": RULES,
         "shop/__init__.py": "", "shop/api/__init__.py": "", "shop/api/views.py": "X = 1\n",
         "shop/domain/__init__.py": "", "shop/infra/__init__.py": "", "shop/infra/db.py": "Y = 2\n"},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    return repo


@pytest.fixture
def ref_loads(monkeypatch) -> list[str]:
    """The refs whose guardrails were loaded (REF's files read into a folder and compared)."""
    loads: list[str] = []
    real = guardrail_check._load_at_ref
    monkeypatch.setattr(guardrail_check, "_load_at_ref", lambda files, ref, *a: loads.append(ref) or real(files, ref, *a))
    guardrail_check._AT_REF.clear()
    return loads


def check(repo: GitRepo, capsys, *extra: str) -> tuple[int, list[dict]]:
    capsys.readouterr()
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--format", "json", *extra])
    doc = json.loads(capsys.readouterr().out)
    return code, [f for f in doc["findings"] if f["kind"] == "guardrail"]


def compared_anyway(repo: GitRepo, capsys, monkeypatch) -> tuple[int, list[dict]]:
    """The same check with REF's guardrails loaded and compared whatever the files say."""
    monkeypatch.setattr(guardrail_check, "_read_as_at_ref", lambda *a: False)
    guardrail_check._AT_REF.clear()
    return check(repo, capsys, "--no-cache")


def test_a_change_to_code_only_loads_no_guardrails_at_ref(repo, capsys, monkeypatch, ref_loads):
    repo.commit({"shop/api/views.py": "X = 2\n", "shop/infra/db.py": "import os\nY = 3\n"}, "code only")
    code, found = check(repo, capsys)
    assert (code, found, ref_loads) == (0, [], [])
    again = check(repo, capsys, "--no-cache")  # and without the cache of REF's files
    assert (again, ref_loads) == ((0, []), [])
    assert compared_anyway(repo, capsys, monkeypatch) == (0, []) and ref_loads == ["main"]


def test_an_added_nosemgrep_is_still_found_when_no_guardrail_file_changed(repo, capsys, monkeypatch, ref_loads):
    repo.commit({"shop/api/views.py": "X = eval('1')  # nosemgrep\n"}, "silence")
    code, found = check(repo, capsys)
    assert [f["rule"] for f in found] == ["guardrail-suppression-added"] and ref_loads == []
    assert compared_anyway(repo, capsys, monkeypatch) == (code, found)


@pytest.mark.parametrize(
    ("files", "rule"),
    [
        ({"rules/local.toml": PACK.split("[[contracts]]")[0] + "[[semgrep]]" + PACK.split("[[semgrep]]")[1]},
         "guardrail-contract-removed"),
        ({"pyproject.toml": LOCAL.replace('layers = ["api", "domain"]', 'layers = ["api", "domain"]\nignore_kinds = ["dynamic"]')},
         "guardrail-contract-relaxed"),
        ({"auditor-baseline.json": None}, None),  # a baseline the working tree added
        ({"rules/local/eval.yaml": RULES.replace("eval(...)", "exec(...)")}, None),
        ({"pyproject.toml": LOCAL + "\n"}, None),
    ],
    ids=["pack-edited", "config-edited", "baseline-added", "rules-edited", "config-blank-line"],
)  # fmt: skip
def test_a_changed_guardrail_file_loads_refs_guardrails(repo, capsys, monkeypatch, ref_loads, files, rule):
    if "auditor-baseline.json" in files:
        assert main(["baseline", str(repo.path), "--no-semgrep", "--no-cache"]) == 0
        files = {"auditor-baseline.json": (repo.path / "auditor-baseline.json").read_text()}
    repo.commit(files, "edit a guardrail file")
    code, found = check(repo, capsys)
    assert ref_loads == ["main"]
    if rule is not None:
        assert rule in {f["rule"] for f in found}
    assert compared_anyway(repo, capsys, monkeypatch) == (code, found)


def test_a_baseline_removed_since_ref_is_compared(tmp_path, capsys, monkeypatch, ref_loads):
    repo = GitRepo(tmp_path / "repo")
    files = {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/api/__init__.py": "",
             "shop/domain/__init__.py": "", "shop/infra/__init__.py": "", "shop/domain/m.py": "from shop.api import x\n",
             "shop/api/x.py": ""}  # fmt: skip
    repo.commit(files, "main")
    assert main(["baseline", str(repo.path), "--no-semgrep", "--no-cache"]) == 0
    repo.commit({"auditor-baseline.json": (repo.path / "auditor-baseline.json").read_text()}, "accept")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"auditor-baseline.json": None}, "drop the baseline")
    code, found = check(repo, capsys)
    assert ref_loads == ["main"]
    assert compared_anyway(repo, capsys, monkeypatch) == (code, found)


def test_refs_files_are_compared_byte_for_byte(tmp_path, capsys, ref_loads):
    """REF's pack is a symlink to an identical copy, the working tree's a regular file: git
    holds the link's text, not the pack's bytes, so REF's guardrails are loaded (and that
    text is no pack: exit 2, as before)."""
    repo = GitRepo(tmp_path / "repo")
    (repo.path / "rules").mkdir(parents=True)
    (repo.path / "rules" / "local.toml").symlink_to("copy.toml")
    repo.git("add", "rules/local.toml")
    repo.commit({"pyproject.toml": LOCAL, "rules/copy.toml": PACK, "rules/local/eval.yaml": RULES,
                 "shop/__init__.py": "", "shop/api/__init__.py": "", "shop/infra/__init__.py": "",
                 "shop/domain/__init__.py": ""}, "main")  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    (repo.path / "rules" / "local.toml").unlink()
    repo.commit({"rules/local.toml": PACK}, "the pack as a file")
    capsys.readouterr()
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep"])
    assert ref_loads == ["main"] and code == 2
    assert "rules/local.toml@main" in capsys.readouterr().err


def test_without_installed_packs_no_path_outside_the_project_counts_as_shipped(monkeypatch, tmp_path):
    from auditor.support import resources

    def missing() -> None:
        raise resources.MissingDataError("no built-in rule packs")

    monkeypatch.setattr(resources, "rules_dir", missing)
    assert guardrail_check._shipped_dir() == ""
