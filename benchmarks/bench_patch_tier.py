"""Does the snapshot-patch cache tier pay? The warm graph of a synthetic monorepo after a
one-file edit, with the tier (the latest snapshot patched with the edited file's facts) and
without it (the graph rebuilt from every file's cached facts), alternating, in one process.

    .venv/bin/python benchmarks/bench_patch_tier.py --modules 5000 --rounds 15

The monorepo comes from benchmarks/gen_monorepo.py (written to a temporary folder); the cache
goes to a temporary folder too. Prints the median, min and max of each variant.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from gen_monorepo import generate  # noqa: E402

from auditor.config import load_config  # noqa: E402
from auditor.index import tree  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-patch-") as tmp:
        root, cache = Path(tmp) / "mono", Path(tmp) / "cache"
        generate(root, args.modules, seed=1, violations=0.002)
        config = load_config(root, None)
        files = sorted(p for p in root.rglob("*.py") if p.name != "__init__.py")
        patched = tree._patched

        def graph() -> int:
            return len(tree.config_graph(root, config, cache_dir=cache, use_cache=True, jobs=1).modules)

        modules = graph()  # cold: fills the facts cache and the first snapshot
        times: dict[str, list[float]] = {"patch": [], "no patch": []}
        for i in range(args.rounds):
            for variant in ("patch", "no patch") if i % 2 == 0 else ("no patch", "patch"):
                target = files[(i * 7 + len(times[variant])) % len(files)]
                target.write_text(target.read_text() + f"\n# edit {variant} {i}\n")
                tree._patched = patched if variant == "patch" else (lambda *a, **k: None)  # type: ignore[assignment]
                start = time.perf_counter()
                assert graph() == modules
                times[variant].append(time.perf_counter() - start)
        tree._patched = patched
    print(f"{args.modules} modules, one file edited before each warm graph, {args.rounds} rounds")
    for name, values in times.items():
        print(
            f"  {name:8s} median {statistics.median(values) * 1000:6.0f} ms"
            f"  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
