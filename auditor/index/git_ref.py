"""Read a git ref's files without touching the user's checkout.

`check --base REF` needs REF's version of the files the change touched; everything else is the
same as in the working tree. Those versions come from git's object store in one
`git cat-file --batch`, so a dirty work tree is fine and nothing is checked out.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from auditor.domain.errors import GitError
from auditor.support.git import (
    Change,
    Git,
    GitCommandFailed,
    GitUnavailable,
    PendingGit,
    head_info,
    parse_name_status,
    repo_toplevel,
    run_git,
)


@dataclass(frozen=True)
class BaseRef:
    """REF resolved, with what the rest of a pre-merge check needs to know about the repo."""

    commit: str  # the commit REF names
    toplevel: Path
    prefix: str  # the audited root relative to the toplevel, "" at the top ("sub/dir" else)
    head: str | None  # HEAD's commit (None before the first commit)
    branch: str | None  # None when detached

    def local(self, path: str | None) -> str | None:
        """A toplevel-relative path relative to the audited root, None when outside it."""
        if path is None or not self.prefix:
            return path
        return path[len(self.prefix) + 1 :] if path.startswith(self.prefix + "/") else None


def open_base(root: Path, ref: str) -> BaseRef:
    """Resolve REF (GitError with the fix, exit 2) and learn toplevel, prefix, HEAD and branch,
    in one `git rev-parse` when all goes well."""
    if ref.startswith("-"):
        raise GitError(f"--base {ref!r}: not a git revision")
    try:
        out = run_git(
            root, "rev-parse", "--show-toplevel", "--show-prefix", f"{ref}^{{commit}}", "HEAD",
            "--abbrev-ref", "HEAD", "--", check=False,
        )  # fmt: skip
    except GitUnavailable as exc:
        raise GitError(f"--base {ref}: {_unavailable(exc)}") from exc
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) >= 6 and lines[5] == "--":
        branch = None if lines[4] == "HEAD" else lines[4]
        return BaseRef(lines[2], Path(lines[0]), lines[1].rstrip("/"), lines[3], branch)
    # something is off (unknown REF, no commit yet, not a repository): ask one thing at a time
    commit = _resolve_ref(root, ref)
    top = repo_toplevel(root)
    if top is None:
        raise GitError(f"{root} is not inside a git repository")
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    head, branch = head_info(root)
    return BaseRef(commit, top, "" if prefix == "." else prefix, head, branch)


def _unavailable(exc: GitUnavailable) -> str:
    return "git is not installed (not found on PATH)" if exc.missing else str(exc)


def _resolve_ref(root: Path, ref: str) -> str:
    """The commit id REF names, or GitError with the fix (exit 2). `ref` was checked by
    open_base not to look like an option."""
    try:
        out = run_git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
    except GitUnavailable as exc:
        raise GitError(f"--base {ref}: {_unavailable(exc)}") from exc
    commit = out.decode().strip()
    if not commit:
        if repo_toplevel(root) is None:
            raise GitError(f"--base {ref}: {root} is not inside a git repository")
        shallow = run_git(root, "rev-parse", "--is-shallow-repository", check=False).decode().strip()
        hint = (
            "this is a shallow clone; fetch the base first, e.g. "
            f"`git fetch --depth=100 origin {ref.removeprefix('origin/')}` (or fetch-depth: 0 in CI)"
            if shallow == "true"
            else f"fetch it first, e.g. `git fetch origin {ref.removeprefix('origin/')}`"
        )
        raise GitError(f"--base {ref}: unknown revision in this repository; {hint}")
    return commit


def read_blobs(base: BaseRef, paths: list[str]) -> dict[str, bytes]:
    """The contents of `paths` (relative to the audited root) at REF, in one
    `git cat-file --batch`. Paths missing at REF are left out."""
    if not paths:
        return {}
    names = [f"{base.prefix}/{p}" if base.prefix else p for p in paths]
    request = b"".join(f"{base.commit}:{name}\n".encode("utf-8", "surrogateescape") for name in names)
    try:
        data = run_git(base.toplevel, "cat-file", "--batch", input=request)
    except GitCommandFailed as exc:
        raise GitError(f"cannot read {base.commit[:12]}'s files: {exc}") from exc
    found: dict[str, bytes] = {}
    offset = 0
    for path in paths:
        header_end = data.index(b"\n", offset)
        header = data[offset:header_end].split()
        offset = header_end + 1
        if header[-1] == b"missing" or len(header) != 3:
            continue
        size = int(header[2])
        if header[1] == b"blob":
            found[path] = data[offset : offset + size]
        offset += size + 1
    return found


class PendingChanges:
    """`git diff` against REF and the untracked listing, running while the caller works.

    Even starting them is left to a thread (listing the config's filter drivers first, then two
    process starts: ~5 ms), so the caller's work begins at once; a failure to start is raised
    by `result()`."""

    def __init__(self, root: Path, base: BaseRef) -> None:
        self.base = base
        diff_cmd = ("diff", "-M", "--name-status", "-z", base.commit, "--")
        # untracked files below the audited root only (a monorepo's other trees are not listed)
        untracked_cmd = ("ls-files", "--others", "--exclude-standard", "--full-name", "-z")
        commands = ((Git("git", base.toplevel), diff_cmd), (Git("git", root), untracked_cmd))
        self._git: PendingGit | None = None
        self._failed: GitUnavailable | GitCommandFailed | None = None
        self._starting = threading.Thread(target=self._start, args=commands, daemon=True)
        self._starting.start()

    def _start(self, *commands: tuple[Git, tuple[str, ...]]) -> None:
        try:
            self._git = PendingGit(*commands)
        except (GitUnavailable, GitCommandFailed) as exc:
            self._failed = exc

    def _started(self) -> PendingGit:
        self._starting.join()
        if self._failed is not None:
            raise self._failed
        assert self._git is not None
        return self._git

    def cancel(self) -> None:
        self._starting.join()
        if self._git is not None:
            self._git.cancel()

    def result(self) -> list[Change]:
        """Files changed between REF and the working tree (incl. untracked), renames
        detected; toplevel-relative paths."""
        try:
            diff, untracked = self._started().results()
        except GitCommandFailed as exc:
            raise GitError(f"git diff against {self.base.commit[:12]} failed: {exc.stderr.strip()}") from exc
        changes = parse_name_status(diff)
        for raw in untracked.split(b"\0"):
            if raw:
                changes.append(Change("A", raw.decode("utf-8", "surrogateescape")))
        return changes
