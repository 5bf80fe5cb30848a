"""Benchmark: `auditor check --no-semgrep` (warm cache) vs `lint-imports` (warm cache) on Django.

Both check the same single layers contract on Django 5.2 (downloaded once into .cache/ by
tests/realpkgs.py). Each tool runs once to warm its cache, then `--repeats` times; the script
prints the medians side by side and the ratio (target: auditor <= 1.0x lint-imports). It also
times the contracts stage alone, in process, on an already built graph.

    .venv/bin/python benchmarks/bench_contracts.py --repeats 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import realpkgs  # noqa: E402

LAYERS = ["django.contrib", "django.db", "django.core", "django.utils"]

AUDITOR_TOML = """packages = ["django"]

[[contracts]]
id = "django-layers"
type = "layers"
layers = [{layers}]
ignore_kinds = ["dynamic"]  # grimp does not see importlib calls either
"""

IMPORTLINTER_INI = """[importlinter]
root_package = django

[importlinter:contract:django-layers]
name = django-layers
type = layers
layers =
{layers}
"""


def timed(cmd: list[str], *, cwd: Path, env: dict[str, str], repeats: int, ok: set[int]) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in ok:
            raise SystemExit(f"{cmd[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return times


def contracts_stage(django: Path, config_file: Path, cache: Path, repeats: int) -> float:
    from auditor.config import load_config
    from auditor.contracts import check_contracts
    from auditor.pipeline.graph_build import build_graph

    config = load_config(django, config_file)
    graph = build_graph(django, packages=("django",), cache_dir=cache, include_external=True)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        check_contracts(graph, config, today=dt.date.today())
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--django", default="5.2")
    args = parser.parse_args()
    django = realpkgs.unpacked("django", args.django)
    bin_dir = Path(sys.executable).parent
    lint_imports = shutil.which("lint-imports", path=str(bin_dir)) or "lint-imports"
    with tempfile.TemporaryDirectory(prefix="bench-contracts-") as tmp:
        work = Path(tmp)
        config = work / "auditor.toml"
        config.write_text(AUDITOR_TOML.format(layers=", ".join(f'"{x}"' for x in LAYERS)), encoding="utf-8")
        (work / ".importlinter").write_text(
            IMPORTLINTER_INI.format(layers="\n".join(f"    {x}" for x in LAYERS)), encoding="utf-8"
        )
        env = {**os.environ, "PYTHONPATH": str(django), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
        auditor_cmd = [
            sys.executable, "-m", "auditor", "check", str(django), "--config", str(config),
            "--no-semgrep", "--cache-dir", str(work / "auditor-cache"), "-q",
        ]  # fmt: skip
        lint_cmd = [lint_imports, "--config", str(work / ".importlinter")]
        auditor_env = {**env, "PYTHONPATH": str(REPO)}
        # warm both caches (exit 1 = contract broken, as expected for this contract)
        timed(auditor_cmd, cwd=work, env=auditor_env, repeats=1, ok={0, 1})
        timed(lint_cmd, cwd=work, env=env, repeats=1, ok={0, 1})
        ours = statistics.median(
            timed(auditor_cmd, cwd=work, env=auditor_env, repeats=args.repeats, ok={0, 1})
        )
        theirs = statistics.median(timed(lint_cmd, cwd=work, env=env, repeats=args.repeats, ok={0, 1}))
        stage = contracts_stage(django, config, work / "auditor-cache", args.repeats)
    print(f"Django {args.django}, one layers contract ({' > '.join(LAYERS)}), {args.repeats} warm runs each")
    print(f"{'tool':<42}{'median s':>10}")
    print(f"{'auditor check --no-semgrep (warm)':<42}{ours:>10.3f}")
    print(f"{'lint-imports (warm cache)':<42}{theirs:>10.3f}")
    print(f"{'ratio auditor / lint-imports':<42}{ours / theirs:>9.2f}x")
    print(f"{'auditor contracts stage alone (in process)':<42}{stage:>10.4f}")


if __name__ == "__main__":
    main()
