"""Benchmark: `auditor check --no-semgrep` on synthetic monorepos of growing size, with peak memory,
side by side with the peer `lint-imports` (import-linter, same layers contract).

For each size the monorepo comes from benchmarks/gen_monorepo.py (cached in .cache/monorepo/).
Cold = no parse cache (the project's folder in the user's cache folder removed; import-linter's
`.import_linter_cache/` (and a stray `.grimp_cache/`) for the peer); warm = caches filled by the previous run. Each figure is the median of `--repeats` whole-process runs; peak memory is
the ru_maxrss of the process tree (os.wait4 of that one child). The table prints the cost per 1k
modules and its growth relative to the smallest size (target: warm per-1k cost at the largest
size within 1.5x of the smallest; 50k warm peak < 2 GB).

    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,10000,50000 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from gen_monorepo import generate  # noqa: E402

from auditor.support.cache_home import project_cache_dir  # noqa: E402

BIN = Path(sys.executable).parent
CACHE = REPO / ".cache" / "monorepo"


@dataclass
class Sample:
    seconds: float
    peak_mb: float


def run_once(cmd: list[str], cwd: Path, ok: set[int]) -> Sample:
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {err.decode(errors='replace')[-2000:]}")
    return Sample(seconds, usage.ru_maxrss / 1024)


def project(size: int, seed: int) -> Path:
    root = CACHE / f"m{size}-s{seed}"
    stamp = root / ".generated"
    if not stamp.exists():
        if root.exists():
            shutil.rmtree(root)
        generate(root, size, seed=seed)
        stamp.touch()
    return root


def measure(
    cmd: list[str], root: Path, cache_dirs: list[str], repeats: int, ok: set[int]
) -> tuple[Sample, Sample]:
    """(cold, warm) medians: cold runs start without the cache dirs; warm runs reuse them."""
    colds, warms = [], []
    for _ in range(repeats):
        for name in cache_dirs:
            shutil.rmtree(root / name, ignore_errors=True)
        colds.append(run_once(cmd, root, ok))
    for _ in range(repeats):
        warms.append(run_once(cmd, root, ok))

    def median(samples: list[Sample]) -> Sample:
        return Sample(statistics.median(s.seconds for s in samples), max(s.peak_mb for s in samples))

    return median(colds), median(warms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated module counts")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="auditor --jobs (default: all cores)")
    parser.add_argument("--no-peer", action="store_true", help="skip lint-imports")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    auditor = [str(BIN / "auditor"), "check", "--no-semgrep", "--format", "json"]
    if args.jobs:
        auditor += ["--jobs", str(args.jobs)]
    rows = []
    for size in sizes:
        root = project(size, args.seed)
        cold, warm = measure(auditor, root, [str(project_cache_dir(root))], args.repeats, {0, 1})
        peer_cold = peer_warm = None
        if not args.no_peer:
            peer_cold, peer_warm = measure(
                [str(BIN / "lint-imports")], root, [".import_linter_cache", ".grimp_cache"], args.repeats, {0, 1}
            )
        rows.append((size, cold, warm, peer_cold, peer_warm))
        print(f"  measured {size} modules", file=sys.stderr, flush=True)
    base = rows[0]
    head = (f"{'modules':>8} {'cold s':>8} {'warm s':>8} {'cold MB':>8} {'warm MB':>8} "
            f"{'cold/1k':>8} {'warm/1k':>8} {'x cold/1k':>9} {'x warm/1k':>9} "
            f"{'peer cold':>9} {'peer warm':>9} {'warm/peer':>9}")  # fmt: skip
    print(head)
    for size, cold, warm, peer_cold, peer_warm in rows:
        k = size / 1000
        cold_1k, warm_1k = cold.seconds / k, warm.seconds / k
        growth_cold = cold_1k / (base[1].seconds / (base[0] / 1000))
        growth_warm = warm_1k / (base[2].seconds / (base[0] / 1000))
        peer = (f"{peer_cold.seconds:9.2f} {peer_warm.seconds:9.2f} {warm.seconds / peer_warm.seconds:8.2f}x"
                if peer_cold and peer_warm else f"{'-':>9} {'-':>9} {'-':>9}")  # fmt: skip
        print(
            f"{size:8d} {cold.seconds:8.2f} {warm.seconds:8.2f} {cold.peak_mb:8.0f} {warm.peak_mb:8.0f} "
            f"{cold_1k:8.3f} {warm_1k:8.3f} {growth_cold:8.2f}x {growth_warm:8.2f}x {peer}"
        )
    print(f"\n{os.cpu_count()} cores, Python {sys.version.split()[0]}, repeats={args.repeats}; "
          "x ../1k = cost per 1k modules relative to the smallest size (target warm <= 1.5x)")  # fmt: skip


if __name__ == "__main__":
    main()
