"""Benchmark: CPU seconds of parsing every .py file of a package, in one process: the graph
facts from the whole-file libcst parse (the reference, `whole=True`) vs from the import
skeleton (parse_source, what a cold run does), the definitions skeleton (parse_definitions, on
demand), and CPython's `ast.parse` alone (the floor under both skeletons).

CPU time (time.process_time) rather than wall clock, so that a busy machine changes the figures
little; both paths run on the same files in alternating rounds, and the facts are compared.

    .venv/bin/python benchmarks/bench_parse.py [--repeats 3] [--site DIR --package NAME]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import realpkgs  # noqa: E402

from auditor.parse.source import parse_definitions, parse_source, run_with_big_stack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--site", type=Path, help="the folder holding --package (default: Django 5.2)")
    parser.add_argument("--package", default="django")
    args = parser.parse_args()
    site = args.site or realpkgs.unpacked("django", "5.2")
    files = sorted((site / args.package).rglob("*.py"))
    sources = [(str(path), path.read_bytes()) for path in files]

    def graph_facts(whole: bool) -> list[object]:
        return [parse_source(s, path=p, module="m", is_package=False, whole=whole) for p, s in sources]

    def definitions() -> list[object]:
        return [parse_definitions(s, path=p) for p, s in sources]

    def ast_only() -> list[object]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [ast.parse(s) and None for _, s in sources]  # each tree dropped, as parse_source does

    passes: dict[str, Callable[[], list[object]]] = {
        "whole file (libcst)": lambda: graph_facts(True),
        "import skeleton": lambda: graph_facts(False),
        "definitions skeleton": definitions,
        "ast.parse alone": ast_only,
    }

    def work() -> None:
        times: dict[str, list[float]] = {label: [] for label in passes}
        same = True
        for _ in range(args.repeats):
            results = {}
            for label, one in passes.items():
                start = time.process_time()
                results[label] = one()
                times[label].append(time.process_time() - start)
            same = same and results["whole file (libcst)"] == results["import skeleton"]
        size = sum(len(s) for _, s in sources) / 1e6
        print(f"{args.package}: {len(sources)} files, {size:.1f} MB, {args.repeats} rounds, CPU s median (min-max)")
        for label, samples in times.items():
            print(f"  {label:<22}{statistics.median(samples):8.2f} ({min(samples):.2f}-{max(samples):.2f})")
        print(f"  same graph facts (whole file, import skeleton): {same}")

    run_with_big_stack(work)


if __name__ == "__main__":
    main()
