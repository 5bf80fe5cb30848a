"""`auditor org report` over a history of three repositories with two runs each: org.json, and
the page in headless Chromium (PostgreSQL, and the same over a SQLite file)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import launched, open_report, require_chromium
from drift_samples import contract, security

from auditor.cli.main import main
from auditor.domain import Origin, Severity, Status
from auditor.domain.run import AttributionSummary, OriginCounts, RunInfo, RunResult
from auditor.domain.run_views import ModuleMetrics
from auditor.drift.history import History

HOSTILE_NAME = 'git.example.com/org/<img src=x onerror="alert(1)">'
NAMES = ("github.com/org/billing", "github.com/org/shop", HOSTILE_NAME)


def _run(day: int, findings: list, ai: int, human: int) -> RunResult:
    info = RunInfo(tool_version="0.1.0", root="r", commit=f"commit{day}", started_at=f"2026-11-{day:02d}T02:00:00+00:00")
    return RunResult(
        info=info,
        findings=tuple(findings),
        modules=(ModuleMetrics("app", 0, 0),),
        attribution=AttributionSummary(files={"app/x.py": OriginCounts(ai=ai, human=human)}),
    )


def record_three_repositories(location: str | Path) -> None:
    """billing: one new AI finding by claude-code; shop: got better; the hostile one: a
    persisting finding of @team-x and a guardrail finding."""
    ai = dict(origin=Origin.AI, agent="claude-code", model="claude-x")
    plans = {
        NAMES[0]: ([contract("b1", owner="@pay")], [contract("b1", owner="@pay", status=Status.PERSISTING),
                                                   security("b2", status=Status.NEW, **ai)]),
        NAMES[1]: ([contract("s1"), contract("s2", line=9)], [contract("s1", status=Status.PERSISTING)]),
        NAMES[2]: ([contract("h1", owner="@team-x")],
                   [contract("h1", owner="@team-x", status=Status.PERSISTING, severity=Severity.WARNING)]),
    }  # fmt: skip
    for n, (name, (first, second)) in enumerate(plans.items()):
        with History(location, repository=name) as history:
            history.record_run(_run(1 + n, first, ai=0, human=100))
            run_id = history.record_run(_run(10 + n, second, ai=500, human=500))
            if name == HOSTILE_NAME:  # a guardrail finding (kind written by the guardrail stage)
                with history.store.transaction() as tx:
                    tx.execute(
                        "INSERT INTO findings (run_id, fingerprint, rule, kind, severity, origin, status, first_seen)"
                        " VALUES (?, 'g1', 'guardrail-weakened', 'guardrail', 'error', 'human', 'new', 'x')",
                        (run_id,),
                    )


@pytest.fixture(params=["postgresql", "sqlite"])
def org_out(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    location = tmp_path / "h.sqlite" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    record_three_repositories(location)
    out = tmp_path / "org"
    assert main(["org", "report", "--history", str(location), "--out", str(out), "-q"]) == 0
    return out


def test_org_json_lists_three_repositories_with_two_runs_and_the_cross_repository_views(org_out):
    org = json.loads((org_out / "org.json").read_text(encoding="utf-8"))
    repos = {r["name"]: r for r in org["repositories"]}
    assert sorted(repos) == sorted(NAMES) and all(r["runs"] == 2 for r in repos.values())
    billing = repos[NAMES[0]]["last"]
    assert billing["commit"] == "commit10" and billing["date"].startswith("2026-11-10")
    assert billing["findings"]["by_status"] == {"new": 1, "persisting": 1}
    assert billing["findings"]["by_severity"] == {"error": 2}
    assert billing["ai_line_share"] == 0.5
    assert billing["drift_rate_by_origin"] == {"ai": 2.0, "human": 0.0, "mixed": None, "unknown": None}
    assert [p["open"] for p in repos[NAMES[1]]["trend"]] == [2, 1] and repos[NAMES[1]]["direction"] == "better"
    assert repos[NAMES[0]]["direction"] == "worse"
    assert org["drift_by_agent"] == {"claude-code": 1} and org["drift_by_model"] == {"claude-x": 1}
    assert org["open_by_owner"] == {"(no owner)": 2, "@arch-team": 1, "@pay": 1, "@team-x": 1}
    assert org["guardrail_changes"] == {"total": 1, "by_repository": {HOSTILE_NAME: 1}}
    assert [w["name"] for w in org["worst_drifting"]] == [HOSTILE_NAME, NAMES[0], NAMES[1]]
    assert "password" not in org["history"] and "***" not in org["history"]


def test_org_report_of_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["org", "report", "--history", str(tmp_path / "none.sqlite"), "--out", str(tmp_path / "o")]) == 2
    assert "no history there" in capsys.readouterr().err


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched() as b:
        yield b


@pytest.mark.browser
def test_the_org_page_shows_each_repository_offline_and_escaped(org_out, browser):
    org = json.loads((org_out / "org.json").read_text(encoding="utf-8"))
    with open_report(org_out / "index.html", browser) as session:
        page = session.page
        rows = page.eval_on_selector_all(
            "tr.repo", "rows => rows.map(r => [r.querySelector('.name').textContent, r.querySelector('.runs').textContent])"
        )
        assert sorted(rows) == sorted([r["name"], "2"] for r in org["repositories"])
        assert page.text_content("#repo-count") == "3"
        assert page.eval_on_selector_all("img", "imgs => imgs.length") == 0  # the hostile name is text
        csp = page.get_attribute("meta[http-equiv='Content-Security-Policy']", "content")
        assert csp.startswith("default-src 'none'; style-src 'sha256-") and "script-src 'sha256-" in csp
        assert session.problems() == []
        assert all(url.startswith("file://") for url in session.requests) and len(session.requests) == 1
    assert "&lt;img src=x" in (org_out / "index.html").read_text(encoding="utf-8")
