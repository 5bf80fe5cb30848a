"""Which files the security stage scans: every Python file and template of the repository.

Not only the modules of the audited packages: scripts, `manage.py`, settings and apps in folders
without an `__init__.py` run in production too, and so do templates (`.html`, `.jinja`,
`.jinja2`, `.j2`). The files are git's own answer (`git ls-files -co --exclude-standard`:
tracked and untracked, minus what `.gitignore` hides), or, outside a git work tree, a walk that
honours the tree's `.gitignore` files.

By default the stage leaves out virtual environments and tool folders, tests and migrations;
`[security] include` globs bring such files back, `[security] exclude` (and the top-level
`exclude`) globs leave more out. What a default rule or the config leaves out is counted per
reason (`ScanFiles.left_out`), so the run can say what was not scanned; a file that cannot be
scanned safely (a symlink out of the tree, a fifo) is an AnalysisError.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.discover.walk import SKIPPED_DIRS, ignore_rules, link_problem
from auditor.domain import AnalysisError
from auditor.security.suffixes import PYTHON_SUFFIXES, SUFFIXES, TEMPLATE_SUFFIXES  # noqa: F401 (re-exported)
from auditor.support.git import GitCommandFailed, GitUnavailable, run_git

if TYPE_CHECKING:
    import pathspec

TEST_DIRS = frozenset({"tests", "test"})  # not `testing/`: usually shipped helpers (numpy.testing)
_TEST_FILE = re.compile(r"^(test_.+|.+_test|tests|conftest)\.py$")
MIGRATION_DIRS = frozenset({"migrations"})
ENVIRONMENTS = "virtual environments and tool folders"
TESTS = "tests"
MIGRATIONS = "migrations"
CONFIG_EXCLUDED = "excluded by the configuration"


@dataclass
class ScanFiles:
    files: list[str] = field(default_factory=list)  # repo-relative, posix, sorted
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> how many files
    errors: list[AnalysisError] = field(default_factory=list)  # not scanned: unsafe or unreadable

    def summary(self) -> str | None:
        """One line for the run's warnings: what was not scanned and why, or None."""
        if not self.left_out:
            return None
        parts = [f"{count} ({reason})" for reason, count in sorted(self.left_out.items())]
        return (
            "security scan: files not scanned: " + ", ".join(parts)
            + "; [security] include = [...] globs scan them"
        )  # fmt: skip


def security_files(root: Path, *, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> ScanFiles:
    """The files the security stage scans under `root` (see the module docstring)."""
    root = Path(root).absolute()
    listed = _git_listing(root)
    if listed is None:
        listed = _walk(root)
    wanted = _spec(include)
    unwanted = _spec(exclude)
    out = ScanFiles()
    venvs: dict[str, bool] = {}
    for path in sorted(set(listed)):
        if not path.endswith(SUFFIXES):
            continue
        reason = default_reason(path, lambda folder: _is_venv(root, folder, venvs))
        if unwanted is not None and unwanted.match_file(path):
            reason = CONFIG_EXCLUDED
        elif reason is not None and wanted is not None and wanted.match_file(path):
            reason = None
        if reason is not None:
            out.left_out[reason] = out.left_out.get(reason, 0) + 1
            continue
        problem = _file_problem(root, path)
        if problem:
            out.errors.append(AnalysisError(path, f"not scanned by semgrep: {problem}"))
        else:
            out.files.append(path)
    return out


def default_reason(path: str, is_venv: Callable[[str], bool] | None = None) -> str | None:
    """Why the default policy leaves `path` out (a reason name), or None when it is scanned.
    `is_venv(folder)`: whether a folder is a virtual environment (holds a pyvenv.cfg)."""
    parts = path.split("/")
    folders = parts[:-1]
    for depth, name in enumerate(folders, 1):
        if name in SKIPPED_DIRS or (is_venv is not None and is_venv("/".join(parts[:depth]))):
            return ENVIRONMENTS
    if any(name in TEST_DIRS for name in folders) or _TEST_FILE.match(parts[-1]):
        return TESTS
    if any(name in MIGRATION_DIRS for name in folders):
        return MIGRATIONS
    return None


def path_module(path: str) -> str:
    """The dotted name a file outside the audited packages answers to for layer patterns:
    `scripts/deploy.py` -> `scripts.deploy`, `shop/templates/cart.html` -> `shop.templates.cart.html`
    (a template keeps its suffix, so it never takes a module's name); a leading `src/` is dropped."""
    if path.startswith("src/"):
        path = path[4:]
    if path.endswith("/__init__.py"):
        path = path[: -len("/__init__.py")]
    elif path.endswith(".py"):
        path = path[:-3]
    return path.replace("/", ".")


def _git_listing(root: Path) -> list[str] | None:
    """Tracked and untracked files under `root` that git does not ignore; None outside a work
    tree, or when the repository ignores `root` itself (a vendored or cached copy: walk it)."""
    try:
        if run_git(root, "rev-parse", "--is-inside-work-tree", check=False).strip() != b"true":
            return None
        if run_git(root, "check-ignore", "--no-index", ".", check=False).strip():
            return None
        out = run_git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
    except (GitUnavailable, GitCommandFailed):
        return None
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk(root: Path) -> list[str]:
    """Every file under `root` outside `.gitignore`d paths, as git would list them (hidden folders
    such as `.github/` included); tool folders (SKIPPED_DIRS) and virtual environments are not
    entered (thousands of files, none of them ours)."""
    ignored = ignore_rules(root, ())
    found: list[str] = []
    base = str(root)
    for directory, dirs, files in os.walk(base):
        rel_dir = os.path.relpath(directory, base).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIPPED_DIRS and not ignored(prefix + d, True)
            and not os.path.isfile(os.path.join(directory, d, "pyvenv.cfg"))
        )  # fmt: skip
        found += [prefix + f for f in files if f.endswith(SUFFIXES) and not ignored(prefix + f, False)]
    return found


def _file_problem(root: Path, path: str) -> str | None:
    """Why `path` cannot be handed to semgrep safely, or None."""
    full = root / path
    try:
        mode = os.lstat(full).st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISLNK(mode):
        try:
            full.resolve(strict=True).relative_to(root.resolve())
        except (OSError, RuntimeError, ValueError):
            return link_problem(full)
        try:
            mode = os.stat(full).st_mode
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}"
    return None if stat.S_ISREG(mode) else "not a regular file; skipped"


def _is_venv(root: Path, folder: str, seen: dict[str, bool]) -> bool:
    if folder not in seen:
        seen[folder] = os.path.isfile(os.path.join(root, folder, "pyvenv.cfg"))
    return seen[folder]


def _spec(patterns: Sequence[str]) -> pathspec.GitIgnoreSpec | None:
    if not patterns:
        return None
    import pathspec  # lazy: ~10 ms, needed only when a config has globs

    return pathspec.GitIgnoreSpec.from_lines(list(patterns))
