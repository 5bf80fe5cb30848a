"""Find the source roots, root packages and module files of a project, without importing anything.

Rules (docs/graph-semantics.md has the reasons):
- source roots: the given ones, else `src/` and the root itself, whichever hold packages;
- root packages: the given ones (a package dir, a namespace dir or a top-level module), else
  every directory with an `__init__.py`/`__init__.pyi` directly under a source root;
- every `.py`/`.pyi` file below a root package is a module: a sub-directory without an
  `__init__` is a namespace sub-package (`flask.sansio`), recorded as one only when a module
  lives below it (grimp skips such directories; docs/graph-semantics.md);
- `.gitignore` files (root and nested) and `exclude` globs are honoured; well-known tool and
  environment directories are always skipped;
- symlinks: a file symlink inside the tree is read, one pointing out of it is reported and
  skipped; directory symlinks are never followed (so no loops, no escape);
- `x.pyi` is ignored when `x.py` exists; a lone `__init__.pyi` makes a package;
- a `.py` file whose name is no module name (`my view.py`, `settings.local.py`), and every
  `.py` file below a folder whose name is none (`some dir/`, `v1.0/`), cannot be imported by
  name but can be loaded by path (importlib): each is listed as not analysed, never skipped in
  silence. Folders starting with a dot (`.ipynb_checkpoints`) are tool folders, skipped.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.discover.model import Discovery, SourceFile
from auditor.domain import AnalysisError, UsageError
from auditor.domain.project_files import STATE_DIR
from auditor.support.inputs import RefusedInput, read_bounded

if TYPE_CHECKING:
    import pathspec  # imported lazily: ~10 ms, needed only for globs

SKIPPED_DIRS = frozenset(
    {".venv", "venv", ".git", "build", "dist", "node_modules", "__pycache__", ".tox", ".nox",
     "site-packages", STATE_DIR, ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hg", ".eggs"}
)  # fmt: skip
_INIT_NAMES = ("__init__.py", "__init__.pyi")
MAX_GITIGNORE_BYTES = 4 << 20  # larger, or not a regular file: read as if absent


def _spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


class _Walker:
    """Walks package directories with plain strings (os.scandir; no pathlib in the hot loop)."""

    def __init__(self, root: Path, exclude: Sequence[str]) -> None:
        self.root = root
        self.root_text = str(root)
        self.real_root = root.resolve()
        self.exclude = _spec(exclude) if exclude else None
        self.ignores: dict[str, pathspec.GitIgnoreSpec | None] = {}  # dir rel path -> its .gitignore
        self.chains: dict[str, tuple[tuple[str, pathspec.GitIgnoreSpec], ...]] = {}
        self.files: list[SourceFile] = []
        self.errors: list[AnalysisError] = []
        self.namespaces: list[str] = []
        # what the result depends on, for a cached discovery (discover.snapshot): directories
        # whose entries were looked at, and the .gitignore files that were read
        self.watched_dirs: set[str] = set()
        self.watched_files: set[str] = set()
        self.saw_symlink = False

    def rel(self, path: Path) -> str:
        text = path.relative_to(self.root).as_posix()
        return "" if text == "." else text

    def _gitignore(self, rel_dir: str) -> pathspec.GitIgnoreSpec | None:
        if rel_dir not in self.ignores:
            directory = os.path.join(self.root_text, rel_dir) if rel_dir else self.root_text
            self.watched_dirs.add(directory)
            path = os.path.join(directory, ".gitignore")
            try:  # a fifo or a device named .gitignore is not opened (it would block the walk)
                lines = read_bounded(path, max_bytes=MAX_GITIGNORE_BYTES).decode("utf-8", "replace")
                self.watched_files.add(path)
                self.ignores[rel_dir] = _spec(lines.splitlines())
            except (OSError, RefusedInput):
                self.ignores[rel_dir] = None
        return self.ignores[rel_dir]

    def _chain(self, rel_dir: str) -> tuple[tuple[str, pathspec.GitIgnoreSpec], ...]:
        """The .gitignore files that apply inside `rel_dir`: (their directory, spec), root first."""
        found = self.chains.get(rel_dir)
        if found is None:
            parent = self._chain(rel_dir.rpartition("/")[0]) if rel_dir else ()
            spec = self._gitignore(rel_dir)
            found = (*parent, (rel_dir, spec)) if spec is not None else parent
            self.chains[rel_dir] = found
        return found

    def ignored(self, rel: str, is_dir: bool) -> bool:
        if self.exclude is not None and (
            self.exclude.match_file(rel) or (is_dir and self.exclude.match_file(rel + "/"))
        ):
            return True
        for base, spec in self._chain(rel.rpartition("/")[0]):
            sub = (rel[len(base) + 1 :] if base else rel) + ("/" if is_dir else "")
            if spec.match_file(sub):
                return True
        return False

    def inside_tree(self, path: str) -> bool:
        try:
            Path(path).resolve().relative_to(self.real_root)
        except (ValueError, OSError, RuntimeError):
            return False
        return True

    def walk_package(self, directory: Path | str, module: str, *, rel_dir: str | None = None) -> bool:
        """Add every module of the package at `directory` (its name is `module`); whether there
        was any (in it or below it)."""
        if rel_dir is None:
            rel_dir = self.rel(Path(directory))
        self.watched_dirs.add(str(directory))
        prefix = rel_dir + "/" if rel_dir else ""
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self.errors.append(AnalysisError(rel_dir, f"cannot list directory: {exc.strerror}"))
            return False
        names = {e.name for e in entries}
        found = False
        for entry in entries:
            name = entry.name
            rel = prefix + name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_link:
                self.saw_symlink = True  # its target can change unseen: no cached discovery
            if is_dir:
                found = self._enter_dir(name, entry.path, rel, module) or found
                continue
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix not in ("py", "pyi"):
                continue
            if not is_module_part(stem):
                if suffix == "py" and not self.ignored(rel, False):
                    self.errors.append(AnalysisError(rel, unnamed_reason(f"not a module name ({_why(stem)})")))
                continue  # a stub runs nothing
            if suffix == "pyi" and f"{stem}.py" in names:
                continue
            if self.ignored(rel, False):
                continue
            problem = self._file_problem(entry, is_link)
            if problem == "directory":
                continue  # a symlink to a directory: never followed
            if problem:
                self.errors.append(AnalysisError(rel, problem))
                continue
            if stem == "__init__":
                self.files.append(SourceFile(rel, entry.path, module, True))
            else:
                self.files.append(SourceFile(rel, entry.path, f"{module}.{stem}", False))
            found = True
        return found

    def _file_problem(self, entry: os.DirEntry[str], is_link: bool) -> str | None:
        """Why a `.py` entry cannot be read as a module ("directory" for a directory symlink)."""
        if not is_link:
            try:
                return None if entry.is_file(follow_symlinks=False) else "not a regular file; skipped"
            except OSError as exc:
                return f"cannot read: {exc.strerror or exc}"
        if not self.inside_tree(entry.path):
            return link_problem(Path(entry.path))
        try:
            mode = os.stat(entry.path).st_mode
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}"
        if stat.S_ISDIR(mode):
            return "directory"
        return None if stat.S_ISREG(mode) else "not a regular file; skipped"

    def _enter_dir(self, name: str, path: str, rel: str, module: str) -> bool:
        """Walk a sub-directory of package `module`; whether it holds a module."""
        if name in SKIPPED_DIRS or self.ignored(rel, True):
            return False
        if name.endswith((".py", ".pyi")):
            self.errors.append(AnalysisError(rel, "a directory named like a module; skipped"))
            return False
        if not is_module_part(name):
            if not name.startswith("."):  # a hidden folder is a tool's
                why = f"inside folder {name!r}, which is not a module name ({_why(name)})"
                self._list_unnamed(path, rel, unnamed_reason(why))
            return False
        self.watched_dirs.add(path)
        found = self.walk_package(path, f"{module}.{name}", rel_dir=rel)
        if found and not _is_package_dir(path):
            self.namespaces.append(f"{module}.{name}")  # a namespace sub-package
        return found

    def _list_unnamed(self, directory: str, rel_dir: str, reason: str) -> None:
        """Every `.py` file below a folder that is no module name, as not analysed (`reason`)."""
        self.watched_dirs.add(directory)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self.errors.append(AnalysisError(rel_dir, f"cannot list directory: {exc.strerror}"))
            return
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}"
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if not (entry.name in SKIPPED_DIRS or entry.name.startswith(".") or self.ignored(rel, True)):
                    self._list_unnamed(entry.path, rel, reason)
            elif entry.name.endswith(".py") and not self.ignored(rel, False):
                self.errors.append(AnalysisError(rel, reason))


def unnamed_reason(why: str) -> str:
    """Why a `.py` file that is no module was not analysed, and what to do about it."""
    return (
        f"{why}; not analysed: code in it can still be loaded by path (importlib), "
        "so rename it, or list it in `exclude`"
    )


def _why(name: str) -> str:
    if not name:
        return "an empty name"
    if any(c.isspace() for c in name):
        return "it has whitespace"
    return "it has a dot"


def link_problem(path: Path) -> str:
    """Why a symlink is not followed: a loop, broken, or pointing out of the audited tree."""
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13
        return "symlink loop; skipped"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop; skipped"
        return f"broken symlink ({exc.strerror or exc}); skipped"
    return "symlink points outside the audited tree; skipped"


def is_module_part(name: str) -> bool:
    """A usable module-name part: no dot, no space; not necessarily an identifier (grimp
    keeps `0001_initial` migrations, which importlib can import)."""
    if name.isidentifier():
        return True
    return bool(name) and "." not in name and not any(c.isspace() for c in name)


def _is_package_dir(path: Path | str) -> bool:
    return any(os.path.isfile(os.path.join(path, init)) for init in _INIT_NAMES)


def _detect_source_roots(root: Path, watched: set[str]) -> list[str]:
    found = []
    watched.add(str(root))
    for candidate in ("src", "."):
        base = root / candidate
        if base.is_dir() and not base.is_symlink() and _root_packages(base, watched):
            found.append(candidate)
    return found or ["."]


def _root_packages(base: Path, watched: set[str]) -> list[str]:
    watched.add(os.path.normpath(base))
    try:
        entries = sorted(os.scandir(base), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for e in entries:
        if e.name.isidentifier() and e.name not in SKIPPED_DIRS and e.is_dir(follow_symlinks=False):
            watched.add(e.path)
            if _is_package_dir(e.path):
                found.append(e.name)
    return found


def discover(
    root: Path,
    *,
    packages: Sequence[str] = (),
    source_roots: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Discovery:
    """The module files of the audited packages under `root` (none when no package is found and
    none is named). Raises UsageError on bad input (not a directory, a named package missing)."""
    root = Path(root).absolute()
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    walker = _Walker(root, exclude)
    roots = [Path(s).as_posix() for s in source_roots] or _detect_source_roots(root, walker.watched_dirs)
    for source_root in roots:
        if not (root / source_root).is_dir():
            raise UsageError(f"source root '{source_root}' is not a directory under {root}")
    chosen: list[str] = []
    if packages:
        for name in packages:
            if not _add_named(walker, roots, name):
                looked = ", ".join(str(root / r) for r in roots)
                raise UsageError(f"package '{name}' not found under {root} (looked in: {looked})")
            chosen.append(name)
    else:
        for source_root in roots:
            for name in _root_packages(root / source_root, walker.watched_dirs):
                if name in chosen or walker.ignored(walker.rel(root / source_root / name), True):
                    continue
                chosen.append(name)
                walker.walk_package(root / source_root / name, name)
        # no package at all (a project of plain scripts): an empty graph; the security stage
        # still scans every file, and the run says no package was found (pipeline.analysis)
    files = sorted(walker.files, key=lambda f: f.module)
    errors = sorted(walker.errors, key=lambda e: (e.path, e.message))
    return Discovery(
        root,
        files,
        tuple(chosen),
        tuple(roots),
        errors,
        tuple(sorted(set(walker.namespaces))),
        watched_dirs=tuple(sorted(walker.watched_dirs)),
        watched_files=tuple(sorted(walker.watched_files)),
        cacheable=not walker.saw_symlink,
    )


def ignore_rules(root: Path, exclude: Sequence[str]) -> Callable[[str, bool], bool]:
    """`ignored(rel_path, is_dir)`: whether a `.gitignore` of the tree under `root` (or an
    `exclude` glob) hides the path, as the walk decides it."""
    return _Walker(Path(root).absolute(), exclude).ignored


def walk_skips(root: Path, exclude: Sequence[str]) -> Callable[[str, str], bool]:
    """`skips(package_dir, rel_path)`: whether the walk skips the file `rel_path` (relative to
    `root`, posix) below the root package directory `package_dir` ("src/pkg"): a well-known
    tool folder, a `.gitignore` of the working tree, or `exclude`. For paths the walk did not
    see (REF's side of a pre-merge check)."""
    walker = _Walker(Path(root).absolute(), exclude)

    def skips(package_dir: str, rel_path: str) -> bool:
        below = rel_path[len(package_dir) + 1 :].split("/")
        folder = package_dir
        for name in below[:-1]:
            folder = f"{folder}/{name}"
            if name in SKIPPED_DIRS or walker.ignored(folder, True):
                return True
        return walker.ignored(package_dir, True) or walker.ignored(rel_path, False)

    return skips


def _add_named(walker: _Walker, roots: Sequence[str], name: str) -> bool:
    parts = name.split(".")
    if not all(p.isidentifier() for p in parts):
        return False
    for source_root in roots:
        base = walker.root / source_root / Path(*parts)
        for directory in (base, *base.parents):  # existence checks below the root
            walker.watched_dirs.add(os.path.normpath(directory))
            if directory == walker.root:
                break
        if base.is_dir() and not base.is_symlink():
            walker.walk_package(base, name)
            if not _is_package_dir(base):
                walker.namespaces.append(name)  # named: a package even when it holds no module
            return True
        for suffix in (".py", ".pyi"):
            module_file = base.with_name(parts[-1] + suffix)
            if module_file.is_file():
                rel = walker.rel(module_file)
                walker.files.append(SourceFile(rel, str(module_file), name, False))
                return True
    return False
