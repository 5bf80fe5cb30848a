"""Guardrail integrity end to end: `check --base main` on a branch that weakens the rules.

The issue's scenario: in ONE commit a change adds an exception for its own new violation,
removes a contract, adds `# nosemgrep` and grows the baseline. Written by an agent (a
Co-authored-by trailer) it fails with four or more guardrail errors; by a person it passes
with warnings.
"""

from __future__ import annotations

import json

import pytest
from gitrepo import GitRepo

from auditor.cli.main import main

PYPROJECT = """[tool.auditor]
packages = ["shop"]
packs = []

[tool.auditor.layers]
api = ["shop.api"]
domain = ["shop.domain"]
infra = ["shop.infra"]

[[tool.auditor.contracts]]
id = "layered"
type = "layers"
layers = ["api", "domain"]

[[tool.auditor.contracts]]
id = "no-infra-in-domain"
type = "forbidden"
source_modules = ["shop.domain"]
forbidden_modules = ["shop.infra"]
"""

WEAKENED = PYPROJECT.replace(
    """
[[tool.auditor.contracts]]
id = "no-infra-in-domain"
type = "forbidden"
source_modules = ["shop.domain"]
forbidden_modules = ["shop.infra"]
""",
    """
[[tool.auditor.exceptions]]
contract = "layered"
import = "shop.domain.orders -> shop.api.views"
reason = "temporary"
""",
)
CLAUDE = [("Co-authored-by", "Claude <noreply@anthropic.com>")]
PERSON = ("Pat Person", "pat@example.com")


def run_check(path, capsys, *extra: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", str(path), "--base", "main", "--no-semgrep", "--no-cache", "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def repo(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/api/__init__.py": "",
         "shop/api/views.py": "X = 1\n", "shop/domain/__init__.py": "", "shop/infra/__init__.py": "",
         "shop/infra/db.py": "Y = 2\n", "shop/domain/models.py": "def f():\n    return 1\n"},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def weaken(repo: GitRepo, capsys, author=PERSON, trailers=()) -> None:
    """The one commit: violation + its exception, contract removed, nosemgrep, baseline grown."""
    files = {
        "shop/domain/legacy.py": "from shop.api import views\n",  # accepted in the baseline
        "shop/domain/models.py": "import subprocess\n\n\ndef f(cmd):\n"
        "    return subprocess.call(cmd, shell=True)  # nosemgrep\n",
        "shop/domain/orders.py": "from shop.api import views\nfrom shop.infra import db\n",
        "pyproject.toml": WEAKENED,  # the exception covers orders.py; the forbidden contract goes
    }
    repo.write(files)
    capsys.readouterr()
    assert main(["baseline", str(repo.path), "--no-semgrep", "--no-cache", "--reason", "legacy, later"]) == 0
    files["auditor-baseline.json"] = (repo.path / "auditor-baseline.json").read_text()
    repo.commit(files, "speed things up", author=author, trailers=trailers)


def guardrails(doc: dict) -> list[dict]:
    return [f for f in doc["findings"] if f["kind"] == "guardrail"]


def test_an_agent_weakening_the_guardrails_fails_with_errors(repo, capsys):
    weaken(repo, capsys, trailers=CLAUDE)
    code, doc = run_check(repo.path, capsys)
    found = guardrails(doc)
    rules = {f["rule"] for f in found}
    assert {
        "guardrail-exception-added",
        "guardrail-contract-removed",
        "guardrail-suppression-added",
        "guardrail-baseline-grown",
    } <= rules
    weakening = [f for f in found if f["rule"] != "guardrail-strengthened"]
    assert len(weakening) >= 4
    assert all(f["origin"] == "ai" and f["severity"] == "error" for f in weakening), weakening
    hidden = [f for f in doc["findings"] if f.get("suppressed_by")]
    assert any("shop.domain.orders" in (f["importer"] or "") and "added in this change" in f["suppressed_by"] for f in hidden)
    assert code == 1


def test_the_same_change_by_a_person_passes_with_warnings(repo, capsys):
    weaken(repo, capsys)
    code, doc = run_check(repo.path, capsys)
    weakening = [f for f in guardrails(doc) if f["rule"] != "guardrail-strengthened"]
    assert len(weakening) >= 4
    assert all(f["origin"] == "human" and f["severity"] == "warning" for f in weakening), weakening
    assert code == 0



def test_a_config_that_cannot_be_read_at_ref_is_one_line_and_exit_2(tmp_path, capsys):
    repo = GitRepo(tmp_path / "repo")
    files = {"shop/__init__.py": "", "shop/api/__init__.py": "", "shop/domain/__init__.py": "", "shop/infra/__init__.py": ""}
    repo.commit({**files, "pyproject.toml": PYPROJECT.replace("packs = []", "packs = [\n")}, "broken")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"pyproject.toml": PYPROJECT}, "fixed")
    capsys.readouterr()
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "error: pyproject.toml@main:6:2: cannot read the guardrails at main: invalid TOML" in err[0], err
    assert "Traceback" not in "\n".join(err)


