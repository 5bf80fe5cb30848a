"""Run the auditor CLI in a subprocess the way CI does, and measure what it cost.

    run = run_cli(["graph", "--format", "json"], cwd=tree)
    run.code, run.stdout, run.stderr, run.max_rss_mb, run.json()

`os.wait4` gives the rusage of that one child (its ru_maxrss covers the process pool it forked
too), so one test's measurement is not polluted by the children of earlier tests. A run that
takes longer than `timeout` is killed and reported as a hang.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AUDITOR = str(Path(sys.executable).parent / "auditor")
CRASH_MARKERS = ("Traceback (most recent call last)", "Fatal Python error", "Segmentation fault")


@dataclass(frozen=True)
class CliRun:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    max_rss_mb: float
    seconds: float
    timed_out: bool

    def json(self) -> Any:
        return json.loads(self.stdout)

    def assert_clean(self, codes: Sequence[int] = (0, 1)) -> None:
        """No hang, no traceback, an exit code from the documented contract."""
        assert not self.timed_out, f"auditor {' '.join(self.args)} hung ({self.seconds:.0f}s)"
        for marker in CRASH_MARKERS:
            assert marker not in self.stderr, self.stderr[-4000:]
        assert self.code in codes, f"exit {self.code} (expected {codes}); stderr:\n{self.stderr[-4000:]}"


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off", "NO_COLOR": "1"})
    env.pop("AUDITOR_SEMGREP", None)
    if extra:
        env.update(extra)
    return env


def run_cli(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 180,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
    executable: Sequence[str] = (AUDITOR,),
) -> CliRun:
    """Run `auditor ARGS` in `cwd`; `on_start(proc)` runs while it runs (e.g. to send a signal)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [*executable, *args], cwd=cwd, env=dict(env or cli_env()), stdout=out, stderr=err,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            if on_start is not None:
                on_start(proc)
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return CliRun(
            args=tuple(args),
            code=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            max_rss_mb=usage.ru_maxrss / 1024,
            seconds=seconds,
            timed_out=timed_out.is_set(),
        )
