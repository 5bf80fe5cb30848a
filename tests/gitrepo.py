"""Deterministic git repositories for tests: fixed dates, no dependence on the user's git config.

    repo = GitRepo(tmp_path / "repo")
    sha = repo.commit({"pkg/a.py": "x = 1\n", "old.py": None}, "add a",
                      author=("Ann", "ann@example.com"),
                      trailers=[("Co-authored-by", "Claude <noreply@anthropic.com>")])
    repo.add_note("refs/notes/ai", sha, "...")
    repo.mv("pkg/a.py", "pkg/b.py", message="rename")

A file mapped to None is deleted. Every commit gets GIT_AUTHOR_DATE / GIT_COMMITTER_DATE from
`date` (default 2026-01-01T00:00:00Z), so two runs of the same script give the same shas.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

DEFAULT_DATE = "2026-01-01T00:00:00Z"
DEFAULT_AUTHOR = ("Test Human", "human@example.com")


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment in which git ignores every user and system config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "TZ": "UTC",
        }
    )
    if extra:
        env.update(extra)
    return env


class GitRepo:
    """A git repository in `path` (created, `main` branch) driven with plain git commands."""

    def __init__(self, path: Path, *, init: bool = True) -> None:
        self.path = Path(path)
        if init:
            self.path.mkdir(parents=True, exist_ok=True)
            self.git("-c", "init.defaultBranch=main", "init", "-q")
            self.git("config", "user.name", DEFAULT_AUTHOR[0])
            self.git("config", "user.email", DEFAULT_AUTHOR[1])
            self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, input: str | bytes | None = None, env: Mapping[str, str] | None = None) -> str:
        """Run git in the repository; returns stdout; raises CalledProcessError with stderr."""
        data = input.encode() if isinstance(input, str) else input
        done = subprocess.run(
            ["git", *args],
            cwd=self.path,
            input=data,
            capture_output=True,
            env=git_env(env),
            check=False,
        )
        if done.returncode != 0:
            raise subprocess.CalledProcessError(
                done.returncode, ["git", *args], done.stdout, done.stderr.decode(errors="replace")
            )
        return done.stdout.decode("utf-8", errors="surrogateescape")

    def write(self, files: Mapping[str, str | None]) -> None:
        """Change the working tree only (None deletes)."""
        for rel, content in files.items():
            target = self.path / rel
            if content is None:
                if target.exists():
                    target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode("utf-8"))

    def commit(
        self,
        files: Mapping[str, str | None],
        message: str,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        committer: tuple[str, str] | None = None,
        date: str = DEFAULT_DATE,
        trailers: Sequence[tuple[str, str]] = (),
    ) -> str:
        """Write `files`, stage them and commit; returns the new commit's sha."""
        self.write(files)
        for rel, content in files.items():
            if content is None:
                self.git("rm", "-q", "--cached", "--ignore-unmatch", "--", rel)
            else:
                self.git("add", "--", rel)
        return self._commit(message, author, committer, date, trailers)

    def mv(
        self,
        old: str,
        new: str,
        message: str = "rename",
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: str = DEFAULT_DATE,
    ) -> str:
        """`git mv old new` and commit."""
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)
        return self._commit(message, author, None, date, ())

    def _commit(
        self,
        message: str,
        author: tuple[str, str],
        committer: tuple[str, str] | None,
        date: str,
        trailers: Sequence[tuple[str, str]],
    ) -> str:
        committer = committer or author
        if trailers:
            body = message.rstrip("\n") + "\n\n" + "".join(f"{k}: {v}\n" for k, v in trailers)
        else:
            body = message
        env = {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": date,
        }
        self.git("commit", "-q", "--allow-empty", "--no-verify", "-F", "-", input=body, env=env)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def add_note(self, ref: str, sha: str, text: str) -> None:
        """Attach `text` as the note of `sha` under `ref` (e.g. "refs/notes/ai" or "ai")."""
        env = {"GIT_AUTHOR_DATE": DEFAULT_DATE, "GIT_COMMITTER_DATE": DEFAULT_DATE}
        self.git("notes", f"--ref={ref}", "add", "-f", "-F", "-", sha, input=text, env=env)

    def clone(self, dest: Path, *args: str) -> GitRepo:
        """`git clone [args] file://self dest` (e.g. args=("--depth", "1") for a shallow clone)."""
        subprocess.run(
            ["git", "clone", "-q", *args, f"file://{self.path}", str(dest)],
            check=True,
            capture_output=True,
            env=git_env(),
        )
        return GitRepo(dest, init=False)


def isolate(monkeypatch: object) -> None:
    """Make git calls of the code under test ignore user/system config (pytest monkeypatch)."""
    for key, value in git_env().items():
        if key.startswith("GIT_") or key in ("LC_ALL", "TZ"):
            monkeypatch.setenv(key, value)  # type: ignore[attr-defined]


def logged_git(folder: Path) -> tuple[Path, Path]:
    """A `git` wrapper script in folder/bin that appends each call's arguments to a log (one
    line per call), and that log: point code at the script, or put its folder first on PATH."""
    import shutil

    real = shutil.which("git")
    assert real is not None
    log = folder / "git-calls.log"
    script = folder / "bin" / "git"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    return script, log
