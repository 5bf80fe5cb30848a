"""Hypothesis strategies: random valid modules built from nested statements of every kind, to
compare the fact-skeleton parse with the whole-file parse (they must give the same FileFacts).

Each program mixes what holds a fact (imports, definitions with decorators and signatures,
module-level assignments, `__all__` forms, dynamic imports, TYPE_CHECKING blocks) with what
does not (expressions, docstrings, multi-line values, comments, blank lines), in every
compound statement, with one-line suites, semicolons, backslash continuations and non-ASCII
text, so that replaced statements meet every neighbour they can have.
"""

from __future__ import annotations

from hypothesis import strategies as st

_SIMPLE = [
    "x = 1",
    "x = 'é' * 2",
    "f(1, 2)",
    "'''doc\nstring'''",
    "y = (1,\n     2)",
    "z = 1 + \\\n    2",
    "w = [\n    'ünïcode',  # comment\n]",
    "a, *b = c = 1, 2, 3",
    "(p) = q = {}",
    "t: int",
    "u: 'List[int]' = [1,\n 2]",
    "obj.attr = 3",
    "d['k'] = 4",
    "n += 1",
    "__all__ = ['a', 'b']",
    "__all__ += ['c']",
    "__all__ = ['a'] + ['d',\n 'e']",
    "__all__.extend(['x'])",
    "__all__ = names()",
    "pass",
    "...",
    "assert x, 'message'",
    "del x",
    "global g",
    "print(f'{x!r:>{w}}')",
    "lambda: 0",
    "x = lambda y=1: __import__('lam.bda')",
    "importlib.import_module('dyn.a')",
    "im('dyn.b')",
    "mod = __import__('dyn.c', globals(), None, [], 0)",
    "import_module('.rel', package='pkg')",
    "x = 1; y = 2",
    "s = 'ééé'; t = 2; import os",
    "ñame = 'ü'; f(ñame)",
    "x = 1;",
    "import os; x = 1",
    "x = 1; import sys",
    "from . import sibling",
    "from ..pkg import (\n    a,\n    b,  # comment\n)",
    "import a.b as ab, c",
    "from importlib import import_module as im",
    "if TYPE_CHECKING: import tc_one; v = 1",
    "return",
    "yield",
    "x = (yield)",
]  # fmt: skip
_HEADERS = [
    "if flag:",
    "if TYPE_CHECKING:",
    "if not TYPE_CHECKING:",
    "if typing.TYPE_CHECKING and x:",
    "for i in range(3):",
    "async for i in aiter():",
    "while x < \\\n      3:",
    "with open(p) as fh:",
    "with suppress(ImportError):",
    "with contextlib.suppress(Exception), other():",
    "async with lock:",
    "try:",
    "match command:",
    "def f(a, b: int = 1, /, *args: 'X', c=lambda: 0, **kw) -> 'R':",
    "async def g():",
    "def h(\n    x,  # comment\n    y=(1,\n       2),\n):",
    "class C(Base, metaclass=Meta):",
    "class D:",
    "@decorator\ndef dec():",
    "@a.b(c=lambda: 1)\n@other\nclass E(\n    F,\n):",
]  # fmt: skip
_FOLLOWERS = {
    "if": ["elif other:", "elif TYPE_CHECKING:", "else:"],
    "for": ["else:"],
    "while": ["else:"],
    "try": ["except ImportError:", "except (A, B) as e:", "else:", "finally:"],
}
_CASES = ["case 1:", "case [a, *rest] if rest:", "case {'k': v}:", "case Point(x=0):", "case _:"]
_GAPS = ["", "", "# a comment", "    # indented comment", "\f"]


def _indent(lines: list[str], depth: int) -> list[str]:
    return [("    " * depth + line) if line.strip() else line for line in lines]


@st.composite
def _block(draw: st.DrawFn, depth: int) -> list[str]:
    """The lines of 1-4 statements at `depth` (indented by the caller)."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        lines.extend(draw(st.lists(st.sampled_from(_GAPS), max_size=1)))
        if depth < 3 and draw(st.integers(0, 2)) == 0:
            lines.extend(draw(_compound(depth)))
        else:
            lines.extend(draw(st.sampled_from(_SIMPLE)).split("\n"))
    return lines


@st.composite
def _compound(draw: st.DrawFn, depth: int) -> list[str]:
    header = draw(st.sampled_from(_HEADERS))
    if draw(st.integers(0, 5)) == 0 and header.startswith(("if", "for", "while", "with", "class")):
        return [f"{header} {draw(st.sampled_from(['x = 1', 'import one_line', 'pass; f()']))}"]
    lines = header.split("\n")
    if header.startswith("match"):
        for case in draw(st.lists(st.sampled_from(_CASES), min_size=1, max_size=3)):
            lines.append("    " + case)
            lines.extend(_indent(draw(_block(depth + 1)), 2))
        return lines
    lines.extend(_indent(draw(_block(depth + 1)), 1))
    keyword = header.split()[0]
    followers = _FOLLOWERS.get(keyword, [])
    chosen = [f for f in followers if draw(st.booleans())]
    if keyword == "try" and not any(f.startswith(("except", "finally")) for f in chosen):
        chosen.append("finally:")
    if keyword == "try" and chosen[0] == "else:":
        chosen.insert(0, "except ImportError:")
    for follower in chosen:
        lines.append(follower)
        lines.extend(_indent(draw(_block(depth + 1)), 1))
    return lines


@st.composite
def nested_programs(draw: st.DrawFn) -> bytes:
    """A module that CPython parses (the caller may check): prelude, then random statements."""
    lines = ["'''Module docstring.'''", "from __future__ import annotations"]
    lines += draw(_block(0))
    return ("\n".join(lines) + draw(st.sampled_from(["\n", ""]))).encode("utf-8")
