"""The fact skeleton of a file: its source with every statement that cannot hold a fact
replaced by a placeholder, so that libcst parses a few headers instead of the whole file.

libcst stays the parser of record: FactsCollector runs, unchanged, on libcst's tree of the
skeleton. CPython's `ast` tree (already built for the nesting guard) only says which
statements to keep; each line keeps its number, so every line the collector reports is the
line of the original file.

Two skeletons. The import skeleton (`definitions=False`, what every file's graph facts come
from) keeps verbatim:
  - every `import` / `from ... import` statement, wherever it is;
  - the headers of the statements around a kept statement: `def`/`class` (an import in a
    function is a function-level import; a decorator's expression becomes `@0`), `if` (its
    test decides TYPE_CHECKING), `with suppress(...)`, try/for/while/match (conditional);
  - a module-level `__all__ = ...` and `__all__ += ...`.
The definitions skeleton (`definitions=True`, parsed on demand for the few files whose
definitions are needed: review surfaces, files with security findings) keeps, besides:
  - every `def` / `class` header (name, signature, span), wherever it is;
  - a module-level assignment's targets (its names are definitions).
Everything else (expression statements, returns, function bodies' assignments, a whole
compound statement with no fact inside, ...) becomes `0` when it fits on one line, or a
triple-quoted string spread over the same lines (one token), so that a definition still ends on
its last code line. A run of such statements in one block becomes one placeholder.

With `scan_calls` (the file mentions `import_module` or `__import__`), a statement or value
that holds a call which may be a dynamic import (`import_module(...)`, `x.import_module(...)`,
`__import__(...)`, or a name `import_module` was imported as) is kept verbatim too, and so
are the headers around it: the collector decides which calls are imports. A file CPython
cannot parse has no skeleton (parse_source parses it whole).
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from itertools import accumulate

_COMPOUND_BLOCKS: dict[type[ast.stmt], tuple[str, ...]] = {
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
}
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_TRY_TYPES: tuple[type[ast.stmt], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
_MATCH_TYPES: tuple[type[ast.stmt], ...] = (ast.Match,) if hasattr(ast, "Match") else ()

Span = tuple[int, int, int, int]  # first line, first column, last line, end column (ast's)


def fact_skeleton(
    text: str,
    tree: ast.Module,
    *,
    scan_calls: bool,
    definitions: bool = False,
    lines: list[str] | None = None,
) -> str:
    """`text` with the statements of `tree` that hold no fact replaced (see the module doc);
    with `definitions`, every definition counts as a fact.

    `tree` must be `ast.parse(text)`; `text` has `\\n` line ends only; `lines` is
    `text.split("\\n")` when the caller has it."""
    lines = text.split("\n") if lines is None else lines
    spans: list[Span] = []
    calls = _dynamic_call_positions(tree) if scan_calls else []
    marked = None if definitions else _marked_lines(text, calls)
    _Walker(lines, spans, calls, definitions=definitions, marked=marked).block(tree.body, module_level=True)
    if not spans:
        return text
    before = list(accumulate(map(len, lines), initial=0))  # characters before a line, newlines left out

    def offset(line: int, column: int) -> int:
        content = lines[line - 1]
        if not content.isascii():  # ast's columns count UTF-8 bytes
            column = len(content.encode("utf-8")[:column].decode("utf-8", "replace"))
        return before[line - 1] + (line - 1) + column

    pieces: list[str] = []
    done = 0
    for first_line, first_column, last_line, end_column in spans:
        start, end = offset(first_line, first_column), offset(last_line, end_column)
        pieces.append(text[done:start])
        pieces.append("0" if first_line == last_line else '"""' + "\n" * (last_line - first_line) + '"""')
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


_MARKS = ("import", "__all__")  # every import fact's statement holds one of them


def _marked_lines(text: str, calls: list[tuple[int, int]]) -> list[int]:
    """The numbers of the lines holding `import` (also in `__import__`, `import_module`) or
    `__all__`, or a call that may be a dynamic import (`calls`, under another name too),
    sorted: a statement spanning none of them holds no import fact."""
    offsets: list[int] = []
    for mark in _MARKS:
        at = text.find(mark)
        while at >= 0:
            offsets.append(at)
            at = text.find(mark, at + len(mark))
    numbers = {line for line, _ in calls}
    line, done = 1, 0
    for at in sorted(offsets):
        line += text.count("\n", done, at)
        done = at
        numbers.add(line)
    return sorted(numbers)


class _Walker:
    """Collects, in source order, the spans of statements (or values) to replace."""

    def __init__(
        self,
        lines: list[str],
        spans: list[Span],
        calls: list[tuple[int, int]],
        *,
        definitions: bool,
        marked: list[int] | None = None,
    ) -> None:
        self._lines = lines
        self._spans = spans
        self._calls = calls
        self._definitions = definitions
        self._marked = marked  # import skeleton: the lines that may hold an import fact

    def _unmarked(self, node: ast.stmt) -> bool:
        """Whether no line of `node` (its decorators included) may hold an import fact."""
        if self._marked is None:
            return False
        first = (
            node.decorator_list[0].lineno
            if isinstance(node, _DEFINITIONS) and node.decorator_list
            else node.lineno
        )
        at = bisect_left(self._marked, first)
        last = node.end_lineno if node.end_lineno is not None else node.lineno
        return at == len(self._marked) or self._marked[at] > last

    def _holds_call(self, node: ast.stmt | ast.expr) -> bool:
        """Whether a possible dynamic-import call starts within `node`'s source."""
        if not self._calls:
            return False
        first = (node.lineno, node.col_offset)
        at = bisect_left(self._calls, first)
        return at < len(self._calls) and self._calls[at] <= _span(node, node)[2:]

    def block(self, statements: list[ast.stmt], *, module_level: bool) -> bool:
        """Replace every run of fact-free statements; True when any statement holds a fact."""
        found = False
        run: list[ast.stmt] = []
        for statement in statements:
            mark = len(self._spans)
            if not self.statement(statement, module_level=module_level):
                run.append(statement)
                continue
            found = True
            if run:  # the run before it comes before the spans inside it
                self._spans.insert(mark, _span(run[0], run[-1]))
                run = []
        if run:
            self._spans.append(_span(run[0], run[-1]))
        return found

    def statement(self, node: ast.stmt, *, module_level: bool) -> bool:
        """True when `node` holds a fact (its own spans were added); else False, nothing added."""
        if self._unmarked(node):
            return False
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return True
        if isinstance(node, _DEFINITIONS):
            mark = len(self._spans)
            kept_decorator = False
            for decorator in node.decorator_list:  # `@0`: its expression holds no fact
                if self._holds_call(decorator):
                    kept_decorator = True
                else:
                    self._spans.append(_span(decorator, decorator))
            if self.block(node.body, module_level=False) or kept_decorator or self._definitions:
                return True
            del self._spans[mark:]  # nothing inside: the whole definition joins the run
            return False
        if module_level and isinstance(node, (ast.Assign, ast.AnnAssign)) and self._assignment(node):
            return True
        if module_level and isinstance(node, ast.AugAssign) and _is_all(node.target):
            return True
        mark = len(self._spans)
        found = self._compound(node, module_level=module_level)
        if not found:
            del self._spans[mark:]
        return found or self._holds_call(node)

    def _compound(self, node: ast.stmt, *, module_level: bool) -> bool:
        if isinstance(node, ast.If):
            found = self.block(node.body, module_level=module_level)
            orelse = node.orelse
            if len(orelse) == 1 and isinstance(orelse[0], ast.If) and self._is_elif(orelse[0]):
                # an `elif` is not a statement of its own: never replaced as one
                elif_found = self._compound(orelse[0], module_level=module_level)
                return elif_found or found
            return self.block(orelse, module_level=module_level) or found
        fields = _COMPOUND_BLOCKS.get(type(node))
        if fields is not None:
            found = False
            for field in fields:
                found = self.block(getattr(node, field), module_level=module_level) or found
            return found
        if isinstance(node, _TRY_TYPES):
            found = self.block(node.body, module_level=module_level)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                found = self.block(handler.body, module_level=module_level) or found
            found = self.block(node.orelse, module_level=module_level) or found  # type: ignore[attr-defined]
            return self.block(node.finalbody, module_level=module_level) or found  # type: ignore[attr-defined]
        if isinstance(node, _MATCH_TYPES):
            found = False
            for case in node.cases:  # type: ignore[attr-defined]
                found = self.block(case.body, module_level=module_level) or found
            return found
        # a simple statement holds no fact; an unknown compound one (newer Python) is kept whole
        return hasattr(node, "body")

    def _is_elif(self, node: ast.If) -> bool:
        line = self._lines[node.lineno - 1]
        return line.encode("utf-8")[node.col_offset : node.col_offset + 4] == b"elif"

    def _assignment(self, node: ast.Assign | ast.AnnAssign) -> bool:
        """Keep a module-level assignment that binds a name; its value only for `__all__`."""
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names: list[str] = []
        for target in targets:
            elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
            for element in elements:
                bound = element.value if isinstance(element, ast.Starred) else element
                if isinstance(bound, ast.Name):
                    names.append(bound.id)
        if not names or not (self._definitions or "__all__" in names):
            return False
        value = node.value
        if value is not None and "__all__" not in names and not self._holds_call(value):
            self._spans.append(_span(value, value))
        return True


