"""The HTML report rendered without a browser: structure, escaping, CSP, offline-ness, numbers."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from html_sample import FLAG_SCRIPT, HOSTILE, XSS_IMG, XSS_SCRIPT, large_result, sample_result
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import UndefinedError

from auditor.domain.findings import ChainHop, Origin, Status
from auditor.domain.run import RunInfo, RunResult
from auditor.report.html import (
    content_security_policy,
    environment,
    json_for_script,
    render_html,
    sha256_source,
    write_html,
)
from auditor.report.html_view import build_view

VOID = {"meta", "link", "br", "input", "img", "hr", "col", "source", "wbr", "area", "base", "embed"}
SVG_SELF_CLOSING = {"line", "polyline", "circle", "rect", "path"}


class Page(HTMLParser):
    """Tags, attributes, script bodies and nesting errors of a rendered page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self._raw: str | None = None
        self._raw_attrs: dict[str, str | None] = {}
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._raw, self._raw_attrs = "", dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID | SVG_SELF_CLOSING:
            self.problems.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw is not None:
            if tag == "script":
                self.scripts.append((self._raw_attrs, self._raw))
            else:
                self.styles.append(self._raw)
            self._raw = None
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._raw += data
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def sample_html() -> str:
    return render_html(sample_result())


@pytest.fixture(scope="module")
def page(sample_html: str) -> Page:
    return Page(sample_html)


def test_page_is_well_formed(page: Page) -> None:
    assert page.problems == []
    assert [t for t, _ in page.tags[:1]] == ["html"]
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for section in ("verdict", "breakdown", "trends", "findings", "architecture", "surfaces", "health"):
        assert section in ids


def test_csp_allows_exactly_the_inline_script_and_style_by_hash(page: Page) -> None:
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    csp = metas[0]["content"] or ""
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    executable = [body for attrs, body in page.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 1
    assert directives["script-src"] == f"'{sha256_source(executable[0])}'"
    assert len(page.styles) == 1
    assert directives["style-src"] == f"'{sha256_source(page.styles[0])}'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_no_external_resource_of_any_kind(sample_html: str, page: Page) -> None:
    assert not re.search(r"https?://", sample_html)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?//""", sample_html)
    for tag, attrs in page.tags:
        assert "src" not in attrs, f"<{tag} src=...> would load something"
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or href == "data:,", href
        for name, value in attrs.items():
            if value and "url(" in value:
                assert re.fullmatch(r"url\(#[\w-]+\)", value), (name, value)
    assert "@import" not in page.styles[0] and "url(" not in page.styles[0]


def test_hostile_strings_are_text_everywhere(sample_html: str, page: Page) -> None:
    assert XSS_SCRIPT not in sample_html
    assert XSS_IMG not in sample_html
    assert FLAG_SCRIPT not in sample_html
    assert [t for t, _ in page.tags if t == "img"] == []
    assert len(page.scripts) == 2  # the JSON island and the report's own script, nothing injected
    visible = "".join(page.text)
    assert f"hostile message {HOSTILE}" in visible  # shown as text, decoded by the parser
    assert XSS_IMG in visible  # owner column, graph node label


def test_data_island_round_trips_hostile_strings(page: Page) -> None:
    (island,) = [body for attrs, body in page.scripts if attrs.get("id") == "data"]
    assert "<" not in island and ">" not in island and "&" not in island
    assert "\u2028" not in island and "\u2029" not in island
    data = json.loads(island)
    hostile = [f for f in data["findings"] if f["msg"].startswith("hostile")]
    assert hostile[0]["msg"] == f"hostile message {HOSTILE}"
    assert "\u2028" in hostile[0]["snippet"]
    assert hostile[0]["chain"] == [[XSS_IMG, XSS_SCRIPT, 2]]


@given(
    st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8)
)
def test_json_for_script_is_inert_and_lossless(value: object) -> None:
    text = json_for_script(value)
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == value


