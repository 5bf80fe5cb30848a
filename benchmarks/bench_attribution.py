"""Benchmark: `auditor attribution` vs plain `git blame`, on a real or a generated history.

    .venv/bin/python benchmarks/bench_attribution.py --repo /tmp/flask [--repeats 7]
    .venv/bin/python benchmarks/bench_attribution.py [--commits 3000] [--files 40] [--repeats 5]

With --repo: a clone with its full history (its tracked *.py files are attributed). Without it:
a generated repository (`git fast-import`, deterministic) with COMMITS commits over FILES Python
files, mixing human commits, agent co-author trailers, bot authors and git-ai notes. Each round
times, as whole processes:
  git blame     `git blame --porcelain` of every file, one after the other (what a user would run)
  cold          `auditor attribution --format json` with an empty cache
  warm          the same again, cache filled (no git blame runs)
and the medians (min-max) and the ratio of the medians to plain git blame are printed.

auditor runs with its bytecode cached (in a temporary PYTHONPYCACHEPREFIX, compiled once before
timing) as after `pip install`, even where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IDENTITIES = [
    ("Hana", "hana@example.com", ""),
    ("Ivo", "ivo@example.com", ""),
    ("Hana", "hana@example.com", "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"),
    ("Ivo", "ivo@example.com", "Co-authored-by: Codex <noreply@openai.com>\n"),
    ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com", ""),
    ("Ivo (aider)", "ivo@example.com", ""),
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", ""),
]
NOTE_META = json.dumps(
    {
        "schema_version": "authorship/3.0.0",
        "base_commit_sha": "",
        "prompts": {
            "00112233aabbccdd": {"agent_id": {"tool": "cursor", "id": "x", "model": "m"}, "messages": []}
        },
    }
)


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"})
    return env


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def generate(dest: Path, commits: int, files: int, seed: int = 11) -> None:
    """A repository with `commits` commits written through one `git fast-import` stream."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True, env=git_env())
    rnd = random.Random(seed)
    content: dict[str, list[str]] = {f"pkg/mod{i:03d}.py": [] for i in range(files)}
    stream: list[bytes] = []
    noted: list[tuple[int, str, list[int]]] = []
    for n in range(1, commits + 1):
        name, email, trailer = rnd.choice(IDENTITIES)
        when = 1767225600 + n * 60
        stream.append(b"commit refs/heads/main\nmark :%d\n" % n)
        stream.append(
            f"author {name} <{email}> {when} +0000\ncommitter {name} <{email}> {when} +0000\n".encode()
        )
        message = f"change {n}\n" + (f"\n{trailer}" if trailer else "")
        stream.append(_data(message))
        if n > 1:
            stream.append(b"from :%d\n" % (n - 1))
        for path in rnd.sample(sorted(content), rnd.randint(1, 2)):
            lines = content[path]
            start = rnd.randint(0, len(lines))
            removed = rnd.randint(0, min(3, len(lines) - start))
            added = [f"value_{n}_{k} = {n * 10 + k}\n" for k in range(rnd.randint(1, 8))]
            lines[start : start + removed] = added
            stream.append(f"M 100644 inline {path}\n".encode() + _data("".join(lines)))
            if n % 10 == 0:
                noted.append((n, path, list(range(start + 1, start + 1 + len(added)))))
    if noted:  # one commit on the notes ref carrying every note
        stream.append(b"commit refs/notes/ai\n")
        stream.append(b"committer Notes <notes@example.com> 1767225600 +0000\n" + _data("notes"))
        for n, path, numbers in noted:
            note = f"{path}\n  00112233aabbccdd {numbers[0]}-{numbers[-1]}\n---\n{NOTE_META}\n"
            stream.append(b"N inline :%d\n" % n + _data(note))
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=dest, input=b"".join(stream), check=True, env=git_env()
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=dest, check=True, env=git_env())


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=env or git_env())
    return time.perf_counter() - start


def auditor_env(work: Path) -> dict[str, str]:
    """git_env, plus bytecode written to and read from a cache of its own (as an installed package)."""
    env = git_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def tracked_python_files(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.py"], cwd=repo, check=True, capture_output=True, env=git_env()
    ).stdout
    return sorted(p for p in out.decode("utf-8", "surrogateescape").split("\0") if p and (repo / p).is_file())


def blame_all(repo: Path, paths: list[str]) -> float:
    start = time.perf_counter()
    for path in paths:
        subprocess.run(
            ["git", "blame", "--porcelain", "--", path],
            cwd=repo,
            check=True,
            stdout=subprocess.DEVNULL,
            env=git_env(),
        )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None, help="auditor --jobs (default: cores)")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument("--repo", metavar="PATH", help="a real clone to measure instead of a generated one")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-attribution-"))
    repo = Path(args.repo).resolve() if args.repo else work / "repo"
    try:
        if not repo.exists():
            t0 = time.perf_counter()
            generate(repo, args.commits, args.files)
            print(
                f"generated {args.commits} commits over {args.files} files in {time.perf_counter() - t0:.1f}s"
            )
        paths = tracked_python_files(repo)
        lines = sum(len((repo / p).read_bytes().splitlines()) for p in paths)
        commits = subprocess.run(
            ["git", "rev-list", "--count", "HEAD"], cwd=repo, check=True, capture_output=True, env=git_env()
        ).stdout.decode().strip()
        auditor = [sys.executable, "-m", "auditor", "attribution", str(repo), "--format", "json"]
        if args.jobs:
            auditor += ["--jobs", str(args.jobs)]
        env = auditor_env(work)
        timed([sys.executable, "-m", "auditor", "--version"], ROOT, env)  # compile the bytecode once
        blame, cold, warm = [], [], []
        for i in range(args.repeats):
            cache = work / f"cache-{i}"
            shutil.rmtree(cache, ignore_errors=True)
            blame.append(blame_all(repo, paths))
            cold.append(timed([*auditor, "--cache-dir", str(cache)], ROOT, env))
            warm.append(timed([*auditor, "--cache-dir", str(cache)], ROOT, env))
        base = statistics.median(blame)
        print(
            f"machine: {platform.machine()} {platform.system()} {os.cpu_count()} cores, python {platform.python_version()}"
        )
        print(f"repo: {repo.name}, {commits} commits, {len(paths)} files, {lines} lines; {args.repeats} rounds")
        print(f"{'scenario':<34} {'median s':>9} {'min-max s':>13} {'vs git blame':>13}")
        for label, values in [
            ("git blame --porcelain, per file", blame),
            ("auditor attribution (cold cache)", cold),
            ("auditor attribution (warm cache)", warm),
        ]:
            median = statistics.median(values)
            spread = f"{min(values):.2f}-{max(values):.2f}"
            print(f"{label:<34} {median:>9.3f} {spread:>13} {median / base:>12.2f}x")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
