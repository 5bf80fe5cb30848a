"""Faults that used to end in "internal error" (or worse, a half-done run that looked done):
each now ends in its one-line message and exit code, with the previous report intact where the
run could not finish.

- a history database with a damaged page in the middle; a read-only history database (the
  report is swapped in only inside the history transaction, so it stays only if the run is
  recorded);
- `--out` naming an existing regular file; `.auditor` that is a file, or on a read-only mount;
- semgrep output partly outside its schema: the run is incomplete, not silently complete;
- `kill -9` mid-audit: the next run removes the staging folder it left, and nothing else;
- the files auditor writes (baseline, `-o`, report) have the mode the umask gives.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.cli import AUDITOR, cli_env, run_cli
from hostile.project import write_project
from hostile.victims import attacking_clone, one_error_line

AUDIT = ["audit", "--no-semgrep", "--out", "report"]


def _report(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "report").iterdir()}


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".report.tmp-"))


@pytest.fixture()
def audited(tmp_path: Path) -> Path:
    """A project with three recorded runs (a history of several pages) and a report."""
    root = write_project(tmp_path / "repo")
    for n in range(3):
        (root / "app" / "domain" / f"worse{n}.py").write_text("from app.api import views\n")
        run_cli(AUDIT, cwd=root).assert_clean(codes=(1,))
    (root / "app" / "domain" / "worst.py").write_text("from app.api import views\n")  # would change it
    return root


# ---- the history database -----------------------------------------------------------------


def _damage_page_of(db: Path, table: str) -> int:
    """Overwrite the root page of `table` (not the header page) with garbage; its number."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    (rootpage,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    assert 1 < rootpage < page_count, "the damaged page must lie in the middle of the file"
    with open(db, "r+b") as fh:
        fh.seek((rootpage - 1) * page_size)
        fh.write(b"\xff" * page_size)
    return int(rootpage)