def _dynamic_call_positions(tree: ast.Module) -> list[tuple[int, int]]:
    """Where the calls that may be dynamic imports start, sorted (see the module doc)."""
    callees = {"import_module", "__import__"}
    calls: list[tuple[str, int, int]] = []  # every call of a name or attribute, in one walk
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                calls.append((func.id, node.lineno, node.col_offset))
            elif isinstance(func, ast.Attribute):
                calls.append((func.attr, node.lineno, node.col_offset))
        elif isinstance(node, ast.ImportFrom) and node.module == "importlib" and not node.level:
            callees.update(a.asname for a in node.names if a.name == "import_module" and a.asname)
        for name in node._fields:  # ast.walk, without its generators
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return sorted((line, column) for name, line, column in calls if name in callees)


def _is_all(target: ast.expr) -> bool:
    return isinstance(target, ast.Name) and target.id == "__all__"


def _span(first: ast.stmt | ast.expr, last: ast.stmt | ast.expr) -> Span:
    end_line = last.end_lineno if last.end_lineno is not None else last.lineno
    end_column = last.end_col_offset if last.end_col_offset is not None else last.col_offset
    if isinstance(first, _DEFINITIONS) and first.decorator_list:  # from its first `@`
        return (first.decorator_list[0].lineno, first.col_offset, end_line, end_column)
    return (first.lineno, first.col_offset, end_line, end_column)
