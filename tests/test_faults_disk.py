"""A full disk while writing the report: a one-line error, no traceback, the previous report left
intact, no half-written files or temporary directories, and the run not recorded in history.
Uses a 96 KB tmpfs when mounting is permitted (root), else a failing fsync in-process."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.cli import run_cli
from hostile.project import write_project

from auditor.cli.main import main


@pytest.fixture()
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _bloat(root: Path, count: int) -> None:
    """More findings, so the next report needs more room than is left."""
    for i in range(count):
        (root / "app" / "domain" / f"worse{i}.py").write_text("from app.api import views\n" * 3)


def test_full_disk_keeps_previous_report_and_history(tmp_path: Path, tiny_disk: Path) -> None:
    root = write_project(tmp_path / "repo")
    out = tiny_disk / "report"
    first = run_cli(["audit", "--no-semgrep", "--out", str(out)], cwd=root)
    first.assert_clean(codes=(1,))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _bloat(root, 40)
    run = run_cli(["audit", "--no-semgrep", "--out", str(out)], cwd=root)
    run.assert_clean(codes=(2,))
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("auditor: error: "), run.stderr
    assert "No space left on device" in lines[0]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["report"], "temporary files left on the disk"
    history = run_cli(["history", "--format", "json"], cwd=root)
    history.assert_clean(codes=(0,))
    assert len(history.json()["runs"]) == 1, "a run whose report failed must not be recorded"


def test_full_disk_for_check_output(tmp_path: Path, tiny_disk: Path) -> None:
    root = write_project(tmp_path / "repo")
    (tiny_disk / "filler").write_bytes(b"x" * (93 * 1024))  # the last page taken
    run = run_cli(["check", "--no-semgrep", "--format", "json", "-o", str(tiny_disk / "out.json")], cwd=root)
    run.assert_clean(codes=(2,))
    assert "No space left on device" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"], "a partial output file was left"


def test_failing_writer_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "repo")
    out = tmp_path / "report"
    assert main(["audit", str(root), "--no-semgrep", "--no-history", "--out", str(out)]) == 1
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("auditor.usecases.audit.os.fsync", no_space)
    _bloat(root, 3)
    code = main(["audit", str(root), "--no-semgrep", "--no-history", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "No space left on device" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "report"]
