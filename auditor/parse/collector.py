"""One pass over a libcst tree that collects imports, `__all__` and definitions, with lines.

libcst's PositionProvider costs about three times the parse itself, so instead the tree is
walked once by libcst's own code generator with a state object that stores no tokens: it only
counts newlines (to know the current line) and reacts to the few node types that matter.
The generator visits every node in source order, which is exactly what line tracking needs.

Import kinds (see docs/graph-semantics.md):
  type_checking  under `if TYPE_CHECKING:` / `if <alias>.TYPE_CHECKING:` (or the else branch of
                 `if not TYPE_CHECKING:`); wins over every other context
  function       inside a def or lambda body
  conditional    inside if / elif / else, try / except / else / finally, for, while, match
  toplevel       everything else (class bodies and `with` blocks are transparent, except
                 `with suppress(...)`, which is conditional)
  dynamic        importlib.import_module("lit"[, "pkg"]) and __import__("lit"), in any context
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from auditor.domain import Definition, ImportKind, RawImport

_CONDITIONAL_NODES = (cst.Try, cst.TryStar, cst.For, cst.While, cst.Match)
_TYPING_MODULES = {"typing", "typing_extensions"}


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _literal_str(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _literal_names(node: cst.BaseExpression) -> list[str] | None:
    """The strings of a list/tuple literal of string literals, or of `+` of such; else None."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = _literal_names(node.left), _literal_names(node.right)
        return None if left is None or right is None else left + right
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    names: list[str] = []
    for element in node.elements:
        value = _literal_str(element.value) if isinstance(element, cst.Element) else None
        if value is None:
            return None
        names.append(value)
    return names


def _code(node: cst.CSTNode) -> str:
    return " ".join(cst.Module(body=[]).code_for_node(node).split())


def signature(node: cst.FunctionDef | cst.ClassDef) -> str:
    """A normalised header: `async def f(a, b: int = 1, *args, **kw) -> int`, `class C(B)`."""
    if isinstance(node, cst.ClassDef):
        args = [_code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in (*node.bases, *node.keywords)]
        return f"class {node.name.value}({', '.join(args)})" if args else f"class {node.name.value}"
    params = node.params
    parts: list[str] = []

    def one(p: cst.Param, prefix: str = "") -> str:
        text = prefix + p.name.value
        if p.annotation is not None:
            text += ": " + _code(p.annotation.annotation)
        if p.default is not None:
            text += (" = " if p.annotation is not None else "=") + _code(p.default)
        return text

    parts += [one(p) for p in params.posonly_params]
    if params.posonly_params:
        parts.append("/")
    parts += [one(p) for p in params.params]
    if isinstance(params.star_arg, cst.Param):
        parts.append(one(params.star_arg, "*"))
    elif params.kwonly_params:
        parts.append("*")
    parts += [one(p) for p in params.kwonly_params]
    if params.star_kwarg is not None:
        parts.append(one(params.star_kwarg, "**"))
    text = f"def {node.name.value}({', '.join(parts)})"
    if node.returns is not None:
        text += " -> " + _code(node.returns.annotation)
    return ("async " if node.asynchronous is not None else "") + text


class _NoOpContext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_OP = _NoOpContext()


