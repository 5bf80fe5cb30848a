"""Benchmark: `auditor graph` cold / warm / warm-after-one-edit vs `lint-imports` on Django 5.2.

Whole-process wall-clock medians, side by side in one run. Django 5.2 is downloaded once into
.cache/ by tests/realpkgs.py and copied into a temporary directory (so one file can be edited).
lint-imports checks an equivalent simple layers contract with its cache and with --no-cache.
Targets on a 2-core machine: warm <= 1.0x lint-imports (cached); cold <= 12x lint-imports
--no-cache.

    .venv/bin/python benchmarks/bench_graph.py --repeats 5 [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import realpkgs  # noqa: E402

IMPORTLINTER_INI = """[importlinter]
root_package = django

[importlinter:contract:layers]
name = django layers
type = layers
layers =
    django.contrib
    django.db
    django.core
    django.utils
"""
EDITED_FILE = Path("django") / "utils" / "text.py"


def run_once(cmd: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed


def median_of(repeats: int, before: Callable[[int], None], cmd: list[str], cwd: Path, env: dict[str, str],
              ok: tuple[int, ...] = (0,)) -> float:  # fmt: skip
    samples = []
    for n in range(repeats):
        before(n)
        samples.append(run_once(cmd, cwd, env, ok))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--jobs", type=int, default=None, help="auditor --jobs (default: all cores)")
    args = parser.parse_args()

    django_site = realpkgs.unpacked("django", "5.2")
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        raise SystemExit("lint-imports not found next to the interpreter; install import-linter")
    with tempfile.TemporaryDirectory(prefix="bench-graph-") as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        shutil.copytree(django_site / "django", site / "django")
        (site / ".importlinter").write_text(IMPORTLINTER_INI)
        cache = tmp / "auditor-cache"
        env = {**os.environ, "PYTHONPATH": str(site), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        auditor = [
            sys.executable,
            "-m",
            "auditor",
            "graph",
            str(site),
            "--package",
            "django",
            "-o",
            os.devnull,
        ]
        lint = [str(lint_imports), "--config", str(site / ".importlinter")]
        lint_ok = (0, 1)  # 1 = contract broken, which is fine for timing
        edited = site / EDITED_FILE
        original = edited.read_bytes()

        def nothing(n: int) -> None:
            return None

        def edit_one_file(n: int) -> None:
            edited.write_bytes(original + f"\n# benchmark edit {n} {time.time()}\n".encode())

        rows: list[tuple[str, float]] = []
        rows.append(
            (
                "auditor graph cold (--no-cache)",
                median_of(args.repeats, nothing, [*auditor, "--no-cache", *jobs], site, env),
            )
        )
        run_once([*auditor, "--cache-dir", str(cache), *jobs], site, env)  # prime
        rows.append(
            (
                "auditor graph warm (cache hit)",
                median_of(args.repeats, nothing, [*auditor, "--cache-dir", str(cache), *jobs], site, env),
            )
        )
        rows.append(
            (
                "auditor graph warm, one file edited",
                median_of(
                    args.repeats, edit_one_file, [*auditor, "--cache-dir", str(cache), *jobs], site, env
                ),
            )
        )
        edited.write_bytes(original)
        rows.append(
            (
                "lint-imports --no-cache",
                median_of(args.repeats, nothing, [*lint, "--no-cache"], site, env, lint_ok),
            )
        )
        run_once(lint, site, env, lint_ok)  # prime its cache
        rows.append(("lint-imports (cached)", median_of(args.repeats, nothing, lint, site, env, lint_ok)))  # fmt: skip

    times = dict(rows)
    li_cached, li_cold = times["lint-imports (cached)"], times["lint-imports --no-cache"]
    ratio_to = {
        "auditor graph cold (--no-cache)": ("lint-imports --no-cache", li_cold, 12.0),
        "auditor graph warm (cache hit)": ("lint-imports (cached)", li_cached, 1.0),
        "auditor graph warm, one file edited": ("lint-imports (cached)", li_cached, None),
    }
    cpu = platform.processor() or platform.machine()
    print(f"Django 5.2 ({sum(1 for _ in (django_site / 'django').rglob('*.py'))} .py files), "
          f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
          f"median of {args.repeats} whole-process runs")  # fmt: skip
    print(f"{'measurement':40} {'median s':>9}  {'ratio':>7}  vs")
    for name, seconds in rows:
        if name in ratio_to:
            peer, peer_s, target = ratio_to[name]
            goal = f" (target <= {target:g}x)" if target else ""
            print(f"{name:40} {seconds:9.3f}  {seconds / peer_s:6.2f}x  {peer}{goal}")
        else:
            print(f"{name:40} {seconds:9.3f}")


if __name__ == "__main__":
    main()
