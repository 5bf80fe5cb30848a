"""Handlers that a route table in ANOTHER file names: Django urls.py (`path()`, `re_path()`,
`url()` with `views.name`, `name`, `Class.as_view()` or a dotted string) and aiohttp
(`app.router.add_get/add_post/.../add_route(..., handler)`, `web.get(path, handler)`).

Semgrep sees one file at a time, so the auth rules cannot join a urls.py to the views it names;
this pass reads the route files with `ast` (never importing or running them), resolves each
handler to the module and file that define it where the file's imports allow, and the renderer
hands the names to the rules (metadata `auditor-routed-handlers`). Bounded: only files that
mention a routing call are parsed, each at most `max_bytes`; a file that cannot be read or
parsed is an AnalysisError, never a crash.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

from auditor.domain import AnalysisError

_DJANGO_CALLS = frozenset({"path", "re_path", "url"})
_AIOHTTP_ADDERS = frozenset({f"add_{verb}" for verb in ("get", "post", "put", "patch", "delete", "head", "view")})
_AIOHTTP_HELPERS = frozenset({"get", "post", "put", "patch", "delete", "head", "view"})
_MARKERS = (b"path(", b"url(", b"add_route", b"add_get", b"add_post", b"add_put", b"add_patch",
            b"add_delete", b"add_head", b"add_view", b"web.")  # fmt: skip
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


@dataclass(frozen=True, slots=True, order=True)
class RoutedHandler:
    """One view or handler a route table names: its own name, and where it is defined when the
    route file's imports say so (`module` dotted and absolute; `path` the repository file)."""

    name: str
    module: str | None = None
    path: str | None = None
    route_file: str = ""


@dataclass
class RoutedHandlers:
    handlers: list[RoutedHandler] = field(default_factory=list)
    errors: list[AnalysisError] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """Names of the handlers defined in the repository (or where the route file does not say):
        a view of an installed package (django.contrib.auth.views.LoginView) is not ours to flag."""
        return sorted({h.name for h in self.handlers if h.path or not h.module})

    @property
    def files(self) -> list[str]:
        return sorted({h.path for h in self.handlers if h.path})


def routed_handlers(
    files: Collection[str], read: Callable[[str], bytes | None], *, max_bytes: int = 1_000_000
) -> RoutedHandlers:
    """Every handler named by a route table in `files` (repository paths; `read` gives a file's
    bytes or None when it cannot be read)."""
    out = RoutedHandlers()
    py_files = {f for f in files if f.endswith(".py")}
    for path in sorted(py_files):
        data = read(path)
        if data is None:
            out.errors.append(AnalysisError(path, "route names not read: the file cannot be read"))
            continue
        if not any(marker in data for marker in _MARKERS):
            continue
        if len(data) > max_bytes:
            out.errors.append(
                AnalysisError(path, f"route names not read: over {max_bytes:,} bytes")
            )
            continue
        try:
            tree = ast.parse(data, filename=path)
        except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError) as exc:
            why = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
            out.errors.append(AnalysisError(path, f"route names not read: {why}"))
            continue
        out.handlers.extend(_handlers_of(tree, path, py_files))
    out.handlers = sorted(set(out.handlers))
    return out


def _handlers_of(tree: ast.Module, path: str, py_files: Collection[str]) -> Iterator[RoutedHandler]:
    imports = _imports(tree, path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = _handler_expr(node)
            if target is None:
                continue
            dotted = _dotted_name(target)
            if dotted is None:
                continue
            module, name = _resolve(dotted, imports)
            yield RoutedHandler(name, module, _module_file(module, path, py_files), path)


def _handler_expr(call: ast.Call) -> ast.expr | None:
    """The expression naming the handler, when `call` registers a route."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if name in _DJANGO_CALLS:
        expr = call.args[1] if len(call.args) > 1 else keywords.get("view")
    elif name in _AIOHTTP_ADDERS or (
        name in _AIOHTTP_HELPERS and isinstance(func, ast.Attribute) and _dotted_name(func.value) == "web"
    ):
        expr = call.args[1] if len(call.args) > 1 else keywords.get("handler")
    elif name == "add_route" or (name == "route" and isinstance(func, ast.Attribute) and _dotted_name(func.value) == "web"):
        expr = call.args[2] if len(call.args) > 2 else keywords.get("handler")
    else:
        return None
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "as_view":
        return expr.func.value  # Class.as_view(...)
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str) and _DOTTED.match(expr.value):
        return ast.parse(expr.value, mode="eval").body  # old Django: url(r"^x/$", "app.views.name")
    return expr


def _dotted_name(expr: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def _imports(tree: ast.Module, path: str) -> dict[str, str]:
    """Local name -> the absolute dotted name it stands for (relative imports resolved from the
    file's folder, taken as its package)."""
    package = path.split("/")[:-1]
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package[: len(package) - (node.level - 1)] if node.level - 1 <= len(package) else []
                base = ".".join([*up, *([base] if base else [])])
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return names


def _resolve(dotted: str, imports: dict[str, str]) -> tuple[str | None, str]:
    """(defining module or None, handler name) of `dotted` as written in the route file."""
    head, _, rest = dotted.partition(".")
    full = f"{imports[head]}.{rest}" if head in imports and rest else imports.get(head, dotted)
    module, _, name = full.rpartition(".")
    return (module or None), name


def _module_file(module: str | None, route_file: str, py_files: Collection[str]) -> str | None:
    """The repository file of `module`: looked up from the repository root and from every folder
    above the route file (a Django project often sits in a sub-folder)."""
    if not module:
        return None
    rel = module.replace(".", "/")
    folders = route_file.split("/")[:-1]
    for depth in range(len(folders), -1, -1):
        prefix = "/".join(folders[:depth])
        for candidate in (f"{rel}.py", f"{rel}/__init__.py"):
            full = f"{prefix}/{candidate}" if prefix else candidate
            if full in py_files:
                return full
    return None
