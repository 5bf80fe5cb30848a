"""semgrep missing, crashing, printing garbage, hanging, or still running when the auditor is
stopped: `auditor check` says so on one line, exits 1 (an incomplete run) or 0 with
--allow-incomplete, never leaves a semgrep process behind, and never prints a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from hostile.cli import AUDITOR, cli_env, run_cli
from hostile.project import FILES, write_project

CLEAN = {"app/domain/bad.py": "import os\n", "app/api/secrets.py": "import os\n"}  # no findings
TIMEOUT = "\n[tool.auditor.semgrep]\ntotal_timeout_s = 3\n"
FAKES = {
    "crash": "#!/bin/sh\nkill -SEGV $$\n",
    "garbage": "#!/bin/sh\necho 'this is not json'\nexit 0\n",
    "exit7": "#!/bin/sh\necho 'bad config' >&2\nexit 7\n",
    "hang": '#!/bin/sh\necho $$ > "$FAKE_PID_FILE"\nsleep 600 &\nwait\n',
}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return write_project(
        tmp_path / "repo", git=False, extra={**CLEAN, "pyproject.toml": FILES["pyproject.toml"] + TIMEOUT}
    )


def fake(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"fake-{name}"
    path.write_text(FAKES[name])
    path.chmod(0o755)
    return str(path)


def _check(project: Path, semgrep: str, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    run = run_cli(
        ["check", "-o", "out.txt", *extra],
        cwd=project,
        env=cli_env({"AUDITOR_SEMGREP": semgrep, **(env or {})}),
        timeout=60,
    )
    run.assert_clean(codes=(0, 1))
    return run.code, run.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing", "incomplete run: semgrep not found"),
        ("crash", "incomplete run: semgrep crashed: killed by signal SIGSEGV"),
        ("garbage", "incomplete run: semgrep produced no JSON output"),
        ("exit7", "incomplete run: semgrep produced no JSON output"),
        ("hang", "incomplete run: semgrep timed out after 3 s (killed)"),
    ],
)
def test_semgrep_fault_is_an_incomplete_run(project: Path, tmp_path: Path, name: str, message: str) -> None:
    semgrep = str(tmp_path / "no-such-semgrep") if name == "missing" else fake(tmp_path, name)
    pid_file = tmp_path / "fake.pid"
    code, stderr = _check(project, semgrep, env={"FAKE_PID_FILE": str(pid_file)})
    assert code == 1, stderr
    assert message in stderr, stderr
    assert len([line for line in stderr.splitlines() if line.strip()]) == 1, stderr
    code, stderr = _check(project, semgrep, "--allow-incomplete", env={"FAKE_PID_FILE": str(pid_file)})
    assert code == 0, stderr
    if name == "hang":
        _assert_gone(int(pid_file.read_text()))


def test_incomplete_run_is_marked_in_json(project: Path, tmp_path: Path) -> None:
    run = run_cli(
        ["check", "--format", "json"], cwd=project, env=cli_env({"AUDITOR_SEMGREP": fake(tmp_path, "crash")})
    )
    run.assert_clean(codes=(1,))
    doc = run.json()
    assert doc["run"]["incomplete"] is True
    assert any("SIGSEGV" in r for r in doc["run"]["incomplete_reasons"])


def _assert_gone(pid: int, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)
    raise AssertionError(f"semgrep process group {pid} outlived the auditor")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_auditor_stops_semgrep(project: Path, tmp_path: Path, sig: signal.Signals) -> None:
    pid_file = tmp_path / "fake.pid"
    env = cli_env({"AUDITOR_SEMGREP": fake(tmp_path, "hang"), "FAKE_PID_FILE": str(pid_file)})
    (project / "pyproject.toml").write_text(FILES["pyproject.toml"])  # default 30 min timeout
    proc = subprocess.Popen(
        [AUDITOR, "check"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert proc.poll() is None and time.monotonic() < deadline, "semgrep never started"
        time.sleep(0.05)
    os.kill(proc.pid, sig)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("the auditor did not stop") from None
    assert proc.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[sig], err
    assert b"Traceback" not in err, err
    _assert_gone(int(pid_file.read_text()))
