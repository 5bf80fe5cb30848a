"""Benchmark: `auditor check --base main` with 1, 10 and 100 changed files vs `lint-imports`.

Django 5.2 (tests/realpkgs.py) is committed to a generated git repository with one layers
contract (the same one for both tools). For each change size a branch edits that many modules
(a new function appended), then each tool runs once to warm its cache and `--repeats` times
(interleaved rounds, benchmarks/timing.py) for the medians with min and max. auditor runs without semgrep (contracts only), as the target asks; the
ratio target for 1-10 changed files is <= 1.0x lint-imports with its cache. After the edits
and the two warm-up runs the tree is left alone for RACY_S seconds: files and directories
changed within 2 s of a run are re-hashed and re-walked (the racy-timestamp rule, as in git's
index), and each tool's first run creates its cache directory in the repository root.

    .venv/bin/python benchmarks/bench_premerge.py --repeats 7
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

import realpkgs  # noqa: E402
import timing  # noqa: E402
from gitrepo import git_env  # noqa: E402

BIN = Path(sys.executable).parent
RACY_S = 2.5  # see the docstring
LAYERS = ["django.contrib", "django.db", "django.core", "django.utils"]
AUDITOR_TOML = (
    'packages = ["django"]\n\n[[contracts]]\nid = "django-layers"\ntype = "layers"\n'
    f"layers = [{', '.join(repr(x).replace(chr(39), chr(34)) for x in LAYERS)}]\n"
    'ignore_kinds = ["dynamic"]\n'
)
IMPORTLINTER = "[importlinter]\nroot_package = django\n\n[importlinter:contract:layers]\n"
IMPORTLINTER += "name = layers\ntype = layers\nlayers =\n" + "".join(f"    {x}\n" for x in LAYERS)


IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, env=git_env(IDENTITY), stdout=subprocess.DEVNULL)


def make_repo(work: Path) -> None:
    """Django 5.2 committed on `main` in `work`, with one layers contract for both tools."""
    shutil.copytree(realpkgs.unpacked("django", "5.2") / "django", work / "django")
    (work / "auditor.toml").write_text(AUDITOR_TOML)
    (work / ".importlinter").write_text(IMPORTLINTER)
    (work / ".gitignore").write_text(".auditor/\n.import_linter_cache/\n")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "django 5.2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--sizes", default="1,10,100")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-premerge-") as tmp:
        work = Path(tmp) / "repo"
        make_repo(work)
        modules = sorted(p for p in (work / "django").rglob("*.py") if p.name != "__init__.py")
        auditor_cmd = [str(BIN / "auditor"), "check", ".", "--base", "main", "--no-semgrep", "-q"]
        lint_cmd = [str(BIN / "lint-imports")]
        rows = []
        for size in (int(s) for s in args.sizes.split(",")):
            git(work, "checkout", "-q", "-B", f"change-{size}", "main")
            for path in modules[:: max(1, len(modules) // size)][:size]:
                with path.open("a", encoding="utf-8") as fh:
                    fh.write("\n\ndef _bench_added():\n    return 1\n")
            git(work, "commit", "-q", "-am", f"{size} changed files")
            env = {**os.environ, "PYTHONPATH": str(work), "SEMGREP_ENABLE_VERSION_CHECK": "0"}
            both = {
                "auditor": timing.Command(auditor_cmd, work, env, (0, 1)),
                "lint": timing.Command(lint_cmd, work, env, (0, 1)),
            }
            timing.rounds(both, 1)  # warm both caches
            time.sleep(RACY_S)  # after both: each tool's first run creates its cache dir in the root
            runs = timing.rounds(both, args.repeats)
            rows.append((size, runs["auditor"], runs["lint"]))
        print(f"Django 5.2 in a git repo, one layers contract, {args.repeats} interleaved warm rounds; "
              f"{timing.load()} after the runs")  # fmt: skip
        print(f"{'changed files':>13}  {'auditor check --base':>24}  {'lint-imports (cached)':>24}  ratio (min-max)")
        for size, ours, theirs in rows:
            print(f"{size:>13}  {ours.cell():>24}  {theirs.cell():>24}  {timing.ratio(ours, theirs)}")


if __name__ == "__main__":
    main()
