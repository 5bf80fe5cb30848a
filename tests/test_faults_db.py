"""Broken or busy databases: a corrupt cache is rebuilt with a warning and the run goes on; a
corrupt history is a one-line error (exit 2) that leaves the previous report alone; a history
locked by another run is waited for, then refused with a clear message (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile.cli import CliRun, run_cli
from hostile.project import write_project

from auditor.support.cache_home import project_cache_dir

AUDIT = ["audit", "--no-semgrep", "--out", "report"]


@pytest.fixture()
def audited(tmp_path: Path) -> Path:
    """A git project with one audit run behind it (report + history + caches)."""
    root = write_project(tmp_path / "repo")
    run_cli(AUDIT, cwd=root).assert_clean(codes=(1,))
    return root


def _report(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "report").iterdir()}


def _garble(path: Path) -> None:
    path.write_bytes(os.urandom(8192))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


@pytest.mark.parametrize("name", ["cache.sqlite", "blame.sqlite"])
def test_corrupt_cache_is_rebuilt_with_a_warning(audited: Path, name: str) -> None:
    cache = project_cache_dir(audited)  # the default cache folder (outside the tree)
    _garble(cache / name)
    run = run_cli(["check", "--no-semgrep", "--format", "json"], cwd=audited)
    run.assert_clean(codes=(1,))
    assert f"{cache / name}: unreadable database (file is not a database); rebuilt it" in run.stderr
    assert [f["path"] for f in run.json()["findings"] if f["severity"] == "error"] == ["app/domain/bad.py"]
    assert (cache / f"{name}.corrupt").exists()
    again = run_cli(["check", "--no-semgrep"], cwd=audited)
    again.assert_clean(codes=(1,))
    assert "unreadable" not in again.stderr, "the rebuilt cache should be healthy"


def test_corrupt_history_is_a_clear_error_and_keeps_the_report(audited: Path) -> None:
    before = _report(audited)
    (audited / "app" / "domain" / "worse.py").write_text("from app.api import views\n")
    history = audited / ".auditor" / "history.sqlite"
    _garble(history)
    run = run_cli(AUDIT, cwd=audited)
    run.assert_clean(codes=(2,))
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"auditor: error: {history}: history database is unreadable"
    )
    assert "--no-history" in lines[0]
    assert _report(audited) == before
    run_cli([*AUDIT, "--no-history"], cwd=audited).assert_clean(codes=(1,))  # the documented way out


def _hold_lock(db: Path, seconds: float) -> subprocess.Popen[bytes]:
    script = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "c.execute('COMMIT')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(db), str(seconds)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"locked"
    return proc


def _history_count(root: Path) -> int:
    run = run_cli(["history", "--format", "json"], cwd=root)
    run.assert_clean(codes=(0,))
    return len(run.json()["runs"])


def test_briefly_locked_history_is_waited_for(audited: Path) -> None:
    holder = _hold_lock(audited / ".auditor" / "history.sqlite", 3)
    start = time.monotonic()
    run = run_cli(AUDIT, cwd=audited)
    holder.wait(timeout=30)
    run.assert_clean(codes=(1,))
    assert time.monotonic() - start >= 2.5
    assert _history_count(audited) == 2


@pytest.mark.slow
def test_history_locked_by_another_run_is_refused(audited: Path) -> None:
    before = _report(audited)
    holder = _hold_lock(audited / ".auditor" / "history.sqlite", 90)
    try:
        run: CliRun = run_cli(AUDIT, cwd=audited, timeout=80)
    finally:
        holder.kill()
        holder.wait()
    run.assert_clean(codes=(2,))
    assert "history database is locked by another run" in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert _report(audited) == before
    assert _history_count(audited) == 1