def test_a_strengthening_change_is_info_and_passes(repo, capsys):
    stricter = PYPROJECT.replace('layers = ["api", "domain"]', 'layers = ["api", "domain"]\nseverity = "error"\n')
    stricter += '\n[[tool.auditor.contracts]]\nid = "no-api-in-infra"\ntype = "forbidden"\n'
    stricter += 'source_modules = ["shop.infra"]\nforbidden_modules = ["shop.api"]\n'
    repo.commit({"pyproject.toml": stricter}, "tighten", trailers=CLAUDE)
    code, doc = run_check(repo.path, capsys)
    found = guardrails(doc)
    assert [(f["rule"], f["severity"], f["origin"]) for f in found] == [("guardrail-strengthened", "info", "ai")]
    assert "no-api-in-infra" in found[0]["message"] and code == 0


def test_guardrail_findings_come_first_in_markdown_and_sarif(repo, capsys):
    weaken(repo, capsys, trailers=CLAUDE)
    capsys.readouterr()
    main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache", "--format", "markdown"])
    markdown = capsys.readouterr().out
    assert markdown.index("Guardrail changes") < markdown.index("Hidden by an exemption this change adds")
    assert "added in this change" in markdown
    main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache", "--format", "sarif"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    kinds = [r["properties"]["kind"] for r in results]
    assert kinds[0] == "guardrail" and kinds.index("contract") > max(i for i, k in enumerate(kinds) if k == "guardrail")
    hidden = [r for r in results if r.get("suppressions") and "added in this change" in r["suppressions"][0]["justification"]]
    assert hidden
    main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache"])
    text = capsys.readouterr().out
    assert text.index("guardrail-") < text.index("layered (contract") and "suppressed by: exception" in text


def test_hostile_text_in_a_guardrail_change_is_escaped(repo, capsys):
    hostile = WEAKENED.replace('reason = "temporary"', 'reason = "ok\\u001b[2J @everyone see https://evil.example"')
    repo.commit({"pyproject.toml": hostile, "shop/domain/orders.py": "from shop.api import views\n"}, "x")
    capsys.readouterr()
    main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache", "--format", "markdown"])
    markdown = capsys.readouterr().out
    assert "\x1b" not in markdown and "@everyone" not in markdown and "https://evil" not in markdown
    main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache"])
    assert "\x1b" not in capsys.readouterr().out


def test_deleting_the_whole_config_removes_every_contract(repo, capsys):
    repo.commit({"pyproject.toml": None}, "drop the config", trailers=CLAUDE)
    _code, doc = run_check(repo.path, capsys)
    removed = {f["message"].split("'")[1] for f in guardrails(doc) if f["rule"] == "guardrail-contract-removed"}
    assert removed == {"layered", "no-infra-in-domain"}
    assert all(f["origin"] == "ai" and f["severity"] == "error" for f in guardrails(doc) if f["rule"] == "guardrail-contract-removed")


def test_an_uncommitted_weakening_has_unknown_origin_and_is_a_warning(repo, capsys):
    repo.write({"pyproject.toml": WEAKENED, "shop/domain/orders.py": "from shop.api import views\n"})
    code, doc = run_check(repo.path, capsys)
    found = [f for f in guardrails(doc) if f["rule"] != "guardrail-strengthened"]
    assert {f["rule"] for f in found} == {"guardrail-exception-added", "guardrail-contract-removed"}
    assert all(f["origin"] == "unknown" and f["severity"] == "warning" for f in found), found
    assert code == 0


def test_refs_guardrails_are_read_once_per_commit_in_one_process(repo, capsys, monkeypatch):
    """A long-lived process (`auditor mcp`) reads REF's files once per commit: the same answer
    again without git, and a new commit on REF read afresh."""
    from auditor.pipeline import guardrail_check

    listed: list[str] = []
    real = guardrail_check._ref_files
    monkeypatch.setattr(guardrail_check, "_ref_files", lambda base: listed.append(base.commit) or real(base))
    weaken(repo, capsys, trailers=CLAUDE)
    first = guardrails(run_check(repo.path, capsys)[1])
    again = guardrails(run_check(repo.path, capsys)[1])
    assert first == again and len(listed) == 1
    repo.git("checkout", "-q", "main")
    repo.commit({"shop/api/views.py": "X = 2\n"}, "main moves on")
    repo.git("checkout", "-q", "feature")
    run_check(repo.path, capsys)
    assert len(listed) == 2 and listed[0] != listed[1]
