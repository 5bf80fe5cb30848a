"""Where the shipped data lives: the rule packs and the report templates.

In a checkout they are the top-level rules/ and reports/templates/ folders; installed they are the
data packages auditor._rules and auditor._templates (pyproject.toml maps one to the other, and an
editable install maps them back to the checkout). They are found through the installed package
only, never by guessing where a source tree might be.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from auditor.domain.errors import AuditorError


class MissingDataError(AuditorError):
    """The installation lacks a data package (e.g. a wheel built without it). Exit 2."""


def _installed(package: str, what: str) -> Path:
    folder: object = _package_folder(package)
    if folder is None:  # anything but a plain package folder: importlib.resources decides
        from importlib import resources  # ~7 ms to import: only in that case

        try:
            folder = resources.files(package)
        except ImportError:
            folder = None
    # semgrep and Jinja2 read real files: a folder on disk, not a zip member
    if not isinstance(folder, Path) or not folder.is_dir():
        code = Path(__file__).resolve().parents[1]  # a checkout's auditor/ can shadow the install
        raise MissingDataError(
            f"the auditor at {code} has no {what} (package {package} is not installed as a folder); "
            "install drift-auditor with `pip install .` in its repository, or from a wheel built there"
        )
    return folder


def _package_folder(package: str) -> Path | None:
    """The folder of a regular package (an `__init__.py` on disk), as `resources.files` gives
    it, found without importing importlib.resources; None for anything else."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.has_location or spec.submodule_search_locations is None:
        return None
    origin = Path(spec.origin)
    return origin.parent if origin.name == "__init__.py" and origin.is_file() else None


def rules_dir() -> Path:
    """The built-in rule packs (`builtin:NAME` resolves below here)."""
    return _installed("auditor._rules", "built-in rule packs")


def templates_dir() -> Path:
    """The Jinja2 templates of the HTML report."""
    return _installed("auditor._templates", "report templates")
