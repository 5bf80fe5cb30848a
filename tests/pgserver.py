"""A throwaway PostgreSQL cluster for the test session: initdb + pg_ctl in a temp folder, on a
private port, with a password login over TCP (scram-sha-256) as a real server would have.

The binaries: $AUDITOR_PG_BIN (scripts/test.sh sets it after installing Debian's `postgresql`),
else `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin. PostgreSQL refuses to run
as root: as root the cluster belongs to the `postgres` user (Debian's package makes it) and its
commands run through `runuser`. Where no server can be had the tests that need one are skipped
with the reason; where scripts/test.sh installed one (AUDITOR_PG_BIN set under CI=true), a
cluster that does not start is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "auditor_test"
PASSWORD = "s3cret-Pw-never-printed"


def bin_dir() -> Path | None:
    named = os.environ.get("AUDITOR_PG_BIN")
    if named:
        return Path(named)
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, check=True, text=True).stdout
        if (Path(out.strip()) / "initdb").exists():
            return Path(out.strip())
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bindir: Path
    as_user: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, str(self.bindir / tool), *args], capture_output=True, text=True, timeout=120
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """A running cluster, or pytest.skip / pytest.fail with the reason."""
    bindir = bin_dir()
    if bindir is None or not (bindir / "initdb").exists():
        return _unavailable("no PostgreSQL server binaries (apt-get install postgresql, or set AUDITOR_PG_BIN)")
    folder = Path(tempfile.mkdtemp(prefix="auditor-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            return _unavailable("running as root and there is no `postgres` user to own the cluster")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if as_user:
        os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
    cluster = Cluster(folder, _free_port(), bindir, as_user)
    init = cluster.run(
        "initdb", "-D", str(folder / "data"), "-U", USER, f"--pwfile={pwfile}", "-E", "UTF8",
        "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions",
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        return _unavailable(f"initdb failed: {init.stderr.strip()[-300:]}")
    options = (
        f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    start = cluster.run("pg_ctl", "-D", str(folder / "data"), "-o", options, "-l", str(folder / "log"), "-w", "start")
    if start.returncode != 0:
        log = (folder / "log").read_text(errors="replace")[-300:] if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        return _unavailable(f"pg_ctl start failed: {start.stderr.strip()[-200:]} {log}")
    return cluster


def _unavailable(reason: str) -> Cluster:
    if os.environ.get("CI", "").lower() == "true" and os.environ.get("AUDITOR_PG_BIN"):
        pytest.fail(f"PostgreSQL was installed for this run but cannot be used: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@contextlib.contextmanager
def session_cluster() -> Iterator[Cluster]:
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


def create_database(cluster: Cluster, name: str) -> str:
    """A fresh, empty database on the cluster; its URL (the password comes from the environment)."""
    import psycopg

    with psycopg.connect(cluster.url(), password=PASSWORD, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return cluster.url(name)