@pytest.mark.parametrize("table", ["runs", "findings", "findings_by_fingerprint", "module_metrics"])
def test_damaged_history_page_is_one_line_and_keeps_the_report(audited: Path, table: str) -> None:
    history = audited / ".auditor" / "history.sqlite"
    before = _report(audited)
    _damage_page_of(history, table)
    run = run_cli(AUDIT, cwd=audited)
    run.assert_clean(codes=(2,))
    line = one_error_line(run.stderr)
    assert line.startswith(f"auditor: error: {history}: "), line
    assert "database disk image is malformed" in line and "--no-history" in line, line
    assert _report(audited) == before
    assert _leftovers(audited) == []
    if table in ("runs", "findings"):  # what `auditor history` reads
        shown = run_cli(["history"], cwd=audited)
        shown.assert_clean(codes=(2,))
        assert "database disk image is malformed" in one_error_line(shown.stderr)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` read-only for this process's children: a read-only bind mount as root (chmod does
    not stop root), else the permission bits."""
    if os.geteuid() != 0:
        mode = stat.S_IMODE(path.stat().st_mode)
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    for args in (["--bind", str(path), str(path)], ["-o", "remount,bind,ro", str(path)]):
        done = subprocess.run(["mount", *args], capture_output=True, check=False)
        if done.returncode != 0:
            subprocess.run(["umount", str(path)], capture_output=True, check=False)
            pytest.skip(
                f"cannot make a read-only bind mount here: {done.stderr.decode(errors='replace').strip()}"
            )
    try:
        yield
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_read_only_history_database_does_not_replace_the_report(audited: Path) -> None:
    history = audited / ".auditor" / "history.sqlite"
    before = _report(audited)
    with read_only(history):
        run = run_cli(AUDIT, cwd=audited)
    assert _report(audited) == before, "the report of a run that was not recorded replaced the previous one"
    run.assert_clean(codes=(2,))
    line = one_error_line(run.stderr)
    assert line.startswith(f"auditor: error: {history}: cannot record the run: "), line
    assert "readonly" in line and "--no-history" in line, line
    assert _leftovers(audited) == []
    again = run_cli(AUDIT, cwd=audited)  # writable again: recorded, and the report replaced
    again.assert_clean(codes=(1,))
    assert _report(audited) != before


def test_read_only_auditor_folder_is_one_line(audited: Path) -> None:
    folder = audited / ".auditor"
    cache = ["--cache-dir", ".auditor/cache"]  # a cache the user keeps there (git tracks none of it)
    run_cli(["check", "--no-semgrep", *cache], cwd=audited).assert_clean(codes=(1,))
    before = _report(audited)
    with read_only(folder):
        check = run_cli(["check", "--no-semgrep", *cache], cwd=audited)
        audit = run_cli([*AUDIT, "--no-cache"], cwd=audited)
    check.assert_clean(codes=(2,))
    line = one_error_line(check.stderr)
    assert "cannot open the database for writing" in line and "--no-cache" in line, line
    audit.assert_clean(codes=(2,))
    line = one_error_line(audit.stderr)
    assert "cannot write the history database" in line and "--no-history" in line, line
    assert _report(audited) == before


def test_auditor_folder_that_is_a_file_is_harmless_to_check(tmp_path: Path) -> None:
    """`check` keeps its cache in the user's cache folder; a `--cache-dir` git tracks files in
    (here: the file itself) is not used, with one warning."""
    repo = attacking_clone(tmp_path, {}, files={".auditor": "a file where auditor keeps its folder\n"})
    run_cli(["check", "--no-semgrep"], cwd=repo).assert_clean(codes=(1,))
    named = run_cli(["check", "--no-semgrep", "--cache-dir", ".auditor"], cwd=repo)
    named.assert_clean(codes=(1,))
    assert "git tracks files in it" in named.stderr
    assert (repo / ".auditor").read_text() == "a file where auditor keeps its folder\n"


@pytest.mark.parametrize("command", [["audit", "--no-semgrep"]], ids=" ".join)
def test_auditor_folder_that_is_a_file_is_one_line(tmp_path: Path, command: list[str]) -> None:
    repo = attacking_clone(tmp_path, {}, files={".auditor": "a file where auditor keeps its folder\n"})
    run = run_cli(command, cwd=repo)
    run.assert_clean(codes=(2,))
    assert one_error_line(run.stderr) == (
        f"auditor: error: {repo / '.auditor'} exists and is not a directory; refusing to write in it"
    )
    assert (repo / ".auditor").read_text() == "a file where auditor keeps its folder\n"


def test_out_at_an_existing_file_is_one_line_before_any_work(tmp_path: Path) -> None:
    root = write_project(tmp_path / "repo")
    (root / "report").write_text("my notes\n")
    run = run_cli(AUDIT, cwd=root)
    run.assert_clean(codes=(2,))
    assert one_error_line(run.stderr) == (
        f"auditor: error: {root / 'report'} exists and is not a directory; choose an empty or report directory"
    )
    assert (root / "report").read_text() == "my notes\n"
    assert not (root / ".auditor").exists(), "the run should stop before the analysis"


# ---- semgrep output partly outside its schema ---------------------------------------------

MALFORMED_SEMGREP = """#!/bin/sh
echo '{"version": "1.190.0", "results": [{"check_id": "x", "path": "app/api/views.py"}, 42], "errors": "oops"}'
"""


def test_partly_malformed_semgrep_output_makes_the_run_incomplete(tmp_path: Path) -> None:
    clean = {"app/domain/bad.py": "import os\n", "app/api/secrets.py": "import os\n"}  # no findings
    root = write_project(tmp_path / "repo", git=False, extra=clean)
    semgrep = tmp_path / "fake-semgrep"
    semgrep.write_text(MALFORMED_SEMGREP)
    semgrep.chmod(0o755)
    env = cli_env({"AUDITOR_SEMGREP": str(semgrep)})
    run = run_cli(["check", "--format", "json"], cwd=root, env=env)
    run.assert_clean(codes=(1,))
    reason = "semgrep's output had 3 malformed entries (dropped): security findings may be missing"
    assert run.json()["run"]["incomplete"] is True
    assert reason in run.json()["run"]["incomplete_reasons"]
    assert run.stderr.strip() == f"auditor: incomplete run: {reason}"
    allowed = run_cli(["check", "--allow-incomplete"], cwd=root, env=env)
    allowed.assert_clean(codes=(0,))


# ---- kill -9 mid-audit --------------------------------------------------------------------


def _kill_when_staged(root: Path) -> None:
    proc = subprocess.Popen(
        [AUDITOR, *AUDIT], cwd=root, env=cli_env({"AUDITOR_TEST_PAUSE_AT": "report-staged"}),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    while b"test pause at report-staged" not in proc.stderr.readline():
        assert proc.poll() is None and time.monotonic() < deadline, "never reached the pause point"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_staging_folder_of_a_killed_run_is_removed_by_the_next_run_and_nothing_else(audited: Path) -> None:
    _kill_when_staged(audited)
    staged = _leftovers(audited)
    assert len(staged) == 1, staged  # what kill -9 leaves
    assert sorted(p.name for p in (audited / staged[0]).iterdir()) == [
        "index.html",
        "report.json",
        "report.sarif",
    ]
    # named like ours but someone else's: a folder with other files, one a running audit holds
    foreign = audited / ".report.tmp-notes"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine\n")
    busy = audited / ".report.tmp-busy"
    busy.mkdir()
    (busy / "index.html").write_text("being written\n")
    held = os.open(busy, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        run_cli(AUDIT, cwd=audited).assert_clean(codes=(1,))
    finally:
        os.close(held)
    assert _leftovers(audited) == [".report.tmp-busy", ".report.tmp-notes"]
    assert (foreign / "notes.txt").read_text() == "mine\n"
    assert (busy / "index.html").read_text() == "being written\n"
    report = (audited / "report" / "report.json").read_text()
    assert "app/domain/worst.py" in report


# ---- file modes ---------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_written_files_follow_the_umask(tmp_path: Path, umask: int) -> None:
    root = write_project(tmp_path / "repo")
    old = os.umask(umask)
    try:
        run_cli(["baseline", "--no-semgrep"], cwd=root).assert_clean(codes=(0,))
        baseline_created = stat.S_IMODE((root / "auditor-baseline.json").stat().st_mode)
        (root / "app" / "domain" / "bad.py").write_text("import os\n")  # fixed: --update rewrites it
        run_cli(["baseline", "--no-semgrep", "--update"], cwd=root).assert_clean(codes=(0,))
        run_cli(["check", "--no-semgrep", "-o", "out.txt"], cwd=root).assert_clean(codes=(0,))
        run_cli(AUDIT, cwd=root).assert_clean(codes=(0,))
    finally:
        os.umask(old)
    file_mode, dir_mode = 0o666 & ~umask, 0o777 & ~umask
    assert baseline_created == file_mode
    assert stat.S_IMODE((root / "auditor-baseline.json").stat().st_mode) == file_mode
    assert stat.S_IMODE((root / "out.txt").stat().st_mode) == file_mode
    assert stat.S_IMODE((root / "report").stat().st_mode) == dir_mode
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in (root / "report").iterdir()} == {
        "index.html": file_mode,
        "report.json": file_mode,
        "report.sarif": file_mode,
    }
