"""SIGTERM / SIGINT mid-run: a clean stop with the documented exit code (143 / 130) and message,
no traceback, the previous report left byte-for-byte intact, no temporary directories left
behind, and the history unchanged and consistent (the next run records normally)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from hostile.cli import AUDITOR, CRASH_MARKERS, cli_env, run_cli
from hostile.project import write_many_modules, write_project

AUDIT = ["audit", "--no-semgrep", "--out", "report"]
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}
MESSAGE = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


def _signal_at(root: Path, point: str, sig: signal.Signals) -> tuple[int, str]:
    """Run `auditor audit` paused at `point` (AUDITOR_TEST_PAUSE_AT), then send `sig`."""
    env = cli_env({"AUDITOR_TEST_PAUSE_AT": point})
    proc = subprocess.Popen(
        [AUDITOR, *AUDIT], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    while b"test pause at" not in seen:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, f"exited before the pause point: {seen!r}"
        seen += line
        assert time.monotonic() < deadline, "never reached the pause point"
    os.kill(proc.pid, sig)
    try:
        rest = proc.communicate(timeout=60)[1]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"{sig.name} did not stop the run") from None
    return proc.returncode, (seen + rest).decode("utf-8", "replace")


def _history_runs(root: Path) -> list[dict[str, object]]:
    run = run_cli(["history", "--format", "json"], cwd=root)
    run.assert_clean(codes=(0,))
    runs: list[dict[str, object]] = run.json()["runs"]
    return runs


@pytest.mark.parametrize("point", ["before-report", "report-staged"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_mid_audit_keeps_previous_report_and_history(
    tmp_path: Path, sig: signal.Signals, point: str
) -> None:
    root = write_project(tmp_path / "repo")
    first = run_cli(AUDIT, cwd=root)
    first.assert_clean(codes=(1,))
    before = {p.name: p.read_bytes() for p in (root / "report").iterdir()}
    (root / "app" / "domain" / "worse.py").write_text(
        "from app.api import views\n"
    )  # would change the report

    code, stderr = _signal_at(root, point, sig)

    assert code == EXIT[sig], stderr
    assert MESSAGE[sig] in stderr
    assert not any(marker in stderr for marker in CRASH_MARKERS), stderr
    after = {p.name: p.read_bytes() for p in (root / "report").iterdir()}
    assert after == before, "the previous report was touched"
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".report.")]
    assert leftovers == [], f"temporary report directories left behind: {leftovers}"
    db = sqlite3.connect(root / ".auditor" / "history.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    assert len(_history_runs(root)) == 1
    again = run_cli(AUDIT, cwd=root)
    again.assert_clean(codes=(1,))
    assert len(_history_runs(root)) == 2
    report = json.loads((root / "report" / "report.json").read_text())
    assert any(f["path"] == "app/domain/worse.py" for f in report["findings"])


@pytest.mark.slow
def test_ctrl_c_during_a_parallel_parse_is_a_clean_stop(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, pool workers included: still no traceback."""
    root = write_many_modules(tmp_path / "big", 1500)

    def interrupt(proc: subprocess.Popen[bytes]) -> None:
        time.sleep(2.5)
        os.killpg(proc.pid, signal.SIGINT)

    run = run_cli(["graph", "--no-cache", "--jobs", "2"], cwd=root, on_start=interrupt, timeout=120)
    if run.code == 0:
        pytest.skip(f"the parse finished before the signal ({run.seconds:.1f}s)")
    run.assert_clean(codes=(130,))
    assert "interrupted" in run.stderr


@pytest.mark.slow
def test_sigterm_to_the_main_process_stops_a_parallel_parse_promptly(tmp_path: Path) -> None:
    """A supervisor's `kill PID` mid-parse: queued chunks are dropped, not parsed to the end
    (a 50k-module cold parse would otherwise ignore the signal for minutes)."""
    root = write_many_modules(tmp_path / "big", 1500)
    sent: list[float] = []

    def terminate(proc: subprocess.Popen[bytes]) -> None:
        time.sleep(2.5)
        os.kill(proc.pid, signal.SIGTERM)
        sent.append(time.monotonic())

    start = time.monotonic()
    run = run_cli(["graph", "--no-cache", "--jobs", "2"], cwd=root, on_start=terminate, timeout=120)
    if run.code == 0:
        pytest.skip(f"the parse finished before the signal ({run.seconds:.1f}s)")
    run.assert_clean(codes=(143,))
    stopped_after = start + run.seconds - sent[0]
    assert stopped_after < 6, f"the run went on for {stopped_after:.1f}s after SIGTERM"