def test_breakdown_numbers_match_report_json(page: Page) -> None:
    from auditor.report import render

    result = sample_result()
    report = json.loads(render(result, "json"))
    metrics = {a["data-metric"]: a for t, a in page.tags if a.get("data-metric")}
    assert metrics  # the cells exist
    expected = _expected_breakdown(report)
    shown = _shown_metrics(render_html(result))
    for key, value in expected.items():
        assert shown[key] == value, key


def _expected_breakdown(report: dict) -> dict[str, str]:
    """What the breakdown must show, computed from report.json alone."""
    lines = {
        o: sum(f[o] for f in report["attribution"]["files"].values())
        for o in ("ai", "human", "mixed", "unknown")
    }
    current = [f for f in report["findings"] if f["status"] != "fixed"]
    out = {"lines-total": str(sum(lines.values()))}
    for o, n in lines.items():
        found = sum(1 for f in current if f["origin"] == o)
        out[f"lines-{o}"] = str(n)
        out[f"findings-{o}"] = str(found)
        out[f"new-{o}"] = str(sum(1 for f in current if f["origin"] == o and f["status"] == "new"))
        out[f"rate-{o}"] = f"{found * 1000 / n:.2f}" if n else "-"
    return out


def _shown_metrics(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-metric="([a-z]+-[a-z]+)">([^<]*)<', html))


def test_verdict_counts_statuses_and_previous_run(page: Page, sample_html: str) -> None:
    shown = _shown_metrics(sample_html)
    assert (
        shown["verdict-new"],
        shown["verdict-fixed"],
        shown["verdict-persisting"],
        shown["verdict-baselined"],
    ) == (
        "3",
        "1",
        "1",
        "1",
    )
    # the history's last point is this run (same start time): compare with the one before (3 findings)
    assert 'data-metric="verdict-delta">+2<' in sample_html
    assert "semgrep: timed out after 1800 s" in sample_html


def test_clean_run_says_the_architecture_held(tmp_path: Path) -> None:
    result = RunResult(info=RunInfo(tool_version="0.1.0", root="tidy"))
    out = tmp_path / "report" / "index.html"
    write_html(result, out)
    html = out.read_text(encoding="utf-8")
    assert html.count("No findings — the architecture held.") == 2  # verdict and findings section
    assert 'id="findings-table"' not in html
    assert Page(html).problems == []
    assert list(out.parent.iterdir()) == [out]  # no temp file left behind


def test_large_run_renders_first_rows_and_carries_all_in_the_data_island() -> None:
    result = large_result(findings=1200, modules=300)
    html = render_html(result, server_rows=200)
    page = Page(html)
    rows = [a for t, a in page.tags if t == "tr" and a.get("data-fp")]
    assert len(rows) == 200
    (island,) = [body for attrs, body in page.scripts if attrs.get("id") == "data"]
    data = json.loads(island)
    assert len(data["findings"]) == 1200
    assert [r["data-index"] for r in rows] == [str(i) for i in range(200)]
    assert "Showing the first 200 of 1200 findings" in html  # inside <noscript>


def test_fixed_findings_stay_out_of_the_table_but_count_in_the_verdict() -> None:
    result = sample_result()
    gone = dataclasses.replace(result.findings[0], status=Status.FIXED)
    view = build_view(dataclasses.replace(result, findings=(*result.findings[1:], gone)))
    assert view.verdict.fixed == len(result.fixed) + 1
    assert all(r.fingerprint != gone.fingerprint for r in view.findings.rows)
    assert view.breakdown.origins[0].key == Origin.AI.value


def test_rows_are_ordered_new_first_then_by_severity() -> None:
    view = build_view(sample_result())
    statuses = [r.status for r in view.findings.rows]
    assert statuses == sorted(statuses, key=["new", "persisting", "baselined"].index)
    new = [r.severity for r in view.findings.rows if r.status == "new"]
    assert new == sorted(new, key=["error", "warning", "info"].index)


def test_environment_escapes_and_rejects_undefined_names(tmp_path: Path) -> None:
    (tmp_path / "t.html.j2").write_text("<p>{{ value }}</p>{{ missing }}", encoding="utf-8")
    env = environment(tmp_path)
    with pytest.raises(UndefinedError):
        env.get_template("t.html.j2").render(value="x")
    (tmp_path / "u.html.j2").write_text("<p>{{ value }}</p>", encoding="utf-8")
    assert env.get_template("u.html.j2").render(value="<b>") == "<p>&lt;b&gt;</p>"


def test_csp_is_built_from_the_exact_blocks() -> None:
    csp = content_security_policy("a{}", "1;")
    assert f"style-src '{sha256_source('a{}')}'" in csp
    assert f"script-src '{sha256_source('1;')}'" in csp
    # known vector: sha256("") in base64
    assert sha256_source("") == "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def test_trend_axis_shows_dates_with_the_commit_in_a_title(sample_html: str) -> None:
    chart = build_view(sample_result()).trends.by_origin
    assert chart is not None
    assert [t.label for t in chart.x_ticks] == ["2026-01-10", "2026-01-11", "2026-01-12"]
    assert [t.title for t in chart.x_ticks] == ["commit 1111111", "commit 2222222", "commit 3333333"]
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]*)<title>([^<]*)</title></text>', sample_html)
    assert ("2026-01-10", "commit 1111111") in ticks
    assert not re.search(r'<text class="tick"[^>]*>[0-9a-f]{7}<', sample_html), "a commit as a label"


