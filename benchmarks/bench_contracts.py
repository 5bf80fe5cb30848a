"""Benchmark: `auditor check --no-semgrep` vs `lint-imports`, cold and warm, on Django (or --site).

Both check the same single layers contract on a copy of Django 5.2 (downloaded once into
.cache/ by tests/realpkgs.py), or of another project (`--site DIR --package NAME --layers
a,b,c`). Cold: auditor's cache folder and import-linter's (`.import_linter_cache`, in its
working directory) are deleted before every run, and lint-imports runs with --no-cache.
Warm: each tool runs once to fill its cache. Every figure is the median of `--repeats`
interleaved rounds with its min and max, ratios the median of the per-round ratios
(benchmarks/timing.py). Targets (issue 19): cold <= 6x on Django, <= 10x on a 1,000-module
project; warm <= 1.0x. Two warm settings for auditor:

- `no history`: the copy is not in a git repository, so every finding's origin is `unknown`
  and attribution costs one `git rev-parse` (lint-imports has no attribution at all);
- `committed`: the copy is committed to a git repository, so every finding's line is
  attributed from `git blame` (warm blame cache), which lint-imports does not do.

The copy is left alone for RACY_S seconds before the runs: files changed within 2 s of a run
are re-hashed and their directories re-walked (the racy-timestamp rule, as in git's index).
It also times the contracts stage alone, in process, on an already built graph.

    .venv/bin/python benchmarks/bench_contracts.py --repeats 7
    .venv/bin/python benchmarks/bench_contracts.py --site SITE --package scipy \\
        --layers scipy.stats,scipy.optimize,scipy.linalg
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
sys.path.insert(0, str(REPO / "benchmarks"))

import realpkgs  # noqa: E402
import timing  # noqa: E402
from gitrepo import git_env  # noqa: E402

RACY_S = 2.5  # files changed within 2 s of a run are re-hashed (see the docstring)
IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}
LAYERS = ["django.contrib", "django.db", "django.core", "django.utils"]

AUDITOR_TOML = """packages = ["{package}"]

[[contracts]]
id = "layers"
type = "layers"
layers = [{layers}]
ignore_kinds = ["dynamic"]  # grimp does not see importlib calls either
"""

IMPORTLINTER_INI = """[importlinter]
root_package = {package}

[importlinter:contract:layers]
name = layers
type = layers
layers =
{layers}
"""


def contracts_stage(site: Path, package: str, config_file: Path, cache: Path, repeats: int) -> float:
    from auditor.config import load_config
    from auditor.contracts import check_contracts
    from auditor.index.tree import build_graph

    config = load_config(site, config_file)
    graph = build_graph(site, packages=(package,), cache_dir=cache, include_external=True)
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
    parser.add_argument("--site", type=Path, help="another project: the folder holding --package")
    parser.add_argument("--package", default="django")
    parser.add_argument("--layers", default=",".join(LAYERS), help="comma-separated, highest first")
    args = parser.parse_args()
    site = args.site.resolve() if args.site else realpkgs.unpacked("django", args.django)
    package, layers = args.package, args.layers.split(",")
    bin_dir = Path(sys.executable).parent
    lint_imports = shutil.which("lint-imports", path=str(bin_dir)) or "lint-imports"
    modules = sum(1 for _ in (site / package).rglob("*.py"))
    with tempfile.TemporaryDirectory(prefix="bench-contracts-") as tmp:
        work = Path(tmp)
        copy = work / "copy"
        shutil.copytree(site / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
        config = work / "auditor.toml"
        config.write_text(
            AUDITOR_TOML.format(package=package, layers=", ".join(f'"{x}"' for x in layers)), encoding="utf-8"
        )
        (work / ".importlinter").write_text(
            IMPORTLINTER_INI.format(package=package, layers="\n".join(f"    {x}" for x in layers)),
            encoding="utf-8",
        )
        env = {**os.environ, "PYTHONPATH": str(copy), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
        auditor_env = {**env, "PYTHONPATH": str(REPO)}
        cache = work / "auditor-cache"
        auditor_cmd = [
            sys.executable, "-m", "auditor", "check", str(copy), "--config", str(config),
            "--no-semgrep", "--cache-dir", str(cache), "-q",
        ]  # fmt: skip
        lint_cmd = [lint_imports, "--config", str(work / ".importlinter")]
        ok = (0, 1)  # exit 1 = contract broken, as expected for Django's contract
        peer_cache = work / ".import_linter_cache"  # import-linter's cache folder (in its cwd)
        cold = {
            "auditor": timing.Command(auditor_cmd, work, auditor_env, ok, timing.removing(cache)),
            "lint": timing.Command([*lint_cmd, "--no-cache"], work, env, ok, timing.removing(peer_cache)),
        }
        warm = {
            "auditor": timing.Command(auditor_cmd, work, auditor_env, ok),
            "lint": timing.Command(lint_cmd, work, env, ok),
        }
        time.sleep(RACY_S)
        cold_runs = timing.rounds(cold, args.repeats)
        timing.rounds(warm, 1)  # fill both caches
        assert peer_cache.is_dir(), "import-linter wrote no cache where the cold runs clear it"
        warm_runs = timing.rounds(warm, args.repeats)
        # the same copy, committed: every finding's line is attributed from git blame
        for git_args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", package]):
            subprocess.run(
                ["git", *git_args], cwd=copy, check=True, env=git_env(IDENTITY), capture_output=True
            )
        time.sleep(RACY_S)
        committed = {"auditor": warm["auditor"], "lint": warm["lint"]}
        timing.rounds(committed, 1)
        committed_runs = timing.rounds(committed, args.repeats)
        stage = contracts_stage(copy, package, config, cache, args.repeats)
    print(f"{package} ({modules} .py files), one layers contract ({' > '.join(layers)}), "
          f"{args.repeats} interleaved rounds; {timing.load()} after the runs")  # fmt: skip
    print(f"{'tool':<46}{'median s (min-max)':>24}  {'ratio (min-max)':<20} CPU s")
    rows = [
        ("lint-imports --no-cache (cold)", cold_runs["lint"], None),
        ("auditor check --no-semgrep, cold", cold_runs["auditor"], cold_runs["lint"]),
        ("lint-imports (warm cache)", warm_runs["lint"], None),
        ("auditor check --no-semgrep, no history (warm)", warm_runs["auditor"], warm_runs["lint"]),
        ("auditor check --no-semgrep, committed (warm)", committed_runs["auditor"], committed_runs["lint"]),
    ]
    for name, samples, peer in rows:
        shown = timing.ratio(samples, peer) if peer else "1x"
        print(f"{name:<46}{samples.cell():>24}  {shown:<20} {samples.cpu_cell()}")
    print(f"{'auditor contracts stage alone (in process)':<46}{stage:>24.4f}")


if __name__ == "__main__":
    main()
