"""Benchmark: CPU seconds of parse_source over every .py file of a package, whole-file libcst
parse (the reference, `whole=True`) vs the fact skeleton (the default), in one process.

CPU time (time.process_time) rather than wall clock, so that a busy machine changes the figures
little; both paths run on the same files in alternating rounds, and the facts are compared.

    .venv/bin/python benchmarks/bench_parse.py [--repeats 3] [--site DIR --package NAME]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import realpkgs  # noqa: E402

from auditor.parse.source import parse_source, run_with_big_stack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--site", type=Path, help="the folder holding --package (default: Django 5.2)")
    parser.add_argument("--package", default="django")
    args = parser.parse_args()
    site = args.site or realpkgs.unpacked("django", "5.2")
    files = sorted((site / args.package).rglob("*.py"))
    sources = [(str(path), path.read_bytes()) for path in files]

    def one_pass(whole: bool) -> tuple[float, list[object]]:
        start = time.process_time()
        out = [parse_source(s, path=p, module="m", is_package=False, whole=whole) for p, s in sources]
        return time.process_time() - start, out

    def work() -> None:
        times: dict[bool, list[float]] = {True: [], False: []}
        same = True
        for _ in range(args.repeats):
            (whole_s, whole), (skeleton_s, skeleton) = one_pass(True), one_pass(False)
            times[True].append(whole_s)
            times[False].append(skeleton_s)
            same = same and whole == skeleton
        size = sum(len(s) for _, s in sources) / 1e6
        print(f"{args.package}: {len(sources)} files, {size:.1f} MB, {args.repeats} rounds, CPU s median (min-max)")
        for label, key in (("whole file (libcst)", True), ("fact skeleton", False)):
            samples = times[key]
            print(f"  {label:<22}{statistics.median(samples):8.2f} ({min(samples):.2f}-{max(samples):.2f})")
        print(f"  same facts: {same}")

    run_with_big_stack(work)


if __name__ == "__main__":
    main()