def test_runs_on_one_day_are_told_apart_by_their_time() -> None:
    from auditor.domain.run_views import HistoryPoint

    history = (
        HistoryPoint(1, "2026-03-02T02:00:00Z", "a" * 40, {}, {"ai": 1}, 1),
        HistoryPoint(2, "2026-03-02T14:30:00Z", None, {}, {"ai": 2}, 2),
        HistoryPoint(3, "2026-03-03T02:00:00Z", "c" * 40, {}, {"ai": 2}, 2),
    )
    result = RunResult(
        info=RunInfo(tool_version="0.1.0", root="r", commit="c" * 40, started_at="2026-03-03T02:00:00Z"),
        history=history,
    )
    chart = build_view(result).trends.by_origin
    assert chart is not None
    assert [(t.label, t.title) for t in chart.x_ticks] == [
        ("2026-03-02 02:00", "commit aaaaaaa"),
        ("2026-03-02 14:30", "run 2, no commit"),
        ("2026-03-03 02:00", "commit ccccccc"),
    ]


def test_findings_table_has_a_sortable_first_seen_column(page: Page, sample_html: str) -> None:
    headers = [a.get("data-sort") for t, a in page.tags if t == "th" and a.get("data-sort")]
    assert headers[-1] == "seen"
    assert re.search(
        r'<th scope="col" data-sort="seen"><button type="button">First seen</button></th>', sample_html
    )
    cells = re.findall(r'<td class="seen">([^<]*)</td>', sample_html)
    assert sorted(cells) == ["2025-06-30", "2025-12-01", "2026-01-11", "2026-01-12", "2026-01-12"]
    (island,) = [body for attrs, body in page.scripts if attrs.get("id") == "data"]
    rows = json.loads(island)["findings"]
    assert sorted(r["seen"] for r in rows) == sorted(cells)


def test_first_seen_is_in_report_json_and_reads_back() -> None:
    from auditor.report import render
    from auditor.report.writers.jsonreport import read_json_report

    result = sample_result()
    text = render(result, "json")
    report = json.loads(text)
    assert {f["path"]: f["first_seen"] for f in report["findings"]}["shop/domain/legacy.py"] == "2025-06-30"
    assert [f["first_seen"] for f in report["fixed"]] == [None]
    loaded = read_json_report(text)
    assert sorted(f.first_seen or "" for f in loaded.findings) == sorted(
        f.first_seen or "" for f in result.findings
    )


