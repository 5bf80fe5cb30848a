"""The audited files' bytes, read without ever following a path out of the project root."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from auditor.domain.code import AnalysisError


def _read(inside: _InsideRoot, path: str) -> bytes | str:
    """The file's bytes, or the reason it cannot be read (never follows a path out of root)."""
    target = os.path.join(inside.root, path)
    if not inside(path):
        return "path leaves the project root"
    try:
        with open(target, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc.__class__.__name__}"


class _InsideRoot:
    """Whether root/path stays inside root. `root` is real (symlink-free), so only components
    below it can leave it: each directory is lstat-ed once (memoised), and only a path with a
    symlink in it pays for a full realpath."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.prefix = root.rstrip(os.sep) + os.sep
        self.plain_dirs: set[str] = set()

    def _real_inside(self, path: str) -> bool:
        return os.path.realpath(os.path.join(self.root, path)).startswith(self.prefix)

    def __call__(self, path: str) -> bool:
        parts = path.split("/")
        if os.path.isabs(path) or ".." in parts:
            return self._real_inside(path)
        current = self.root
        for depth, part in enumerate(parts):
            current = os.path.join(current, part)
            is_dir = depth < len(parts) - 1
            if is_dir and current in self.plain_dirs:
                continue
            if os.path.islink(current):
                return self._real_inside(path)
            if is_dir:
                self.plain_dirs.add(current)
        return True


def read_all(root: Path, paths: Sequence[str], errors: list[AnalysisError]) -> dict[str, bytes]:
    contents: dict[str, bytes] = {}
    inside = _InsideRoot(os.path.realpath(root))
    for path in dict.fromkeys(paths):
        data = _read(inside, path)
        if isinstance(data, str):
            errors.append(AnalysisError(path, data))
        else:
            contents[path] = data
    return contents


