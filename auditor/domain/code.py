"""What the auditor knows about source code: files, modules, imports, definitions.

Plain, immutable, typed data. This module imports nothing from the pipeline stages.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ImportKind(str, enum.Enum):
    """Where an import statement sits, which decides whether a contract counts it."""

    TOPLEVEL = "toplevel"  # executed when the module is imported
    FUNCTION = "function"  # inside a def or lambda: executed only when called
    TYPE_CHECKING = "type_checking"  # under `if TYPE_CHECKING:`: never executed
    CONDITIONAL = "conditional"  # under another if / try (incl. try/except ImportError)
    DYNAMIC = "dynamic"  # importlib.import_module("literal") / __import__("literal")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class RawImport:
    """One import as written in a file, before resolution against the module set.

    `import a.b.c`          -> module="a.b.c", names=(), level=0, is_from=False
    `from a.b import c, d`  -> module="a.b", names=("c", "d"), level=0, is_from=True
    `from .. import x`      -> module=None, names=("x",), level=2, is_from=True
    `from .m import *`      -> module="m", names=("*",), level=1, is_from=True
    `import_module(".x", "pkg")` -> module="x", level=1, anchor="pkg", kind=DYNAMIC
    """

    module: str | None
    names: tuple[str, ...]
    level: int
    line: int
    kind: ImportKind
    is_from: bool
    anchor: str | None = None  # the literal `package` argument of a dynamic relative import


@dataclass(frozen=True, slots=True)
class Definition:
    """A function or class (at any depth) or a top-level assignment, for scoping and API drift."""

    qualname: str  # "Outer.method", "func", "CONSTANT"
    kind: str  # "function" | "class" | "assignment"
    line: int
    end_line: int
    signature: str = ""  # normalised header, e.g. "def f(a, b=1) -> int"; "" for assignments


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the import graph needs of one file: its imports and `__all__`."""

    path: str  # repo-relative, posix separators
    module: str  # dotted module name; a package is its __init__
    is_package: bool
    content_hash: str
    line_count: int
    imports: tuple[RawImport, ...]
    all_names: tuple[str, ...] | None  # literal __all__, None when absent or not literal


@dataclass(frozen=True, slots=True)
class FileDefinitions:
    """What one file defines, parsed on demand: only review surfaces (public signatures) and
    security findings (the enclosing function) need definitions, so a graph never pays for them."""

    path: str
    content_hash: str
    definitions: tuple[Definition, ...]

    def enclosing(self, line: int) -> Definition | None:
        """The innermost function/class whose span contains `line`."""
        best: Definition | None = None
        for d in self.definitions:
            if d.kind == "assignment" or not (d.line <= line <= d.end_line):
                continue
            if best is None or (d.end_line - d.line) < (best.end_line - best.line):
                best = d
        return best


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    path: str  # repo-relative; "" for a namespace package without a file
    is_package: bool


@dataclass(frozen=True, slots=True)
class Import:
    """One resolved import occurrence: an edge of the import graph."""

    importer: str
    imported: str  # internal module name, or top-level distribution name when external
    line: int
    kind: ImportKind
    external: bool = False
    names: tuple[str, ...] = ()  # the names taken by a from-import (for public-interface checks)


@dataclass(frozen=True, slots=True)
class AnalysisError:
    """A file (or input) that could not be analysed; the run reports it and goes on."""

    path: str
    message: str
