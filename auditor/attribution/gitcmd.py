"""Running git for attribution: one small runner, and what we learn about the repository.

Git is treated like the audited code: its output is data. Every call goes through `Git.run`, so
tests can count calls by pointing `executable` at a wrapper script.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ZERO_SHAS = ("0" * 40, "0" * 64)


class GitUnavailable(Exception):
    """git cannot be used here (executable missing, not a repository, no commit yet)."""


class GitCommandFailed(Exception):
    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        first = stderr.strip().splitlines()[0] if stderr.strip() else f"exit status {returncode}"
        super().__init__(f"git {' '.join(args[:3])}: {first}")
        self.returncode = returncode


@dataclass(frozen=True, slots=True)
class Git:
    executable: str
    cwd: Path

    def run(self, *args: str, input: bytes | None = None) -> bytes:
        """Run `git -c core.quotepath=off ARGS` in cwd; stdout bytes, or GitCommandFailed."""
        env = dict(os.environ)
        env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat"})
        try:
            done = subprocess.run(
                [self.executable, "-c", "core.quotepath=off", *args],
                cwd=self.cwd,
                input=input,
                capture_output=True,
                env=env,
                check=False,
            )
        except FileNotFoundError:
            raise GitUnavailable(f"git executable not found: {self.executable}") from None
        except PermissionError:
            raise GitUnavailable(f"git executable not runnable: {self.executable}") from None
        if done.returncode != 0:
            raise GitCommandFailed(args, done.returncode, done.stderr.decode("utf-8", "replace"))
        return done.stdout


@dataclass(frozen=True, slots=True)
class RepoInfo:
    toplevel: Path
    prefix: str  # the audited root relative to the toplevel: "" or "sub/dir/"
    head: str
    shallow: frozenset[str]  # shallow-boundary commits (empty for a full clone)

    def git_path(self, root_relative: str) -> str:
        return self.prefix + root_relative


def discover_repo(git: Git) -> RepoInfo:
    """Toplevel, prefix, HEAD and shallow boundary in one git call; GitUnavailable otherwise."""
    try:
        out = git.run(
            "rev-parse", "--show-toplevel", "--show-prefix", "--git-path", "shallow", "HEAD^{commit}"
        )
    except GitCommandFailed:
        return _discover_repo_failed(git)
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < 4:
        raise GitUnavailable("not a git repository (unexpected rev-parse output)")
    return _repo_info(git, lines[0], lines[1], lines[2], lines[3].strip())


def _discover_repo_failed(git: Git) -> RepoInfo:
    """Why the one-call discovery failed: not a repository, or a repository with no commit."""
    try:
        git.run("rev-parse", "--show-toplevel")
    except GitCommandFailed as exc:
        raise GitUnavailable(f"not a git repository ({exc})") from None
    raise GitUnavailable("the repository has no commit yet")


def _repo_info(git: Git, toplevel: str, prefix: str, shallow_path: str, head: str) -> RepoInfo:
    shallow_file = Path(shallow_path)
    if not shallow_file.is_absolute():
        shallow_file = git.cwd / shallow_file
    shallow: frozenset[str] = frozenset()
    if shallow_file.is_file():
        shallow = frozenset(s for s in shallow_file.read_text("ascii", "replace").split() if s)
    return RepoInfo(Path(toplevel), prefix, head, shallow)


LISTED_PATHS_MAX = 2000  # above this many paths, list the whole subtree (argv stays small)


def head_blobs(git: Git, paths: Sequence[str] | None = None) -> dict[str, str]:
    """Files at HEAD under git's cwd (toplevel-relative path) -> blob id, from one `git ls-tree`:
    only `paths` (cwd-relative; ls-tree takes them literally) when given and not too many, else
    the whole audited subtree (a monorepo's other files are never listed). Listing 300 of
    Django's 2,800 files takes 4 ms; the subtree, 29 ms."""
    chosen = list(paths) if paths is not None and len(paths) <= LISTED_PATHS_MAX else []
    if paths is not None and not paths:
        return {}
    out = git.run("ls-tree", "-r", "-z", "--full-name", "HEAD", *(["--", *chosen] if chosen else []))
    blobs: dict[str, str] = {}
    for item in out.split(b"\0"):
        if not item:
            continue
        meta, _, path = item.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            blobs[path.decode("utf-8", "surrogateescape")] = parts[2].decode()
    return blobs


def tracked_files(root: Path, pattern: str = "*.py", executable: str = "git") -> list[str] | None:
    """Files tracked by git under `root` matching `pattern` (root-relative, existing in the
    working tree), or None when `root` is not in a git work tree or git is missing."""
    try:
        out = Git(executable, root).run("ls-files", "-z", "--", pattern)
    except (GitUnavailable, GitCommandFailed):
        return None
    names = [n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n]
    return sorted(n for n in dict.fromkeys(names) if (root / n).is_file())
