"""Timing shared by the benchmarks: whole-process runs in interleaved rounds, each figure the
median with its min and max, and the machine's load beside it.

Interleaving (round 1: every command once, round 2: every command once, ...) gives each tool
the same share of whatever else the machine does, and each round starts with the next command
in turn; a ratio is the median of the per-round ratios, with their min and max.

On a shared machine, `BENCH_WAIT_IDLE=1` makes every round wait (up to IDLE_WAIT_S) until the
CPUs were at least 90 % idle for a second, so that no round runs beside someone else's work;
`load()` then says how many rounds had to start without that.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)  # wall clock
    cpu: list[float] = field(default_factory=list)  # user + system, the process and its children

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def cell(self) -> str:
        """`1.234 (1.200-1.301)`: median (min-max), seconds."""
        return f"{self.median:.3f} ({min(self.seconds):.3f}-{max(self.seconds):.3f})"

    def cpu_cell(self) -> str:
        return f"{statistics.median(self.cpu):.2f}"


@dataclass(frozen=True)
class Command:
    """One timed command; `before(n)` runs untimed before the n-th run (clear a cache, edit a file)."""

    argv: Sequence[str]
    cwd: Path
    env: dict[str, str]
    ok: tuple[int, ...] = (0,)
    before: Callable[[int], None] | None = None


def run_once(command: Command) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (CPU: user + system of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command.argv, cwd=command.cwd, env=command.env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)  # fmt: skip
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in command.ok:
        raise SystemExit(f"{' '.join(command.argv)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


IDLE_WAIT_S = 300
_not_idle_rounds: list[int] = []


def _cpu_idle_share(seconds: float = 1.0) -> float:
    """The share of CPU time spent idle over the next `seconds` (Linux /proc/stat), else 1.0."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total

    try:
        idle0, total0 = sample()
        time.sleep(seconds)
        idle1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return 1.0
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_until_idle() -> None:
    """With BENCH_WAIT_IDLE=1: return once the CPUs were >= 90 % idle for a second (or after
    IDLE_WAIT_S, counting the round as not idle)."""
    if os.environ.get("BENCH_WAIT_IDLE") != "1":
        return
    deadline = time.monotonic() + IDLE_WAIT_S
    while _cpu_idle_share() < 0.9:
        if time.monotonic() > deadline:
            _not_idle_rounds.append(1)
            return


def rounds(commands: dict[str, Command], repeats: int) -> dict[str, Samples]:
    """Each command once per round, `repeats` rounds; the order turns by one each round, so that
    no command is always the first to run after the idle wait (which measured up to 20 % slower
    on the 2-core VM, whichever tool it was)."""
    samples = {name: Samples() for name in commands}
    names = list(commands)
    for n in range(repeats):
        wait_until_idle()
        turn = n % len(names)
        for name in names[turn:] + names[:turn]:
            command = commands[name]
            if command.before is not None:
                command.before(n)
            wall, cpu = run_once(command)
            samples[name].seconds.append(wall)
            samples[name].cpu.append(cpu)
    return samples


def ratio(ours: Samples, theirs: Samples) -> str:
    """The median of the per-round ratios, with their min and max: `0.91x (0.85-1.02)`."""
    each = [a / b for a, b in zip(ours.seconds, theirs.seconds, strict=True)]
    return f"{statistics.median(each):.2f}x ({min(each):.2f}-{max(each):.2f})"


def removing(*folders: Path) -> Callable[[int], None]:
    """A `before` that deletes cache folders, so that each run is really cold."""

    def clear(n: int) -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)

    return clear


def load() -> str:
    one, five, fifteen = os.getloadavg()
    text = f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
    if os.environ.get("BENCH_WAIT_IDLE") == "1":
        text += f"; every round waited for idle CPUs ({len(_not_idle_rounds)} gave up after {IDLE_WAIT_S} s)"
    return text
