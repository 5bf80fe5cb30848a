"""The cache folder a run uses, and whether it may be trusted.

- by default, the project's folder in the user's cache folder (support.cache_home): nothing the
  repository contains is read as a cache, and the warm path asks git nothing;
- `--cache-dir DIR` is the user's choice (a CI cache restored between runs, say) and is used,
  unless DIR lies in a git work tree that tracks files in it: those came with the code, so the
  run goes on without a cache and says so on one line. Only this case runs `git ls-files`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from auditor.support.cache_home import project_cache_dir


def chosen_cache_dir(root: Path, given: str | Path | None) -> Path | None:
    """The cache folder to use: `given` (made absolute, symlinks NOT resolved: a link the
    repository commits at DIR is then seen, and refused by the safe writers, not followed) when
    it can be trusted, None when it cannot (after one warning on stderr), the project's default
    folder when nothing is given."""
    if not given:
        return project_cache_dir(root)
    directory = Path(os.path.abspath(given))
    reason = _tracked_reason(directory)
    if reason is None:
        return directory
    print(f"auditor: warning: --cache-dir {directory}: {reason}; running without a cache", file=sys.stderr)
    return None


def _work_tree(directory: Path) -> Path | None:
    """The nearest folder at or above `directory` that holds a `.git` (no git process)."""
    for folder in (directory, *directory.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _tracked_reason(directory: Path) -> str | None:
    """Why `directory` cannot be trusted as a cache (git tracks files in it), or None."""
    from auditor.support.git import Git, GitCommandFailed, GitUnavailable  # only for a named folder

    top = _work_tree(directory)
    if top is None:
        return None
    relative = directory.relative_to(top).as_posix()
    try:
        out = Git("git", top).run("ls-files", "-z", "--", f":(literal){relative}")
    except GitUnavailable:
        return None  # no git: nothing is tracked by anything auditor could ask
    except GitCommandFailed as exc:
        return f"cannot tell whether git tracks files in it ({exc})"
    tracked = [name for name in out.split(b"\0") if name]
    if tracked:
        return (
            f"git tracks files in it ({tracked[0].decode('utf-8', 'replace')!r}), so they came with the code"
        )
    return None
