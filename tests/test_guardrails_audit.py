"""Guardrail integrity between nightly runs: `audit` compares with the guardrails it recorded."""

from __future__ import annotations

import json
import sqlite3

from gitrepo import GitRepo
from test_guardrails_premerge import CLAUDE, PERSON, PYPROJECT, WEAKENED

from auditor.cli.main import main
from auditor.drift.history_schema import SCHEMA_VERSION

FILES = {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/api/__init__.py": "",
         "shop/api/views.py": "X = 1\n", "shop/domain/__init__.py": "", "shop/infra/__init__.py": "",
         "shop/infra/db.py": "Y = 2\n", "shop/domain/models.py": "def f():\n    return 1\n"}  # fmt: skip


def audit(repo: GitRepo, out, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["audit", str(repo.path), "--no-semgrep", "--no-cache", "--out", str(out)])
    capsys.readouterr()
    return code, json.loads((out / "report.json").read_text())


def test_the_nightly_run_reports_guardrail_changes_since_the_last_run(tmp_path, capsys):
    repo = GitRepo(tmp_path / "repo")
    repo.commit(FILES, "main")
    out = tmp_path / "report"
    code, first = audit(repo, out, capsys)
    assert code == 0 and not [f for f in first["findings"] if f["kind"] == "guardrail"]
    repo.commit(
        {"pyproject.toml": WEAKENED, "shop/domain/orders.py": "from shop.api import views\n",
         "shop/domain/models.py": "import os\n\n\ndef f(c):\n    return os.system(c)  # nosemgrep\n"},
        "weaken", trailers=CLAUDE,
    )  # fmt: skip
    code, second = audit(repo, out, capsys)
    found = {(f["rule"], f["origin"], f["severity"]) for f in second["findings"] if f["kind"] == "guardrail"}
    assert {
        ("guardrail-exception-added", "ai", "error"),
        ("guardrail-contract-removed", "ai", "error"),
        ("guardrail-suppression-added", "ai", "error"),
    } <= found
    assert code == 1
    html = (out / "index.html").read_text()
    assert 'id="guardrails"' in html and "guardrail-contract-removed" in html
    hidden = [f for f in second["findings"] if f["suppressed_by"] and "added since the last run" in f["suppressed_by"]]
    assert [(f["importer"], f["origin"]) for f in hidden] == [("shop.domain.orders", "ai")]
    assert "added since the last run at pyproject.toml" in html
    # a third run with no change: nothing to report, and the last changes are not "fixed"
    code, third = audit(repo, out, capsys)
    assert not [f for f in third["findings"] if f["kind"] == "guardrail"]
    assert not [f for f in third["fixed"] if f["kind"] == "guardrail"]
    with sqlite3.connect(repo.path / ".auditor" / "history.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        sizes = db.execute("SELECT contracts, exceptions, suppressions FROM guardrails ORDER BY run_id").fetchall()
    assert sizes == [(2, 0, 0), (1, 1, 1), (1, 1, 1)]
    html = (out / "index.html").read_text()
    assert "Guardrail size" in html
    assert third["guardrails"] == {"contracts": 1, "exceptions": 1, "baseline_entries": 0, "suppressions": 1}
    assert [h["guardrails"].get("contracts") for h in third["history"]] == [2, 1]  # the runs before


def test_a_person_weakening_between_runs_is_a_warning(tmp_path, capsys):
    repo = GitRepo(tmp_path / "repo")
    repo.commit(FILES, "main")
    out = tmp_path / "report"
    audit(repo, out, capsys)
    repo.commit({"pyproject.toml": WEAKENED, "shop/domain/orders.py": "from shop.api import views\n"}, "w", author=PERSON)
    code, doc = audit(repo, out, capsys)
    found = [f for f in doc["findings"] if f["kind"] == "guardrail"]
    assert found and all(f["origin"] == "human" and f["severity"] == "warning" for f in found)
    assert code == 0
