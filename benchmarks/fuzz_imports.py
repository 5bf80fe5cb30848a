"""Fuzz parse_source with hypothesis: random import statements in random contexts (every import
must come back with its module, names, level, line and kind) and random Python-ish bytes (must
never raise). Not run in CI; prints a summary and exits 1 on the first counterexample.

    .venv/bin/python benchmarks/fuzz_imports.py --examples 10000 [--seed 0]
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from hostile.import_strategies import Expected, import_programs, pythonish_bytes  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from auditor.domain import AnalysisError, FileFacts  # noqa: E402
from auditor.parse.source import parse_source, run_with_big_stack  # noqa: E402


def _parse(source: bytes) -> FileFacts | AnalysisError:
    return run_with_big_stack(lambda: parse_source(source, path="fuzz.py", module="fuzz", is_package=False))


def _category(message: str) -> str:
    return re.sub(r"line \d+: ", "", message).split(":")[0][:60]


def fuzz(examples: int, chosen_seed: int) -> int:
    stats: collections.Counter[str] = collections.Counter()
    errors: collections.Counter[str] = collections.Counter()
    config = settings(
        max_examples=examples, deadline=None, database=None, derandomize=False,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip

    @seed(chosen_seed)
    @config
    @given(import_programs())
    def imports(program: tuple[bytes, list[Expected]]) -> None:
        source, expected = program
        facts = _parse(source)
        assert isinstance(facts, FileFacts), getattr(facts, "message", facts)
        got = [Expected(i.module, tuple(i.names), i.level, i.is_from, i.line, i.kind) for i in facts.imports]
        assert got == expected, (source, got, expected)
        stats["import programs"] += 1
        stats["imports checked"] += len(got)

    @seed(chosen_seed)
    @config
    @given(pythonish_bytes)
    def noise(source: bytes) -> None:
        result = _parse(source)  # any exception here is the bug we are looking for
        assert isinstance(result, (FileFacts, AnalysisError))
        stats["noise inputs"] += 1
        if isinstance(result, AnalysisError):
            assert result.message and "\n" not in result.message, result
            errors[_category(result.message)] += 1
        else:
            stats["noise parsed"] += 1

    failed = 0
    for name, test in (("imports", imports), ("noise", noise)):
        start = time.perf_counter()
        try:
            test()
        except Exception as exc:  # hypothesis re-raises the shrunk counterexample
            failed += 1
            print(f"{name}: COUNTEREXAMPLE: {type(exc).__name__}: {str(exc)[:2000]}")
        print(f"{name}: {time.perf_counter() - start:.1f}s")
    print(f"\nexamples: {stats['import programs']} import programs ({stats['imports checked']} imports), "
          f"{stats['noise inputs']} noise inputs ({stats['noise parsed']} parsed as valid Python)")  # fmt: skip
    print("noise rejected as:")
    for category, count in errors.most_common(12):
        print(f"  {count:6d}  {category}")
    print("result:", "FAILED" if failed else "no crash, every import exact")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="examples per strategy")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    raise SystemExit(fuzz(args.examples, args.seed))


if __name__ == "__main__":
    main()
