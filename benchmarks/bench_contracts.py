"""Benchmark: `auditor check --no-semgrep` (warm cache) vs `lint-imports` (warm cache) on Django.

Both check the same single layers contract on a copy of Django 5.2 (downloaded once into
.cache/ by tests/realpkgs.py). Each tool runs once to warm its cache, then `--repeats` times;
the script prints the medians side by side and the ratio (target: auditor <= 1.0x
lint-imports). Two settings for auditor:

- `no history`: the copy is not in a git repository, so every finding's origin is `unknown`
  and attribution costs one `git rev-parse` (lint-imports has no attribution at all);
- `committed`: the copy is committed to a git repository, so every finding's line is
  attributed from `git blame` (warm blame cache), which lint-imports does not do.

The copy is left alone for RACY_S seconds before the runs: files changed within 2 s of a run
are re-hashed and their directories re-walked (the racy-timestamp rule, as in git's index).
It also times the contracts stage alone, in process, on an already built graph.

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
from gitrepo import git_env  # noqa: E402

RACY_S = 2.5  # files changed within 2 s of a run are re-hashed (see the docstring)
IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}
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
    from auditor.index.tree import build_graph

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
        copy = work / "django-copy"
        shutil.copytree(django / "django", copy / "django")
        config = work / "auditor.toml"
        config.write_text(AUDITOR_TOML.format(layers=", ".join(f'"{x}"' for x in LAYERS)), encoding="utf-8")
        (work / ".importlinter").write_text(
            IMPORTLINTER_INI.format(layers="\n".join(f"    {x}" for x in LAYERS)), encoding="utf-8"
        )
        env = {**os.environ, "PYTHONPATH": str(copy), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
        auditor_cmd = [
            sys.executable, "-m", "auditor", "check", str(copy), "--config", str(config),
            "--no-semgrep", "--cache-dir", str(work / "auditor-cache"), "-q",
        ]  # fmt: skip
        lint_cmd = [lint_imports, "--config", str(work / ".importlinter")]
        auditor_env = {**env, "PYTHONPATH": str(REPO)}
        time.sleep(RACY_S)
        # warm both caches (exit 1 = contract broken, as expected for this contract)
        timed(auditor_cmd, cwd=work, env=auditor_env, repeats=1, ok={0, 1})
        timed(lint_cmd, cwd=work, env=env, repeats=1, ok={0, 1})
        ours = statistics.median(
            timed(auditor_cmd, cwd=work, env=auditor_env, repeats=args.repeats, ok={0, 1})
        )
        theirs = statistics.median(timed(lint_cmd, cwd=work, env=env, repeats=args.repeats, ok={0, 1}))
        # the same copy, committed: every finding's line is attributed from git blame
        for git_args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "django"]):
            subprocess.run(
                ["git", *git_args], cwd=copy, check=True, env=git_env(IDENTITY), capture_output=True
            )
        time.sleep(RACY_S)
        timed(auditor_cmd, cwd=work, env=auditor_env, repeats=1, ok={0, 1})
        committed = statistics.median(
            timed(auditor_cmd, cwd=work, env=auditor_env, repeats=args.repeats, ok={0, 1})
        )
        stage = contracts_stage(copy, config, work / "auditor-cache", args.repeats)
    print(f"Django {args.django}, one layers contract ({' > '.join(LAYERS)}), {args.repeats} warm runs each")
    print(f"{'tool':<52}{'median s':>10}{'ratio':>8}")
    print(f"{'lint-imports (warm cache)':<52}{theirs:>10.3f}{1:>7.2f}x")
    print(f"{'auditor check --no-semgrep, no history (warm)':<52}{ours:>10.3f}{ours / theirs:>7.2f}x")
    print(
        f"{'auditor check --no-semgrep, committed (warm)':<52}{committed:>10.3f}{committed / theirs:>7.2f}x"
    )
    print(f"{'auditor contracts stage alone (in process)':<52}{stage:>10.4f}")


if __name__ == "__main__":
    main()