def test_rendering_is_deterministic() -> None:
    assert render_html(sample_result()) == render_html(sample_result())


def _hostile_everywhere() -> RunResult:
    """Every string field the report shows, replaced by markup (and one lone surrogate)."""
    from auditor.domain.code import AnalysisError
    from auditor.domain.run import AttributionSummary, OriginCounts, RuleHealth
    from auditor.domain.run_views import ApiChange, HistoryPoint, ModuleMetrics, PackageEdge

    h = HOSTILE
    base = sample_result()
    findings = tuple(
        dataclasses.replace(
            f,
            rule=h,
            message=h + "\udcff",
            path=h,
            owner=h,
            agent=h,
            model=h,
            author=h,
            commit=h,
            layers=(h,),
            surfaces=(h,),
            suppressed_by=h,
            guidance=h,
            cwe=(h,),
            snippet=h,
            first_seen=h,
        )
        for f in base.findings
    )
    return dataclasses.replace(
        base,
        info=RunInfo(
            tool_version=h,
            root=h,
            commit=h,
            branch=h,
            base=h,
            started_at=h,
            incomplete=True,
            incomplete_reasons=(h,),
            packs=((h, h),),
            warnings=(h,),
        ),
        findings=findings,
        errors=(AnalysisError(h, h),),
        attribution=AttributionSummary(
            files={h: OriginCounts(ai=3, human=1)}, by_agent={h: 3}, by_model={h: 3}, warnings=(h,)
        ),
        modules=(ModuleMetrics(h, 1, 1, layer=h), ModuleMetrics("b", 1, 1, layer="x")),
        package_edges=(PackageEdge(h, "b", 2, violating=True), PackageEdge("b", h, 1)),
        cycles=((ChainHop(h, "b", 1), ChainHop("b", h, 2)),),
        history=(
            HistoryPoint(1, h, h, {h: 1}, {"ai": 1}, 1),
            HistoryPoint(2, h + "2", h, {h: 2}, {"ai": 2}, 2),
        ),
        api_changes=(ApiChange(h, h, h, h, h, h, h, h, 3),),
        health=RuleHealth((h,), (h,), (h,), (h,), ((h, h),)),
        layers={h: (h,), "x": ("b",)},
        layer_rows=((h,), ("x",)),
    )


def test_every_string_from_the_repository_is_escaped(tmp_path: Path) -> None:
    result = _hostile_everywhere()
    html = render_html(result)
    page = Page(html)
    assert page.problems == []
    assert [t for t, _ in page.tags if t in ("img", "iframe", "object", "embed")] == []
    assert len(page.scripts) == 2
    assert all(not k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert XSS_SCRIPT not in html and XSS_IMG not in html
    visible = "".join(page.text)
    assert visible.count(XSS_IMG) > 20  # shown as text all over the page
    write_html(result, tmp_path / "index.html")  # the lone surrogate is replaced, not an error
    written = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;?" in written and "\udcff" not in written


def test_lines_and_findings_without_a_marker_are_shown_as_such() -> None:
    from auditor.domain.run import OriginCounts

    result = sample_result()
    files = dict(result.attribution.files)
    path = next(iter(files))
    files[path] = dataclasses.replace(files[path], unmarked=files[path].human)
    attribution = dataclasses.replace(result.attribution, files=files)
    first = dataclasses.replace(result.findings[0], origin=Origin.HUMAN, agent=None, evidence="default")
    result = dataclasses.replace(result, attribution=attribution, findings=(first, *result.findings[1:]))
    text = render_html(result)
    totals = result.attribution.totals
    assert isinstance(totals, OriginCounts) and totals.unmarked
    assert f'<p id="unmarked-lines">{totals.unmarked} of {totals.total} lines' in text
    assert '<span class="evidence">no marker</span>' in text
    (island,) = [body for attrs, body in Page(text).scripts if attrs.get("id") == "data"]
    assert [f.get("ev") for f in json.loads(island)["findings"]].count("default") == 1
