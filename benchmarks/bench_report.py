"""Benchmark: the HTML report for 10,000 findings and 5,000 modules.

Measures, for the shipped design (first N rows server-rendered, the rest paged from the JSON
data island) side by side with the alternative it was chosen over (every row server-rendered):
render time, HTML size, and in headless Chromium the time from navigation start to the load
event, to first contentful paint and to the findings table being painted by the script.
Target: load < 2 s. Prints medians over --repeats; no assertion.

    .venv/bin/python benchmarks/bench_report.py [--repeats 5] [--findings 10000] [--modules 5000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, launched  # noqa: E402
from html_sample import large_result  # noqa: E402

from auditor.domain.run import RunResult  # noqa: E402
from auditor.report.html import render_html  # noqa: E402

TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const table = performance.getEntriesByName('findings-rendered')[0];
  return {load: nav.loadEventEnd, fcp: fcp ? fcp.startTime : null, table: table ? table.startTime : null};
}"""


def measure_render(result: RunResult, server_rows: int, repeats: int) -> tuple[float, str]:
    times = []
    html = ""
    for _ in range(repeats):
        start = time.perf_counter()
        html = render_html(result, server_rows=server_rows)
        times.append(time.perf_counter() - start)
    return statistics.median(times), html


def measure_load(browser: Any, path: Path, repeats: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {"load": [], "fcp": [], "table": []}
    for _ in range(repeats):
        context = browser.new_context()
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_selector("html[data-ready='1']")
        page.wait_for_timeout(50)  # let the paint entries land
        timing = page.evaluate(TIMING_JS)
        for key in samples:
            if timing[key] is not None:
                samples[key].append(timing[key] / 1000)
        context.close()
    return {k: statistics.median(v) if v else float("nan") for k, v in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--modules", type=int, default=5_000)
    args = parser.parse_args()
    result = large_result(findings=args.findings, modules=args.modules)
    variants = {"paged (shipped)": 500, "all rows server-side": args.findings}
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        paths = {}
        for name, rows in variants.items():
            seconds, html = measure_render(result, rows, args.repeats)
            path = Path(tmp) / f"{rows}.html"
            path.write_text(html, encoding="utf-8")
            paths[name] = path
            figures[name] = {"render": seconds, "size_mb": len(html.encode("utf-8")) / 1e6}
        if CHROMIUM.exists():
            with launched() as browser:
                for name, path in paths.items():
                    figures[name].update(measure_load(browser, path, args.repeats))
        else:
            print(f"{CHROMIUM} missing: load times not measured", file=sys.stderr)
    print(f"HTML report, {args.findings} findings, {args.modules} modules, median of {args.repeats}")
    keys = ("render", "size_mb", "load", "fcp", "table")
    names = list(figures)
    print(f"{'metric':<12}" + "".join(f"{n:>24}" for n in names) + f"{'ratio':>10}")
    for key in keys:
        values = [figures[n].get(key, float("nan")) for n in names]
        unit = "MB" if key == "size_mb" else "s"
        cells = "".join(f"{v:>22.3f} {unit}" for v in values)
        ratio = values[1] / values[0] if values[0] else float("nan")
        print(f"{key:<12}{cells}{ratio:>9.2f}x")
    shipped = figures[names[0]].get("load", float("nan"))
    print(f"target: load < 2 s in Chromium -> {'met' if shipped < 2 else 'NOT met'} ({shipped:.3f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
