"""Benchmark: the organisation report over a PostgreSQL history of 1,000 runs of 100 repositories.

Starts a throwaway PostgreSQL cluster (tests/pgserver.py: initdb + pg_ctl on a private port;
or uses --url), records RUNS runs spread over REPOS repositories (each run FINDINGS findings
of mixed kinds, origins, agents and owners, and MODULES modules with attributed lines) through
auditor's own History.record_run, then times, as whole processes, `auditor org report` (goal
< 5 s), and in headless Chromium the load of the page it writes (navigation start to the load
event; goal < 2 s). Prints median, min and max over --repeats; no assertion.

    .venv/bin/python benchmarks/bench_org.py [--runs 1000] [--repos 100] [--repeats 5] [--url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, launched  # noqa: E402

from auditor.domain import Finding, FindingKind, Origin, Severity, Status  # noqa: E402
from auditor.domain.run import AttributionSummary, OriginCounts, RunInfo, RunResult  # noqa: E402
from auditor.domain.run_views import ModuleMetrics  # noqa: E402
from auditor.drift.history import History  # noqa: E402

AGENTS = [(None, None), ("claude-code", "claude-sonnet-4"), ("codex", "gpt-5-codex"), ("cursor", "cursor-fast")]
OWNERS = ["@arch-team", "@payments", "@search", "@platform", None]
STATUSES = [Status.NEW, Status.PERSISTING, Status.PERSISTING, Status.BASELINED]


def synthetic_run(rng: random.Random, repo: int, n: int, findings: int, modules: int) -> RunResult:
    day = 1 + n % 28
    items = []
    for i in range(findings):
        agent, model = rng.choice(AGENTS)
        kind = rng.choice([FindingKind.CONTRACT, FindingKind.CONTRACT, FindingKind.SECURITY])
        items.append(Finding(
            fingerprint=f"r{repo}-f{(i + n) % (findings * 2)}", rule=f"rule-{i % 7}", kind=kind,
            severity=rng.choice(list(Severity)), message=f"finding {i} of repo {repo}",
            path=f"pkg/m{i % modules}.py", line=1 + i, status=rng.choice(STATUSES),
            origin=Origin.AI if agent else rng.choice([Origin.HUMAN, Origin.UNKNOWN]),
            agent=agent, model=model, owner=rng.choice(OWNERS),
        ))  # fmt: skip
    files = {f"pkg/m{m}.py": OriginCounts(ai=rng.randint(0, 200), human=rng.randint(0, 400)) for m in range(modules)}
    info = RunInfo(
        tool_version="bench", root=f"repo{repo}", commit=f"{repo:04d}{n:06d}",
        started_at=f"2026-10-{day:02d}T02:{n % 60:02d}:{repo % 60:02d}+00:00",
    )  # fmt: skip
    return RunResult(
        info=info,
        findings=tuple(items),
        modules=tuple(ModuleMetrics(f"pkg.m{m}", m % 5, m % 3) for m in range(modules)),
        attribution=AttributionSummary(files=files),
    )


def record(url: str, runs: int, repos: int, findings: int, modules: int) -> float:
    """Seconds to record every run, each as a CI job would: connect, record, disconnect."""
    rng = random.Random(18)
    started = time.perf_counter()
    for n in range(runs):
        repo = n % repos
        with History(url, repository=f"github.com/bench-org/service-{repo:03d}") as history:
            history.record_run(synthetic_run(rng, repo, n // repos, findings, modules))
    return time.perf_counter() - started


def time_report(url: str, out: Path, repeats: int) -> list[float]:
    times = []
    env = {**os.environ}
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "auditor", "org", "report", "--history", url, "--out", str(out), "-q"],
            check=True, env=env,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    return times


def time_page(page_file: Path, repeats: int) -> list[float]:
    times = []
    with launched() as browser:
        for _ in range(repeats):
            context = browser.new_context()
            page = context.new_page()
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            page.wait_for_selector("html[data-ready='1']")
            load = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
            times.append(load / 1000)
            context.close()
    return times


def _line(name: str, values: list[float], goal: float) -> str:
    med = statistics.median(values)
    verdict = "met" if med < goal else "MISSED"
    return f"{name:<34} median {med:7.3f} s  min {min(values):7.3f}  max {max(values):7.3f}  goal < {goal:g} s: {verdict}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repos", type=int, default=100)
    parser.add_argument("--findings", type=int, default=40, help="findings per run")
    parser.add_argument("--modules", type=int, default=20, help="modules per run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--url", help="an empty PostgreSQL database to use (default: a throwaway cluster)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    cluster = None
    url = args.url
    if url is None:
        import pgserver

        try:
            cluster = pgserver.start_cluster()
        except BaseException as exc:  # pytest.skip outside pytest
            print(f"no PostgreSQL server: {exc}")
            return 2
        os.environ["AUDITOR_HISTORY_PASSWORD"] = pgserver.PASSWORD
        url = pgserver.create_database(cluster, "bench_org")
    try:
        seconds = record(url, args.runs, args.repos, args.findings, args.modules)
        print(f"recorded {args.runs} runs of {args.repos} repositories ({args.findings} findings, "
              f"{args.modules} modules each) in {seconds:.1f} s ({args.runs / seconds:.0f} runs/s)")  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="bench-org-") as tmp:
            out = Path(tmp) / "org"
            report = time_report(url, out, args.repeats)
            size = (out / "index.html").stat().st_size
            print(_line("auditor org report (process)", report, 5.0))
            print(f"index.html {size / 1024:.0f} KiB, org.json {(out / 'org.json').stat().st_size / 1024:.0f} KiB")
            if CHROMIUM.exists():
                print(_line("page load in Chromium", time_page(out / "index.html", args.repeats), 2.0))
            else:
                print(f"page load: skipped ({CHROMIUM} missing)")
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
