"""A minimal git runner for the pipeline: run a command, or learn that git is not there."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}


class GitUnavailable(Exception):
    """git is missing, or the directory is not inside a repository."""


def run_git(root: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    """Run `git -C root args...` and return stdout; raise GitUnavailable or CalledProcessError."""
    env = {**os.environ, **GIT_ENV}
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            input=input,
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitUnavailable("git is not installed (not found on PATH)") from exc
    if check and proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, proc.stdout, proc.stderr)
    return proc.stdout


class PendingGit:
    """git commands started side by side (`start_git`); `results()` waits for all of them."""

    def __init__(self, *commands: tuple[Path, Sequence[str]]) -> None:
        env = {**os.environ, **GIT_ENV}
        self.procs: list[subprocess.Popen[bytes]] = []
        try:
            for where, args in commands:
                self.procs.append(
                    subprocess.Popen(
                        ["git", "-C", str(where), *args],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        env=env,
                    )
                )
        except FileNotFoundError as exc:
            self.cancel()
            raise GitUnavailable("git is not installed (not found on PATH)") from exc

    def results(self) -> list[bytes]:
        """Their stdout in order; CalledProcessError for the first that failed."""
        outputs = [proc.communicate() for proc in self.procs]
        for proc, (out, err) in zip(self.procs, outputs, strict=True):
            if proc.returncode != 0:
                raise subprocess.CalledProcessError(proc.returncode, proc.args, out, err)
        return [out for out, _err in outputs]

    def cancel(self) -> None:
        """Stop the commands (work that raised before it needed their results)."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()


def head_info(root: Path) -> tuple[str | None, str | None]:
    """(commit, branch) of the repository at root, or (None, None) outside git."""
    try:
        out = run_git(root, "rev-parse", "HEAD", "--abbrev-ref", "HEAD").decode().split()
    except (GitUnavailable, subprocess.CalledProcessError):
        return None, None  # not a repository, or no commit yet
    commit = out[0] if out else None
    branch = out[1] if len(out) > 1 and out[1] != "HEAD" else None  # "HEAD": detached
    return commit, branch


def repo_toplevel(root: Path) -> Path | None:
    try:
        out = run_git(root, "rev-parse", "--show-toplevel").decode().strip()
    except (GitUnavailable, subprocess.CalledProcessError):
        return None
    return Path(out) if out else None
