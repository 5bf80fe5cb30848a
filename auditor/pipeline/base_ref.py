"""Read a git ref's tree without touching the user's checkout.

`check --base REF` analyses REF's files in a private temporary directory filled from git's object
store (`git ls-tree` + one `git cat-file --batch`), so a dirty work tree is fine and nothing is
checked out. The parse cache is keyed by content, so files unchanged since REF are not parsed again.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from auditor.domain.errors import GitError
from auditor.support.git import GitUnavailable, repo_toplevel, run_git

# what the analysis needs from the base tree: sources, config, ignore rules, ownership
_WANTED_SUFFIXES = (".py", ".pyi")
_WANTED_NAMES = {"pyproject.toml", "auditor.toml", ".gitignore", "CODEOWNERS"}


@dataclass(frozen=True)
class Change:
    status: str  # A, M, D, R (rename), C, T
    path: str  # repo-relative path in the working tree (new path for renames)
    old_path: str | None = None  # path at REF (renames and deletes)


def resolve_ref(root: Path, ref: str) -> str:
    """The commit id REF names, or GitError with the fix (exit 2)."""
    if ref.startswith("-"):
        raise GitError(f"--base {ref!r}: not a git revision")
    try:
        out = run_git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
    except GitUnavailable as exc:
        raise GitError(f"--base {ref}: {exc}") from exc
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


def _wanted(path: str) -> bool:
    p = PurePosixPath(path)
    return p.suffix in _WANTED_SUFFIXES or p.name in _WANTED_NAMES


def materialise(root: Path, commit: str, dest: Path) -> Path:
    """Write the wanted files of `commit` below `dest`; return the directory matching `root`.

    `root` may be a subdirectory of the repository: the returned path is the same subdirectory
    inside `dest`.
    """
    top = repo_toplevel(root)
    if top is None:
        raise GitError(f"{root} is not inside a git repository")
    listing = run_git(top, "ls-tree", "-r", "-z", "--full-tree", commit)
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode != "120000" and _wanted(path):
            blobs.append((oid, path))
    if blobs:
        request = b"".join(oid.encode() + b"\n" for oid, _ in blobs)
        data = run_git(top, "cat-file", "--batch", input=request)
        offset = 0
        for _oid, path in blobs:
            header_end = data.index(b"\n", offset)
            size = int(data[offset:header_end].split()[2])
            body = data[header_end + 1 : header_end + 1 + size]
            offset = header_end + 1 + size + 1
            target = dest / path
            if not target.resolve().is_relative_to(dest.resolve()):
                continue  # a hostile path in the tree; never write outside dest
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
    sub = root.resolve().relative_to(top.resolve())
    return dest / sub


def changes_since(root: Path, commit: str) -> list[Change]:
    """Files changed between `commit` and the working tree (incl. untracked), renames detected."""
    top = repo_toplevel(root)
    if top is None:
        raise GitError(f"{root} is not inside a git repository")
    try:
        diff = run_git(top, "diff", "-M", "--name-status", "-z", commit, "--")
        untracked = run_git(top, "ls-files", "--others", "--exclude-standard", "-z")
    except subprocess.CalledProcessError as exc:
        raise GitError(f"git diff against {commit[:12]} failed: {exc.stderr.decode().strip()}") from exc
    fields = [f.decode("utf-8", "surrogateescape") for f in diff.split(b"\0") if f]
    changes: list[Change] = []
    i = 0
    while i < len(fields):
        status = fields[i]
        if status[0] in "RC":
            changes.append(Change(status[0], fields[i + 2], fields[i + 1]))
            i += 3
        else:
            changes.append(Change(status[0], fields[i + 1], fields[i + 1] if status[0] != "A" else None))
            i += 2
    for raw in untracked.split(b"\0"):
        if raw:
            changes.append(Change("A", raw.decode("utf-8", "surrogateescape")))
    return changes
