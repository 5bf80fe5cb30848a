"""A stage that did not run neither fixes nor creates findings of its kind.

`--no-semgrep` (or semgrep failing) leaves the security findings unchecked: baselined security
entries are not "fixed", and the run says which stage did not run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli.main import main
from auditor.domain import Finding, FindingKind, Severity
from auditor.drift.baseline import write_baseline

CONFIG = '[tool.auditor]\npackages = ["shop"]\npacks = ["builtin:python-security"]\n'
EVAL = "def run(expression):\n    return eval(expression)\n"


def _project(root: Path, source: str) -> Path:
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "calc.py").write_text(source)
    (root / "pyproject.toml").write_text(CONFIG)
    return root


def _check_json(root: Path, capsys, *extra: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", str(root), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def _security_entry(fingerprint: str) -> Finding:
    return Finding(
        fingerprint=fingerprint,
        rule="code-injection",
        kind=FindingKind.SECURITY,
        severity=Severity.ERROR,
        message="eval of a non-literal",
        path="shop/calc.py",
    )


def test_no_semgrep_does_not_fix_baselined_security_findings(tmp_path, capsys):
    root = _project(tmp_path / "p", EVAL)
    write_baseline(root / "auditor-baseline.json", [_security_entry("sec-1")], reason="legacy")
    code, doc = _check_json(root, capsys, "--no-semgrep")
    assert code == 0
    assert doc["fixed"] == [] and doc["findings"] == []
    assert doc["run"]["unchecked_kinds"] == ["security"]
    assert [s["stage"] for s in doc["run"]["skipped_stages"]] == ["semgrep"]


def test_failed_semgrep_does_not_fix_baselined_security_findings(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("AUDITOR_SEMGREP", str(tmp_path / "missing-semgrep"))
    root = _project(tmp_path / "p", EVAL)
    write_baseline(root / "auditor-baseline.json", [_security_entry("sec-1")], reason="legacy")
    code, doc = _check_json(root, capsys)
    assert code == 1 and doc["run"]["incomplete"]  # semgrep missing: incomplete, nothing fixed
    assert doc["fixed"] == []
    assert doc["run"]["unchecked_kinds"] == ["security"]


@pytest.mark.slow
def test_a_security_finding_gone_when_semgrep_ran_is_fixed(tmp_path, capsys):
    root = _project(tmp_path / "p", EVAL)
    assert main(["baseline", str(root)]) == 0
    baseline = json.loads((root / "auditor-baseline.json").read_text())
    assert [e["rule"] for e in baseline["findings"]] == ["code-injection"]
    (root / "shop" / "calc.py").write_text("def run(expression):\n    return int(expression)\n")
    code, doc = _check_json(root, capsys, "--no-semgrep")
    assert (code, doc["fixed"]) == (0, [])  # not checked: not fixed
    code, doc = _check_json(root, capsys)
    assert code == 0 and [f["rule"] for f in doc["fixed"]] == ["code-injection"]
    assert doc["run"]["unchecked_kinds"] == []


@pytest.mark.slow
def test_audit_without_semgrep_neither_fixes_nor_dips_the_trend(tmp_path, capsys):
    from gitrepo import GitRepo

    repo = GitRepo(tmp_path / "repo")
    repo.commit({"pyproject.toml": CONFIG, "shop/__init__.py": "", "shop/calc.py": EVAL}, "main")
    out = tmp_path / "report"
    audit = ["audit", str(repo.path), "--out", str(out)]

    def report() -> dict:
        return json.loads((out / "report.json").read_text(encoding="utf-8"))

    assert main(audit) == 1  # eval of a non-literal: a new security error
    assert [(f["rule"], f["status"]) for f in report()["findings"]] == [("code-injection", "new")]
    assert main([*audit, "--no-semgrep"]) == 0  # nothing it checked fails ...
    skipped = report()
    assert skipped["fixed"] == [] and skipped["findings"] == []  # ... and nothing is fixed
    assert [f["rule"] for f in skipped["carried"]] == ["code-injection"]
    assert "Not run: semgrep" in (out / "index.html").read_text(encoding="utf-8")
    capsys.readouterr()
    main(["history", str(repo.path), "--format", "json"])
    history = json.loads(capsys.readouterr().out)
    assert [run["total"] for run in history["runs"]] == [1, 1]  # no dip
    assert [f["carried"] for f in history["open_findings"]] == [True]
    assert main(audit) == 1  # semgrep again: the finding is persisting, not new
    assert [(f["rule"], f["status"]) for f in report()["findings"]] == [("code-injection", "persisting")]
    assert report()["fixed"] == []
