"""Running the semgrep CLI offline, bounded in time, and classifying how it ended.

Only the documented CLI is used (there is no supported Python API): `--json` output, exit codes
0/1 (results), 2 (fatal), 3 (target parse), 4 (invalid pattern), 5 (unparseable YAML),
7 (invalid or missing config), 8 (unknown language). Settings, log and version-cache files are
moved under the cache dir and every network feature is off.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.support.safe_files import ensure_owned_dir, refuse_non_file

# the semgrep versions this module is tested with (tell users when theirs is outside)
SUPPORTED_VERSIONS = ">=1.185,<2"  # the range our rule tests ran on; see pyproject

EXIT_MEANINGS = {
    2: "fatal error",
    3: "a target could not be parsed",
    4: "invalid rule pattern",
    5: "unparseable rule YAML",
    7: "invalid or missing rule configuration",
    8: "unknown language in a rule",
    13: "invalid API token",
}


@dataclass(frozen=True, slots=True)
class SemgrepCall:
    executable: str
    config_files: Sequence[Path]
    targets: Sequence[str]  # relative to cwd
    cwd: Path
    cache_dir: Path  # settings / log / version cache go here
    timeout_s: int = 30  # per rule per file
    max_target_bytes: int = 1_000_000
    total_timeout_s: float = 1800.0
    jobs: int = 0  # 0: cores


@dataclass(frozen=True, slots=True)
class SemgrepReply:
    """The parsed JSON output (when there is one) and how the process ended."""

    output: dict[str, Any] | None
    returncode: int | None
    failure: str | None = None  # why the reply cannot be trusted, for `incomplete_reasons`
    stderr_tail: str = ""


def resolve_executable(semgrep: str) -> str | None:
    """The semgrep executable to run: an existing path, or a name found on PATH."""
    if os.sep in semgrep or (os.altsep and os.altsep in semgrep):
        path = Path(semgrep)
        return str(path.absolute()) if path.is_file() and os.access(path, os.X_OK) else None
    found = shutil.which(semgrep)
    return os.path.abspath(found) if found else None


def command(call: SemgrepCall) -> list[str]:
    jobs = call.jobs or max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )
    argv = [call.executable, "scan"]
    for config in call.config_files:
        argv += ["--config", str(config)]
    argv += [
        "--json",
        "--metrics=off",
        "--disable-version-check",
        "--no-rewrite-rule-ids",
        "--no-git-ignore",  # explicit targets: no need to ask git
        "--timeout",
        str(call.timeout_s),
        "--max-target-bytes",
        str(call.max_target_bytes),
        "--jobs",
        str(jobs),
        "--quiet",
        "--",
        *call.targets,
    ]
    return argv


def environment(cache_dir: Path) -> dict[str, str]:
    """semgrep's environment: its settings, log and version cache in the cache folder, none of
    them a symlink (semgrep would write through it: UnsafePathError)."""
    home = ensure_owned_dir(cache_dir, "semgrep")
    for name in ("settings.yml", "semgrep.log", "version-cache"):
        refuse_non_file(home / name)
    env = dict(os.environ)
    env.update(
        SEMGREP_ENABLE_VERSION_CHECK="0",
        SEMGREP_SEND_METRICS="off",
        SEMGREP_SETTINGS_FILE=str(home / "settings.yml"),
        SEMGREP_LOG_FILE=str(home / "semgrep.log"),
        SEMGREP_VERSION_CACHE_PATH=str(home / "version-cache"),
    )
    env.pop("SEMGREP_APP_TOKEN", None)  # never send anything to the semgrep service
    return env


def run_semgrep(call: SemgrepCall) -> SemgrepReply:
    """Run semgrep once; every way it can fail becomes `failure`, never an exception."""
    try:
        proc = subprocess.Popen(
            command(call),
            cwd=call.cwd,
            env=environment(call.cache_dir),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout kills all its workers
        )
    except FileNotFoundError:
        return SemgrepReply(None, None, f"semgrep not found: {call.executable}")
    except PermissionError:
        return SemgrepReply(None, None, f"semgrep not executable: {call.executable}")
    except OSError as exc:
        return SemgrepReply(None, None, f"semgrep could not start: {exc.strerror or exc}")
    try:
        out, err = proc.communicate(timeout=call.total_timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        return SemgrepReply(
            None, None, f"semgrep timed out after {call.total_timeout_s:g} s (killed)", _tail(err)
        )
    except BaseException:  # SIGINT / SIGTERM (raised by the CLI): semgrep must not outlive us
        _kill_group(proc)
        raise
    code = proc.returncode
    tail = _tail(err)
    if code < 0:
        name = _signal_name(-code)
        return SemgrepReply(None, code, f"semgrep crashed: killed by signal {name}", tail)
    try:
        output = json.loads(out)
    except (json.JSONDecodeError, UnicodeDecodeError):
        output = None
    if not isinstance(output, dict) or not isinstance(output.get("results"), list):
        reason = EXIT_MEANINGS.get(code, f"exit code {code}") if code not in (0, 1) else f"exit code {code}"
        detail = f": {tail.splitlines()[-1]}" if tail.strip() else ""
        return SemgrepReply(None, code, f"semgrep produced no JSON output ({reason}){detail}", tail)
    return SemgrepReply(output, code, None, tail)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL semgrep's process group, and reap it: it is gone before we return."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, OSError):
        proc.wait(timeout=30)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _tail(err: bytes | None, limit: int = 2000) -> str:
    return (err or b"")[-limit:].decode("utf-8", "replace")
