"""`auditor demo`: two audits across the demo history, one report, opened in Chromium."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from browser import open_report, require_chromium

from auditor.cli.main import main


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo-out")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["demo", "--out", str(out), "--no-semgrep", "-q"])
    assert code == 0
    return out, stdout.getvalue()


def test_demo_prints_the_report_path_and_writes_the_report(demo_out: tuple[Path, str]) -> None:
    out, printed = demo_out
    report = out / "report" / "index.html"
    assert printed.strip() == str(report)
    assert {p.name for p in report.parent.iterdir()} >= {"index.html", "report.json", "report.sarif"}
    assert (out / "shop" / ".git").is_dir()


def test_demo_report_has_two_runs_and_ai_findings(demo_out: tuple[Path, str]) -> None:
    out, _ = demo_out
    report = json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))
    html = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert len(report["history"]) >= 1  # the first audit, recorded before the second
    assert "Findings by origin" in html and "2 runs" in html
    statuses = {f["status"] for f in report["findings"]}
    assert "new" in statuses and "persisting" in statuses
    assert report["fixed"], "the human auth -> api import is fixed between the two audits"
    by_rule = {(f["rule"], f["path"]): f for f in report["findings"]}
    pricing = by_rule[("layered", "shop/domain/pricing.py")]
    assert (pricing["origin"], pricing["agent"]) == ("ai", "claude-code")
    reports = by_rule[("only-db-uses-sqlalchemy", "shop/services/reports.py")]
    assert (reports["origin"], reports["agent"]) == ("ai", "copilot")
    agents = set(report["attribution"]["by_agent"])
    assert {"claude-code", "copilot", "aider", "cursor"} <= agents


def test_demo_is_deterministic_apart_from_run_times(demo_out: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = demo_out
    assert main(["demo", "--out", str(tmp_path), "--no-semgrep", "-q"]) == 0

    def stable(path: Path) -> dict:
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in ("run", "history"):
            data.pop(key)
        return data

    assert stable(tmp_path / "report" / "report.json") == stable(out / "report" / "report.json")


@pytest.mark.browser
def test_demo_report_in_chromium_matches_report_json(demo_out: tuple[Path, str]) -> None:
    require_chromium()
    out, _ = demo_out
    report = json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))
    files = report["attribution"]["files"].values()
    current = [f for f in report["findings"] if f["status"] != "fixed"]
    with open_report(out / "report" / "index.html") as s:
        assert s.problems() == []
        for origin in ("ai", "human", "mixed", "unknown"):
            lines = s.page.locator(f'#origin-table [data-metric="lines-{origin}"]').inner_text()
            assert int(lines) == sum(f[origin] for f in files)
            found = s.page.locator(f'#origin-table [data-metric="findings-{origin}"]').inner_text()
            assert int(found) == sum(1 for f in current if f["origin"] == origin)
        assert s.page.locator("#findings-body tr").count() == len(current)
        assert re.search(r"\d", s.page.locator("#trends figure").first.inner_text())
