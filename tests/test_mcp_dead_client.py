"""A server whose client is gone stops, with its parse pool: closing the server's stdin while a
tool call is still working (here a call whose pool worker would sleep for an hour) ends the
process and that worker, instead of finishing work nobody will read; so does the death of the
process that started it, even while something else keeps its stdin open."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

# The server as `auditor mcp` runs it, with its `check` tool replaced by one that parks a worker
# of a process pool (started as the parse pool is: forkserver, the server having threads).
SERVER = """
import multiprocessing, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from auditor.mcp.session import ProjectSession

def parked_check(self, base, paths):
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pending = pool.submit(time.sleep, 3600)
        pids = [str(p.pid) for p in multiprocessing.active_children()]
        Path(sys.argv[2]).write_text(" ".join(pids))
        return pending.result()

ProjectSession.check = parked_check
from auditor.cli.main import main
sys.exit(main(["mcp", sys.argv[1], "--no-semgrep"]))
"""

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}},
}


def send(proc: subprocess.Popen[bytes], message: dict) -> None:
    assert proc.stdin is not None
    proc.stdin.write((json.dumps(message) + "\n").encode())
    proc.stdin.flush()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left to collect


def wait_until(condition, limit_s: float) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_closing_stdin_mid_call_ends_the_server_and_its_pool(tmp_path):
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.auditor]\npackages = ["pkg"]\n')
    (root / "pkg" / "__init__.py").write_text("")
    marker = tmp_path / "pool-pids"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(root), str(marker)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    try:
        send(proc, INIT)
        assert proc.stdout is not None and b'"id":1' in proc.stdout.readline()
        send(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        send(proc, {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "check", "arguments": {}}})
        assert wait_until(lambda: marker.exists() and marker.read_text(), 120), "the call never started its pool"
        workers = [int(pid) for pid in marker.read_text().split()]
        assert workers and all(alive(pid) for pid in workers)

        proc.stdin.close()  # type: ignore[union-attr]  # the client is gone
        proc.wait(timeout=120)  # ends long before the worker's hour is up
        assert wait_until(lambda: not any(alive(pid) for pid in workers), 60), "a pool worker outlived the server"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in [int(p) for p in marker.read_text().split()] if marker.exists() else []:
            if alive(pid):
                os.kill(pid, 9)


# A client that starts the server on pipes the test holds (stdin's write end, stdout's read
# end), prints the server's pid, then waits to be killed.
CLIENT = """
import subprocess, sys, time
server = subprocess.Popen(
    [sys.executable, "-m", "auditor", "mcp", sys.argv[1], "--no-semgrep"],
    stdin=int(sys.argv[2]), stdout=int(sys.argv[3]), stderr=subprocess.DEVNULL,
)
print(server.pid, flush=True)
time.sleep(3600)
"""


def test_a_server_whose_parent_died_exits_though_its_stdin_stays_open(tmp_path):
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.auditor]\npackages = ["pkg"]\n')
    (root / "pkg" / "__init__.py").write_text("")
    stdin_read, stdin_write = os.pipe()  # the test keeps the write end: no end of input
    stdout_read, stdout_write = os.pipe()
    client = subprocess.Popen(
        [sys.executable, "-c", CLIENT, str(root), str(stdin_read), str(stdout_write)],
        stdout=subprocess.PIPE,
        pass_fds=(stdin_read, stdout_write),
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    os.close(stdin_read)
    os.close(stdout_write)
    server = 0
    try:
        assert client.stdout is not None
        server = int(client.stdout.readline())
        os.write(stdin_write, (json.dumps(INIT) + "\n").encode())
        with os.fdopen(stdout_read, "rb") as replies:
            assert b'"id":1' in replies.readline()  # serving: its parent is the client
            client.kill()
            client.wait()
            assert wait_until(lambda: not alive(server), 60), "the server outlived its parent"
    finally:
        os.close(stdin_write)
        if client.poll() is None:
            client.kill()
        if server and alive(server):
            os.kill(server, 9)
