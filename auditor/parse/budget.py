"""Cost guards run before libcst: inputs whose parse would take unbounded memory or time.

Measured (CPython 3.11, libcst 1.x): libcst holds ~2.3 KB per token, so 1 MB of `x=1` lines took
parse_source to 2.2 GB; its parser is quadratic in expression depth (a 2,000-long `a.b().b()...`
chain: 17 s, 10,000: minutes). The largest real files seen (mypy, playwright, semgrep) have
< 100,000 tokens and expression depth < 50, so the limits leave a wide margin.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Sequence
from itertools import accumulate

MAX_TOKENS = 250_000  # ~600 MB of libcst tree at worst
MAX_EXPRESSION_DEPTH = 500  # a 500-deep call chain parses in ~1 s
_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)  # no expression below


def token_budget_problem(text: str) -> str | None:
    """A reason to skip `text` when it has more than MAX_TOKENS tokens, else None.

    Counting streams (constant memory); files shorter than MAX_TOKENS characters cannot have
    that many tokens and are not counted. Tokenizer errors are left to the parser to report.
    """
    if len(text) <= MAX_TOKENS:
        return None
    count = 0
    try:
        for _ in tokenize.generate_tokens(io.StringIO(text).readline):
            count += 1
            if count > MAX_TOKENS:
                return f"too many tokens to analyse (over {MAX_TOKENS:,}); skipped"
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def depth_problem(tree: ast.AST, lines: Sequence[str] | None = None) -> str | None:
    """A reason to skip a tree whose expressions nest deeper than MAX_EXPRESSION_DEPTH, else None.

    Given the source's `lines`, a statement whose source is at most MAX_EXPRESSION_DEPTH
    characters long is not walked: each level of an expression spends at least one character
    of its own (an operator, a dot, a bracket, a quote), so its expressions cannot nest deeper.
    """
    # offsets[n]: characters before line n + 1, newlines left out
    offsets = list(accumulate(map(len, lines), initial=0)) if lines is not None else None
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    push = stack.append
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
            if depth > MAX_EXPRESSION_DEPTH:
                line = getattr(node, "lineno", 0)
                return f"line {line}: expression nesting deeper than {MAX_EXPRESSION_DEPTH}; skipped"
        elif offsets is not None and isinstance(node, ast.stmt) and _short(node, offsets):
            continue
        for name in node._fields:  # ast.iter_child_nodes, without its generator
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        push((item, depth))
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                push((value, depth))
    return None


def _short(statement: ast.stmt, offsets: Sequence[int]) -> bool:
    """Whether the statement's source surely has at most MAX_EXPRESSION_DEPTH characters
    (`offsets` as in depth_problem)."""
    first, last = statement.lineno, statement.end_lineno
    if last is None or statement.end_col_offset is None:
        return False
    if last == first:  # columns count UTF-8 bytes: at least the characters
        return statement.end_col_offset - statement.col_offset <= MAX_EXPRESSION_DEPTH
    # its whole lines, with their newlines: never less than the statement itself
    return offsets[last] - offsets[first - 1] + (last - first + 1) <= MAX_EXPRESSION_DEPTH


def estimated_depth_problem(text: str) -> str | None:
    """depth_problem for a file CPython cannot parse (newer syntax): from a grammar-free
    estimate that never undercounts (parse.nesting)."""
    from auditor.parse.nesting import estimated_depth

    depth, line = estimated_depth(text, MAX_EXPRESSION_DEPTH)
    if depth > MAX_EXPRESSION_DEPTH:
        return f"line {line}: expression nesting deeper than {MAX_EXPRESSION_DEPTH}; skipped"
    return None
