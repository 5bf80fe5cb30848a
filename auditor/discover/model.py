"""What discovery hands to the parse stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.domain import AnalysisError


@dataclass(frozen=True, slots=True)
class SourceFile:
    rel_path: str  # relative to the audited root, posix separators
    abs_path: str  # os path of the file (a plain string: discovery builds thousands)
    module: str  # dotted name; a package is its __init__
    is_package: bool


@dataclass(slots=True)
class Discovery:
    root: Path
    files: list[SourceFile]
    packages: tuple[str, ...]  # the root packages audited
    source_roots: tuple[str, ...]  # relative to root, posix ("." for the root itself)
    errors: list[AnalysisError] = field(default_factory=list)
    namespace_packages: tuple[str, ...] = ()  # packages (root or nested) without an __init__ file
    # what the walk looked at (discover.snapshot): directories whose entries it read, and the
    # .gitignore files it read; if none of them changed, neither did the result
    watched_dirs: tuple[str, ...] = ()
    watched_files: tuple[str, ...] = ()
    cacheable: bool = True  # False when the walk met a symlink (its target may change unseen)