class FactsCollector(CodegenState):
    """A CodegenState that keeps no tokens: it tracks lines and records facts as nodes pass."""

    def __init__(self, module: cst.Module, *, scan_calls: bool) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.last_code_line = 1
        self.imports: list[RawImport] = []
        self.definitions: list[Definition] = []
        self.all_names: list[str] | None = None
        self._all_literal = True
        self._scopes: list[str] = []  # enclosing class/function names
        self._fn_depth = 0
        self._cond_depth = 0
        self._tc_depth = 0
        self._tc_blocks: set[int] = set()  # ids of blocks that only run under TYPE_CHECKING
        self._cond_blocks: set[int] = set()  # ids of if/else blocks (conditional)
        self._pending_defs: dict[int, tuple[cst.FunctionDef | cst.ClassDef, str]] = {}
        self._open_defs: dict[int, tuple[str, str, int, str]] = {}
        self._open_assigns: dict[int, tuple[list[str], int]] = {}
        self._tc_names = {"TYPE_CHECKING"}
        self._importlib_names = {"importlib"}
        self._import_module_names: set[str] = set()
        self._enter: dict[type, Callable[[Any], None]] = {
            cst.Import: self._on_import,
            cst.ImportFrom: self._on_import_from,
            cst.FunctionDef: self._on_def,
            cst.ClassDef: self._on_def,
            cst.Name: self._on_name,
            cst.If: self._on_if,
            cst.IndentedBlock: self._on_block,
            cst.SimpleStatementSuite: self._on_block,
            cst.Else: self._on_block,
            cst.Assign: self._on_assign,
            cst.AnnAssign: self._on_assign,
            cst.AugAssign: self._on_aug_assign,
            cst.Lambda: self._on_lambda,
            cst.With: self._on_with,
        }
        for node_type in _CONDITIONAL_NODES:
            self._enter[node_type] = self._on_conditional
        if scan_calls:
            self._enter[cst.Call] = self._on_call
        self._leave: dict[int, Callable[[], None]] = {}

    # -- CodegenState overrides: count lines, keep nothing --------------------------------------
    def add_indent_tokens(self) -> None:
        pass

    def add_token(self, value: str) -> None:
        if not value or value.isspace():
            self.line += value.count("\n")
        elif value[0] != "#":
            self.line += value.count("\n")
            self.last_code_line = self.line

    def pop_trailing_newline(self) -> None:
        pass

    def record_syntactic_position(self, node: cst.CSTNode, **kwargs: Any) -> Any:
        return _NO_OP  # the base class builds a generator-based context manager per node

    def before_codegen(self, node: cst.CSTNode) -> None:
        handler = self._enter.get(type(node))
        if handler is not None:
            handler(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if self._leave:
            undo = self._leave.pop(id(node), None)
            if undo is not None:
                undo()

    # -- context ----------------------------------------------------------------------------
    def _kind(self) -> ImportKind:
        if self._tc_depth:
            return ImportKind.TYPE_CHECKING
        if self._fn_depth:
            return ImportKind.FUNCTION
        if self._cond_depth:
            return ImportKind.CONDITIONAL
        return ImportKind.TOPLEVEL

    def _at_module_level(self) -> bool:
        return not self._scopes and not self._fn_depth

    def _is_type_checking(self, test: cst.BaseExpression) -> bool:
        if isinstance(test, cst.Name):
            return test.value in self._tc_names
        if isinstance(test, cst.Attribute):
            return test.attr.value == "TYPE_CHECKING"
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
            return self._is_type_checking(test.left) or self._is_type_checking(test.right)
        return False

    def _on_if(self, node: cst.If) -> None:
        test = node.test
        negated = isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
        inner = test.expression if isinstance(test, cst.UnaryOperation) and negated else test
        tc = self._is_type_checking(inner)
        for branch, is_tc in ((node.body, tc and not negated), (node.orelse, tc and negated)):
            if branch is not None:
                (self._tc_blocks if is_tc else self._cond_blocks).add(id(branch))

    def _on_block(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self._tc_blocks:
            self._tc_blocks.discard(key)
            self._tc_depth += 1
            self._leave[key] = self._pop_tc
        elif key in self._cond_blocks:
            self._cond_blocks.discard(key)
            self._cond_depth += 1
            self._leave[key] = self._pop_cond

    def _pop_tc(self) -> None:
        self._tc_depth -= 1

    def _pop_cond(self) -> None:
        self._cond_depth -= 1

    def _on_with(self, node: cst.With) -> None:
        """`with suppress(ImportError):` (any `*.suppress(...)`) may skip its body: conditional."""
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call) and (dotted_name(call.func) or "").rpartition(".")[2] == "suppress":
                self._on_conditional(node)
                return

    def _on_conditional(self, node: cst.CSTNode) -> None:
        self._cond_depth += 1
        self._leave[id(node)] = self._pop_cond

    def _on_lambda(self, node: cst.Lambda) -> None:
        self._fn_depth += 1
        self._leave[id(node)] = self._pop_fn

    def _pop_fn(self) -> None:
        self._fn_depth -= 1

    # -- definitions --------------------------------------------------------------------------
    def _on_def(self, node: cst.FunctionDef | cst.ClassDef) -> None:
        kind = "class" if isinstance(node, cst.ClassDef) else "function"
        qualname = ".".join([*self._scopes, node.name.value])
        self._pending_defs[id(node.name)] = (node, qualname)
        self._open_defs[id(node)] = (qualname, kind, 0, "")

        def leave() -> None:
            name, k, line, sig = self._open_defs.pop(id(node))
            self.definitions.append(Definition(name, k, line, max(line, self.last_code_line), sig))
            self._scopes.pop()
            if k == "function":
                self._fn_depth -= 1

        self._leave[id(node)] = leave

    def _on_name(self, node: cst.Name) -> None:
        if not self._pending_defs:
            return
        pending = self._pending_defs.pop(id(node), None)
        if pending is None:
            return
        definition, qualname = pending
        kind = "class" if isinstance(definition, cst.ClassDef) else "function"
        self._open_defs[id(definition)] = (qualname, kind, self.line, signature(definition))
        self._scopes.append(definition.name.value)
        if kind == "function":
            self._fn_depth += 1

    def _on_assign(self, node: cst.Assign | cst.AnnAssign) -> None:
        if not self._at_module_level():
            return
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        names: list[str] = []
        for target in targets:
            elements = target.elements if isinstance(target, (cst.Tuple, cst.List)) else [target]
            for element in elements:
                value = element.value if isinstance(element, cst.BaseElement) else element
                if isinstance(value, cst.Name):
                    names.append(value.value)
        if "__all__" in names and node.value is not None:
            literal = _literal_names(node.value)
            self._set_all(literal, replace=True)
        if names:
            self._open_assigns[id(node)] = (names, self.line)
            self._leave[id(node)] = lambda: self._close_assign(node)

    def _close_assign(self, node: cst.CSTNode) -> None:
        names, line = self._open_assigns.pop(id(node))
        end = max(line, self.last_code_line)
        self.definitions.extend(Definition(n, "assignment", line, end) for n in names)

    def _on_aug_assign(self, node: cst.AugAssign) -> None:
        if self._at_module_level() and isinstance(node.target, cst.Name) and node.target.value == "__all__":
            literal = _literal_names(node.value) if isinstance(node.operator, cst.AddAssign) else None
            self._set_all(literal, replace=False)

    def _set_all(self, literal: list[str] | None, *, replace: bool) -> None:
        if literal is None:
            self._all_literal = False
        elif replace or self.all_names is None:
            self.all_names = list(literal)
        else:
            self.all_names.extend(literal)

    # -- imports ------------------------------------------------------------------------------
    def _on_import(self, node: cst.Import) -> None:
        kind = self._kind()
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            if name == "importlib" and alias.asname is not None:
                bound = alias.asname.name
                if isinstance(bound, cst.Name):
                    self._importlib_names.add(bound.value)
            self.imports.append(RawImport(name, (), 0, self.line, kind, False))

    def _on_import_from(self, node: cst.ImportFrom) -> None:
        module = dotted_name(node.module) if node.module is not None else None
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            names: tuple[str, ...] = ("*",)
        else:
            names = tuple(n for a in node.names if (n := dotted_name(a.name)) is not None)
            if level == 0 and module is not None:
                self._track_aliases(module, node.names)
        self.imports.append(RawImport(module, names, level, self.line, self._kind(), True))

    def _track_aliases(self, module: str, aliases: Any) -> None:
        for alias in aliases:
            name = dotted_name(alias.name)
            bound = dotted_name(alias.asname.name) if alias.asname is not None else name
            if bound is None:
                continue
            if module in _TYPING_MODULES and name == "TYPE_CHECKING":
                self._tc_names.add(bound)
            elif module == "importlib" and name == "import_module":
                self._import_module_names.add(bound)

    def _on_call(self, node: cst.Call) -> None:
        func = dotted_name(node.func)
        if func is None or not node.args:
            return
        head, _, attr = func.rpartition(".")
        if func in self._import_module_names or (attr == "import_module" and head in self._importlib_names):
            dunder = False
        elif func in ("__import__", "builtins.__import__"):
            dunder = True
        else:
            return
        target = _literal_str(node.args[0].value) if node.args[0].keyword is None else None
        if not target:
            return
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        level = 0
        anchor: str | None = None
        if dunder:
            level_node = keywords.get("level", positional[4] if len(positional) > 4 else None)
            if isinstance(level_node, cst.Integer):
                level = int(level_node.evaluated_value)
        else:
            level = len(target) - len(target.lstrip("."))
            target = target[level:]
            if level:
                package = keywords.get("package", positional[1] if len(positional) > 1 else None)
                if package is not None and not (
                    isinstance(package, cst.Name) and package.value == "__package__"
                ):
                    anchor = _literal_str(package)
                    if anchor is None:
                        return  # relative to a package we cannot know statically
        self.imports.append(
            RawImport(target or None, (), level, self.line, ImportKind.DYNAMIC, False, anchor)
        )

    def result_all(self) -> tuple[str, ...] | None:
        if not self._all_literal or self.all_names is None:
            return None
        return tuple(self.all_names)
