"""The HTML report in headless Chromium: no errors, numbers, sort, filter, expand, XSS, paging."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import launched, open_report, require_chromium
from html_sample import HOSTILE, XSS_IMG, XSS_SCRIPT, large_result, sample_result

from auditor.report.html import write_html

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched() as b:
        yield b


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from auditor.report import render

    out = tmp_path_factory.mktemp("report")
    result = sample_result()
    write_html(result, out / "index.html")
    (out / "report.json").write_text(render(result, "json"), encoding="utf-8")
    return out


def _column(page: Any, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "#findings-body tr", f"rows => rows.map(r => r.children[{index}].textContent.trim())"
    )


def test_page_loads_without_errors_or_requests(browser: Any, report_dir: Path) -> None:
    with open_report(report_dir / "index.html", browser) as s:
        assert s.problems() == []
        assert s.requests == [(report_dir / "index.html").resolve().as_uri()]
        assert s.page.locator("#findings-body tr").count() == 5
        assert s.page.locator("#filter-row").is_visible()


def test_breakdown_numbers_equal_report_json(browser: Any, report_dir: Path) -> None:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    files = report["attribution"]["files"].values()
    current = [f for f in report["findings"] if f["status"] != "fixed"]
    with open_report(report_dir / "index.html", browser) as s:
        for origin in ("ai", "human", "mixed", "unknown"):
            cell = s.page.locator(f'#origin-table [data-metric="lines-{origin}"]')
            assert int(cell.inner_text()) == sum(f[origin] for f in files)
            found = s.page.locator(f'#origin-table [data-metric="findings-{origin}"]').inner_text()
            assert int(found) == sum(1 for f in current if f["origin"] == origin)
            new = s.page.locator(f'#origin-table [data-metric="new-{origin}"]').inner_text()
            assert int(new) == sum(1 for f in current if f["origin"] == origin and f["status"] == "new")
        for agent, lines in report["attribution"]["by_agent"].items():
            row = s.page.locator(f'#agent-table tr[data-agent="{agent}"]')
            assert int(row.locator('[data-metric="lines"]').inner_text()) == lines
            assert int(row.locator('[data-metric="findings"]').inner_text()) == sum(
                1 for f in current if f["agent"] == agent
            )


def test_sorting_by_a_header_orders_the_rows(browser: Any, report_dir: Path) -> None:
    with open_report(report_dir / "index.html", browser) as s:
        header = s.page.locator('#findings-table th[data-sort="rule"] button')
        header.click()
        rules = _column(s.page, 3)
        assert rules == sorted(rules, key=str.lower) and len(rules) == 5
        assert s.page.locator('th[data-sort="rule"]').get_attribute("aria-sort") == "ascending"
        header.click()
        assert _column(s.page, 3) == sorted(rules, key=str.lower, reverse=True)
        s.page.locator('#findings-table th[data-sort="sev"] button').click()
        assert _column(s.page, 0)[:3] == ["error", "error", "error"]
        assert _column(s.page, 0)[-1] == "info"


def test_sorting_by_first_seen_puts_the_oldest_findings_first(browser: Any, report_dir: Path) -> None:
    with open_report(report_dir / "index.html", browser) as s:
        header = s.page.locator('#findings-table th[data-sort="seen"] button')
        assert header.inner_text() == "First seen"
        header.click()
        dates = _column(s.page, 9)
        assert dates == ["2025-06-30", "2025-12-01", "2026-01-11", "2026-01-12", "2026-01-12"]
        header.click()
        assert _column(s.page, 9) == sorted(dates, reverse=True)
        assert s.problems() == []


def test_filters_narrow_the_visible_rows(browser: Any, report_dir: Path) -> None:
    with open_report(report_dir / "index.html", browser) as s:
        s.page.locator('input[data-filter="loc"]').fill("shop/domain")
        locations = _column(s.page, 4)
        assert len(locations) == 2 and all("shop/domain" in loc for loc in locations)
        s.page.locator('input[data-filter="loc"]').fill("")
        s.page.locator('select[data-filter="origin"]').select_option("ai")
        assert _column(s.page, 2) == ["ai claude-code", "ai copilot"]
        s.page.locator('input[data-filter="agent"]').fill("copilot")
        assert len(_column(s.page, 2)) == 1
        s.page.locator("#q").fill("no such text anywhere")
        assert s.page.locator("#findings-body tr").count() == 0
        assert "no finding matches" in s.page.locator("#pager-info").inner_text()


def test_expanding_a_row_shows_its_chain_and_guidance(browser: Any, report_dir: Path) -> None:
    with open_report(report_dir / "index.html", browser) as s:
        row = s.page.locator("#findings-body tr", has_text="shop.domain.pricing imports")
        chain = row.locator("ol.chain")
        assert not chain.is_visible()
        row.locator("summary").click()
        assert chain.is_visible()
        assert chain.locator("li").all_inner_texts() == [
            "shop.domain.pricing → shop.services.orders line 3",
            "shop.services.orders → shop.api.serializers line 9",
        ]
        assert row.locator(".guidance").inner_text() == "Domain code must not know about HTTP."
        assert "Alice Example" in row.locator(".introduced").inner_text()


def test_hostile_strings_show_as_text_and_run_nothing(browser: Any, report_dir: Path) -> None:
    with open_report(report_dir / "index.html", browser) as s:
        page = s.page
        row = page.locator("#findings-body tr", has_text="hostile message")
        assert row.locator("summary").inner_text() == f"hostile message {HOSTILE}"
        row.locator("summary").click()  # the JS-built details: chain and snippet as text too
        assert row.locator("ol.chain li").inner_text().startswith(f"{XSS_IMG} → {XSS_SCRIPT}")
        assert XSS_IMG in row.locator("pre.snippet").inner_text()
        page.locator("#filter-row input[data-filter='owner']").fill("img")  # re-render through JS
        page.locator("#filter-row input[data-filter='owner']").fill("")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img").count() == 0
        assert page.locator("script").count() == 2
        assert s.dialogs == []
        assert s.problems() == []


def test_report_is_readable_without_javascript(browser: Any, report_dir: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((report_dir / "index.html").resolve().as_uri())
        assert page.locator("#findings-body tr").count() == 5
        assert not page.locator("#filter-row").is_visible()  # filters need the script
        row = page.locator("#findings-body tr", has_text="shop.domain.pricing imports")
        row.locator("summary").click()  # <details> expands without any script
        assert row.locator("ol.chain").is_visible()
        assert page.locator('#origin-table [data-metric="lines-ai"]').inner_text() == "70"
    finally:
        context.close()


@pytest.mark.slow
def test_ten_thousand_findings_are_paged(browser: Any, tmp_path: Path) -> None:
    write_html(large_result(), tmp_path / "index.html")
    with open_report(tmp_path / "index.html", browser) as s:
        page = s.page
        assert s.problems() == []
        assert page.locator("#findings-body tr").count() == 100
        assert page.locator("#pager-info").inner_text() == "1\u2013100 of 10000"
        page.locator("#next").click()
        assert page.locator("#pager-info").inner_text() == "101\u2013200 of 10000"
        assert page.locator("#findings-body tr").first.get_attribute("data-index") == "100"
        page.locator('input[data-filter="rule"]').fill("rule-07")
        rules = set(_column(page, 3))
        assert rules == {"rule-07"}
        assert "filtered from 10000" in page.locator("#pager-info").inner_text()
