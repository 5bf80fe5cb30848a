"""Timing shared by the benchmarks: whole-process runs in interleaved rounds, each figure the
median with its min and max, and the machine's load beside it.

Interleaving (round 1: every command once, round 2: every command once, ...) gives each tool
the same share of whatever else the machine does; a ratio is the median of the per-round
ratios, with their min and max.
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


def rounds(commands: dict[str, Command], repeats: int) -> dict[str, Samples]:
    """Each command once per round, `repeats` rounds."""
    samples = {name: Samples() for name in commands}
    for n in range(repeats):
        for name, command in commands.items():
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
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
