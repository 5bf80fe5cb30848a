"""Where a project starts: the folder of its configuration, found upward from a path.

Like git and ruff, a command run anywhere inside a project works on the whole project:

1. the nearest folder at or above PATH that holds `auditor.toml`, or a `pyproject.toml` with a
   `[tool.auditor]` table (a `pyproject.toml` without one is passed over);
2. with no configuration: the nearest folder at or above PATH holding `pyproject.toml`,
   `setup.py` or `setup.cfg`;
3. else the git top-level (the folder holding `.git`);
4. else PATH itself.

With `--config FILE` the search skips step 1: the file given does not move the root.

Every search stops at the git root: a file above the repository belongs to another project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")
_TOOL_TABLE = re.compile(r"^\s*\[+\s*tool\s*\.\s*auditor\s*[\].]", re.MULTILINE)
_MAX_PYPROJECT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ProjectLocation:
    root: Path  # absolute
    config_file: Path | None  # the configuration found; None: none
    found_by: str  # "config", "marker" (pyproject.toml/setup.py/setup.cfg), "git" or "path"


def _mentions_tool_auditor(pyproject: Path) -> bool:
    try:
        with pyproject.open("rb") as handle:
            head = handle.read(_MAX_PYPROJECT_BYTES + 1)
    except OSError:
        return False
    return bool(_TOOL_TABLE.search(head.decode("utf-8", "replace")))


def config_in(directory: Path) -> Path | None:
    """`directory`'s auditor.toml, else its pyproject.toml when it has [tool.auditor]."""
    candidate = directory / "auditor.toml"
    if candidate.is_file():
        return candidate
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file() and _mentions_tool_auditor(pyproject):
        return pyproject
    return None


def locate_project(path: Path, *, find_config: bool = True) -> ProjectLocation:
    """The project `path` (a folder or a file) belongs to; see the module docstring.

    `find_config=False` (the configuration was given with --config): the root is found as when
    no configuration exists, so a config file elsewhere does not move it."""
    here = path.resolve()
    if here.is_file():
        here = here.parent
    marked: Path | None = None
    git_top: Path | None = None
    for directory in (here, *here.parents):
        config = config_in(directory) if find_config else None
        if config is not None:
            return ProjectLocation(directory, config, "config")
        if marked is None and any((directory / m).is_file() for m in PROJECT_MARKERS):
            marked = directory
        if (directory / ".git").exists():
            git_top = directory
            break
    if marked is not None:
        return ProjectLocation(marked, None, "marker")
    if git_top is not None:
        return ProjectLocation(git_top, None, "git")
    return ProjectLocation(here, None, "path")
