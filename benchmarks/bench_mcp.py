"""Benchmark: a warm `check` call through `auditor mcp` after an edit of one file, vs `lint-imports`.

Django 5.2 (tests/realpkgs.py) in a generated git repository with one layers contract (the same
for both tools, as in bench_premerge.py). The server starts once and is driven by the `mcp`
SDK's stdio client, as a coding agent drives it; one warm-up call fills the caches. Then each
round edits one module in the working tree (a function appended: one file changed against
`main`), leaves the tree alone for RACY_S seconds (files changed within 2 s of a run are
re-hashed: the racy-timestamp rule), and times the `check` call (`base: main`, `paths`: the
file) and one cached `lint-imports` run on the same tree. auditor runs without semgrep
(contracts only), as in the pre-merge benchmark. The goal: <= 1.0x lint-imports cached.

The edited module is Django's module of median size, then its largest (django/db/models/sql/
query.py, 2,800 lines), each for --rounds rounds; the edited file is re-parsed on every call,
so its size shows.

    .venv/bin/python benchmarks/bench_mcp.py --rounds 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

import anyio  # noqa: E402
from bench_premerge import RACY_S, git, make_repo  # noqa: E402
from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402
from timing import Command, run_once  # noqa: E402

BIN = Path(sys.executable).parent


def edited_files(work: Path) -> dict[str, str]:
    """{"median": path, "largest": path} among Django's modules (not packages), by size."""
    sized = sorted((p.stat().st_size, p.relative_to(work).as_posix()) for p in (work / "django").rglob("*.py"))
    modules = [rel for _, rel in sized if not rel.endswith("__init__.py")]
    return {"median-size module": modules[len(modules) // 2], "largest module": modules[-1]}


def edit(work: Path, rel: str, n: int) -> None:
    with (work / rel).open("a", encoding="utf-8") as fh:
        fh.write(f"\n\ndef _bench_added_{n}():\n    return {n}\n")


async def measure(work: Path, rounds: int, cache: Path) -> list[tuple[str, str, list[float], list[float]]]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    params = StdioServerParameters(
        command=str(BIN / "auditor"), args=["mcp", str(work), "--no-semgrep"], env=env, cwd=work
    )
    lint = [str(BIN / "lint-imports")]
    rows = []
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        for label, rel in edited_files(work).items():
            arguments = {"base": "main", "paths": [rel]}
            edit(work, rel, 0)
            for _ in range(2):  # warm: graph snapshot, base facts, both tools' caches
                await check(session, arguments)
                lint_once(lint, work)
            ours: list[float] = []
            theirs: list[float] = []
            for n in range(1, rounds + 1):
                edit(work, rel, n)
                time.sleep(RACY_S)
                start = time.perf_counter()
                await check(session, arguments)
                ours.append(time.perf_counter() - start)
                theirs.append(lint_once(lint, work))
            git(work, "checkout", "-q", "--", rel)
            rows.append((label, rel, ours, theirs))
    return rows


def lint_once(lint: list[str], work: Path) -> float:
    """Wall-clock seconds of one cached `lint-imports` run (exit 1 = a broken contract is fine)."""
    env = {**os.environ, "PYTHONPATH": str(work), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    return run_once(Command(lint, work, env, ok=(0, 1)))[0]


async def check(session: ClientSession, arguments: dict[str, Any]) -> None:
    result = await session.call_tool("check", arguments)
    if result.isError:
        raise SystemExit(f"check failed: {result.content[0].text}")  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-mcp-") as tmp:
        work = Path(tmp) / "repo"
        make_repo(work)
        rows = anyio.run(measure, work, args.rounds, Path(tmp) / "cache")
    print(f"Django 5.2, one layers contract, one file edited per round, {args.rounds} rounds (s)")
    print(f"{'edited file':<58} {'tool':<26} {'median':>7} {'min':>7} {'max':>7}  ratio")
    for label, rel, ours, theirs in rows:
        ratio = statistics.median(ours) / statistics.median(theirs)
        for name, times in (("auditor mcp: check (warm)", ours), ("lint-imports (cached)", theirs)):
            shown = f"{label}: {rel}" if name.startswith("auditor") else ""
            tail = f"  {ratio:.2f}x" if name.startswith("auditor") else ""
            print(
                f"{shown:<58} {name:<26} {statistics.median(times):>7.3f} {min(times):>7.3f} "
                f"{max(times):>7.3f}{tail}"
            )


if __name__ == "__main__":
    main()
