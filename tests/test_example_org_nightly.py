"""examples/github-actions/org-nightly.yml: a matrix of audits into one PostgreSQL history,
then one organisation report job."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[1] / "examples" / "github-actions" / "org-nightly.yml"


def _step(job: dict, name: str) -> dict:
    (step,) = [s for s in job["steps"] if s.get("name") == name]
    return step


def test_the_org_nightly_workflow_fans_out_audits_into_one_database_then_reports():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    audit, report = flow["jobs"]["audit"], flow["jobs"]["org-report"]

    repositories = audit["strategy"]["matrix"]["repository"]
    assert len(repositories) >= 2 and all("/" in r for r in repositories)
    assert audit["strategy"]["fail-fast"] is False
    checkout = next(s for s in audit["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["repository"] == "${{ matrix.repository }}" and checkout["with"]["fetch-depth"] == 0

    history = "${{ vars.AUDITOR_HISTORY_URL }}"
    run = _step(audit, "Audit into the shared history")["run"]
    assert run.startswith("auditor audit ") and f'--history "{history}"' in run
    assert "[postgres]" in _step(audit, "Install auditor with the PostgreSQL driver")["run"]
    for job in (audit, report):  # the password comes from a secret, through the environment
        assert job["env"]["AUDITOR_HISTORY_PASSWORD"] == "${{ secrets.AUDITOR_HISTORY_PASSWORD }}"
    assert "secrets" not in run and "PASSWORD" not in history

    assert report["needs"] == "audit" and report["if"] == "always()"
    org = _step(report, "Organisation report")["run"]
    assert org.startswith("auditor org report ") and f'--history "{history}"' in org and "--out org-report" in org
    upload = _step(report, "Upload organisation report")
    assert upload["with"]["path"] == "org-report/"
