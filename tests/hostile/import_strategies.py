"""Hypothesis strategies: random but valid import statements in random contexts, with the facts
the parser must report for them; and random Python-ish text that the parser must survive.

    source, expected = data.draw(import_programs())
    # expected: [(module, names, level, is_from, line, kind), ...] in source order
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass

from hypothesis import strategies as st

from auditor.domain import ImportKind

_FIRST = "abcxyz_ABCé\u00fc\u03c0"
_REST = _FIRST + "0123456789"

identifiers = st.builds(
    lambda a, b: a + b,
    st.sampled_from(_FIRST),
    st.text(alphabet=_REST, max_size=6),
).filter(lambda s: s.isidentifier() and not keyword.iskeyword(s) and s not in ("TYPE_CHECKING", "importlib"))
dotted = st.lists(identifiers, min_size=1, max_size=4).map(".".join)


@dataclass(frozen=True)
class Expected:
    module: str | None
    names: tuple[str, ...]
    level: int
    is_from: bool
    line: int
    kind: ImportKind


@st.composite
def import_statement(draw: st.DrawFn) -> tuple[list[str], str | None, tuple[str, ...], int, bool]:
    """(lines of one statement, module, names, level, is_from)."""
    form = draw(st.sampled_from(["import", "import_as", "from", "from_relative", "from_paren", "star"]))
    if form == "import":
        module = draw(dotted)
        return [f"import {module}"], module, (), 0, False
    if form == "import_as":
        module, alias = draw(dotted), draw(identifiers)
        return [f"import {module} as {alias}"], module, (), 0, False
    names = tuple(draw(st.lists(identifiers, min_size=1, max_size=4, unique=True)))
    if form == "star":
        module = draw(dotted)
        return [f"from {module} import *"], module, ("*",), 0, True
    if form == "from":
        module = draw(dotted)
        return [f"from {module} import {', '.join(names)}"], module, names, 0, True
    level = draw(st.integers(min_value=1, max_value=3))
    rel = draw(st.none() | dotted)
    head = f"from {'.' * level}{rel or ''} import"
    if form == "from_relative":
        return [f"{head} {', '.join(names)}"], rel, names, level, True
    return [f"{head} (", *(f"    {n}," for n in names), ")"], rel, names, level, True


CONTEXTS = {
    "toplevel": ([], ImportKind.TOPLEVEL),
    "class": (["class K:"], ImportKind.TOPLEVEL),
    "function": (["def f():"], ImportKind.FUNCTION),
    "async_function": (["async def f():"], ImportKind.FUNCTION),
    "if": (["if flag:"], ImportKind.CONDITIONAL),
    "try": (["try:"], ImportKind.CONDITIONAL),
    "for": (["for _ in range(1):"], ImportKind.CONDITIONAL),
    "type_checking": (["if TYPE_CHECKING:"], ImportKind.TYPE_CHECKING),
    "typing_type_checking": (["if typing.TYPE_CHECKING:"], ImportKind.TYPE_CHECKING),
    "function_in_type_checking": (["if TYPE_CHECKING:", "    def g():"], ImportKind.TYPE_CHECKING),
}
_TAILS = {"try": ["except ImportError:", "    pass"]}


@st.composite
def import_programs(draw: st.DrawFn) -> tuple[bytes, list[Expected]]:
    """A valid module: a prelude, then 1-8 import blocks in random contexts, random glue lines,
    random line endings and an optional BOM. Returns the bytes and the imports it must yield."""
    lines = ["from typing import TYPE_CHECKING", "import typing", "import importlib"]
    expected = [
        Expected("typing", ("TYPE_CHECKING",), 0, True, 1, ImportKind.TOPLEVEL),
        Expected("typing", (), 0, False, 2, ImportKind.TOPLEVEL),
        Expected("importlib", (), 0, False, 3, ImportKind.TOPLEVEL),
    ]
    glue = st.sampled_from(["", "# comment", "x = 1", "'''doc\nstring'''", "flag = True", "y = (1,\n  2)"])
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        for g in draw(st.lists(glue, max_size=2)):
            lines.extend(g.split("\n"))
        if draw(st.integers(0, 5)) == 0:
            target = draw(dotted)
            lines.append(f"m = importlib.import_module({target!r})")
            expected.append(Expected(target, (), 0, False, len(lines), ImportKind.DYNAMIC))
            continue
        name = draw(st.sampled_from(sorted(CONTEXTS)))
        header, kind = CONTEXTS[name]
        statement, module, names, level, is_from = draw(import_statement())
        lines.extend(header)
        indent = "    " * len(header)
        start = len(lines) + 1
        lines.extend(indent + s for s in statement)
        lines.extend(_TAILS.get(name, []))
        expected.append(Expected(module, names, level, is_from, start, kind))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + text.encode("utf-8"), expected


# -- Python-ish noise: fragments of real syntax glued at random ------------------------------------
_FRAGMENTS = [
    "import ", "from ", " import ", "as ", ".", "..", "*", "(", ")", "[", "]", "{", "}", ",", ":",
    "\n", "\r\n", "\r", "    ", "\t", "def ", "class ", "if ", "else:", "try:", "except", "lambda",
    "async ", "await ", "f'", "'", '"', '"""', "#", "\\", "=", ":=", "@", "->", "0x", "1e", "_",
    "TYPE_CHECKING", "importlib.import_module(", "__import__(", "é", "\x00", "\x0c", "\ufeff",
    "a", "b.c", "yield ", "return ", "global ", "nonlocal ", "match ", "case ", "type ",
]  # fmt: skip

pythonish = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=3), max_size=60).map("".join)
pythonish_bytes = st.one_of(
    pythonish.map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    st.tuples(
        st.sampled_from([b"# coding: latin-1\n", b"# coding: utf-16\n", b"\xef\xbb\xbf", b""]), pythonish
    ).map(lambda t: t[0] + t[1].encode("utf-8", "surrogatepass")),
)
