"""Benchmark: `auditor graph` cold / warm / warm-after-one-edit vs `lint-imports` on Django 5.2.

Whole-process wall-clock medians with min and max, in interleaved rounds (benchmarks/timing.py),
side by side in one run; import-linter's cache folder is deleted before each of its cold runs.
Django 5.2 is downloaded once into .cache/ by tests/realpkgs.py and copied into a temporary
directory (so one file can be edited).
lint-imports checks an equivalent simple layers contract with its cache and with --no-cache.
Targets on a 2-core machine: warm <= 1.0x lint-imports (cached).

    .venv/bin/python benchmarks/bench_graph.py --repeats 5 [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

import realpkgs  # noqa: E402
import timing  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="rounds (median, min, max)")
    parser.add_argument("--jobs", type=int, default=None, help="auditor --jobs (default: all cores)")
    args = parser.parse_args()

    django_site = realpkgs.unpacked("django", "5.2")
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        raise SystemExit("lint-imports not found next to the interpreter; install import-linter")
    with tempfile.TemporaryDirectory(prefix="bench-graph-") as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        shutil.copytree(django_site / "django", site / "django", ignore=shutil.ignore_patterns("__pycache__"))
        (site / ".importlinter").write_text(IMPORTLINTER_INI)
        cache = tmp / "auditor-cache"
        env = {**os.environ, "PYTHONPATH": str(site), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        auditor = [sys.executable, "-m", "auditor", "graph", str(site), "--package", "django", "-o", os.devnull]
        lint = [str(lint_imports), "--config", str(site / ".importlinter")]
        lint_ok = (0, 1)  # 1 = contract broken, which is fine for timing
        peer_cache = site / ".import_linter_cache"  # import-linter's cache folder, in its cwd
        edited = site / EDITED_FILE
        original = edited.read_bytes()

        def edit_one_file(n: int) -> None:
            edited.write_bytes(original + f"\n# benchmark edit {n} {time.time()}\n".encode())

        cold = {
            "auditor graph cold (--no-cache)": timing.Command([*auditor, "--no-cache", *jobs], site, env),
            "lint-imports --no-cache": timing.Command(
                [*lint, "--no-cache"], site, env, lint_ok, timing.removing(peer_cache)
            ),
        }
        warm = {
            "auditor graph warm (cache hit)": timing.Command([*auditor, "--cache-dir", str(cache), *jobs], site, env),
            "lint-imports (cached)": timing.Command(lint, site, env, lint_ok),
        }
        edit = {
            "auditor graph warm, one file edited": timing.Command(
                [*auditor, "--cache-dir", str(cache), *jobs], site, env, before=edit_one_file
            ),
            "lint-imports (cached)": timing.Command(lint, site, env, lint_ok),
        }
        times = timing.rounds(cold, args.repeats)
        timing.rounds(warm, 1)  # prime both caches
        assert peer_cache.is_dir(), "import-linter wrote no cache where the cold runs clear it"
        times |= timing.rounds(warm, args.repeats)
        edited_runs = timing.rounds(edit, args.repeats)
        edited.write_bytes(original)

    peers = {
        "auditor graph cold (--no-cache)": ("lint-imports --no-cache", times["lint-imports --no-cache"]),
        "auditor graph warm (cache hit)": ("lint-imports (cached)", times["lint-imports (cached)"]),
        "auditor graph warm, one file edited": ("lint-imports (cached)", edited_runs["lint-imports (cached)"]),
    }
    cpu = platform.processor() or platform.machine()
    print(f"Django 5.2 ({sum(1 for _ in (django_site / 'django').rglob('*.py'))} .py files), "
          f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
          f"{args.repeats} interleaved rounds; {timing.load()} after the runs")  # fmt: skip
    print(f"{'measurement':40} {'median s (min-max)':>24}  {'ratio (min-max)':<20} {'CPU s':>6}  vs")
    rows = [*times.items(), ("auditor graph warm, one file edited", edited_runs["auditor graph warm, one file edited"])]
    for name, samples in rows:
        peer_name, peer = peers.get(name, ("", None))
        shown = timing.ratio(samples, peer) if peer is not None else ""
        print(f"{name:40} {samples.cell():>24}  {shown:<20} {samples.cpu_cell():>6}  {peer_name}")


if __name__ == "__main__":
    main()
