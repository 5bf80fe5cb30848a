"""A nesting estimate that needs no Python grammar: the cost guard for files CPython rejects.

For a file the running Python parses, the guard measures its `ast` tree (budget.depth_problem).
A file written for a newer Python (PEP 695 generics, `type` aliases, PEP 701 f-strings under
3.10/3.11) makes `ast.parse` raise SyntaxError although libcst parses it, so its nesting is
estimated here instead, in one pass over the characters that knows only brackets, strings
(f-strings with nested fields, specs and quotes), comments and operators.

The estimate errs upwards only: every bracket, f-string, replacement field and format spec
counts two levels; within a level every operator character, keyword operator (`not`, `and`,
`lambda`, `if`, ...), attribute dot and closed bracket (a call or subscript applied to it)
counts one more, until a `,`, `;`, assignment or end of statement starts a sibling (a comma
between a lambda's parameters does not). tests/test_parse_new_syntax.py checks it against
CPython's depth on every shape it knows and on this repository's own files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEVEL = 2  # what one bracket / f-string / field / spec counts (the node, and a tuple in it)
_NESTING_WORDS = frozenset(
    {"not", "and", "or", "if", "else", "lambda", "await", "yield", "in", "is", "for", "async"}
)
_STRING_PREFIXES = frozenset(
    {"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"}
)  # lower-cased
_AUGMENTED = ("**=", "//=", ">>=", "<<=", "+=", "-=", "*=", "/=", "%=", "@=", "&=", "|=", "^=")
_OPERATORS = frozenset("+-*/%@&|^~<>.")
_BLANK = re.compile(r"[ \t\f\r]+")
_WORD = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"\.?\d[\w.]*")


def _plain_string_end(quote: str) -> re.Pattern[str]:
    """The rest of a non-f string after its opening `quote`, closing quote included if any
    (a single-quoted one stops before an unescaped newline)."""
    q = re.escape(quote[0])
    if len(quote) == 1:
        return re.compile(rf"(?:[^{q}\\\n]|\\[\s\S])*{q}?")
    return re.compile(rf"(?:[^{q}\\]|\\[\s\S]|{q}(?!{q}{q}))*(?:{q}{q}{q})?")


_PLAIN_END = {q: _plain_string_end(q) for q in ("'", '"', "'''", '"""')}
_FSTRING_TEXT = {q: re.compile(rf"[^{{}}\\\n{q}]+") for q in ("'", '"')}


@dataclass(slots=True)
class _Level:
    kind: str  # "top", "bracket", "field" (code inside an f-string), "fstring", "spec" (text)
    quote: str = ""  # the enclosing f-string's quote (fstring and spec levels)
    raw: bool = False
    chain: int = 0  # operators etc. in the current segment (since the last sibling separator)
    child: int = 0  # the tallest level closed inside the current segment
    best: int = 0  # the tallest segment of this level so far
    lambdas: int = 0  # lambdas whose parameters are still being read


class _Scan:
    """Heights are summed bottom-up: a segment (the code between two sibling separators of one
    level) is at most as tall as its operators plus its tallest inner level, since a path from
    the segment's top node to a leaf enters at most one bracket; a level is _LEVEL taller than
    its tallest segment."""

    def __init__(self, text: str, limit: int) -> None:
        self.text = text
        self.limit = limit
        self.levels = [_Level("top")]
        self.line = 1
        self.statement_line = 0  # first line of the current top-level segment (0: not begun)
        self.best = 0
        self.over_line = 0  # first line of the first statement over the limit

    # -- height bookkeeping -----------------------------------------------------------------
    def push(self, kind: str, quote: str = "", raw: bool = False) -> None:
        self.levels.append(_Level(kind, quote, raw))

    def pop(self) -> None:
        level = self.levels.pop()
        height = _LEVEL + max(level.best, level.chain + level.child)
        parent = self.levels[-1]
        parent.child = max(parent.child, height)

    def add(self) -> None:
        self.levels[-1].chain += 1

    def sibling(self) -> None:
        level = self.levels[-1]
        level.best = max(level.best, level.chain + level.child)
        level.chain = level.child = 0
        if len(self.levels) == 1:
            # + 1 for the statement's own level (`x = a, -b`: a tuple above the `-`), + 1 leaf
            height = level.best + 2
            if self.limit and height > self.limit and self.statement_line and not self.over_line:
                self.over_line = self.statement_line
            self.best = max(self.best, height)
            self.statement_line = 0

    def finish(self) -> None:
        """Close what is still open at the end (unclosed brackets nest all the same)."""
        while len(self.levels) > 1:
            self.pop()
        self.sibling()

    # -- scanning ---------------------------------------------------------------------------
    def run(self) -> None:
        i, n = 0, len(self.text)
        while i < n:
            if self.levels[-1].kind in ("fstring", "spec"):
                i = self.string_part(i)
            else:
                i = self.code(i)
        self.finish()

    def code(self, i: int) -> int:
        text = self.text
        c = text[i]
        level = self.levels[-1]
        if c == "\n":
            self.line += 1
            if level.kind == "top":  # end of a logical line
                self.sibling()
                level.lambdas = 0
            return i + 1
        if c in " \t\f\r":
            return _BLANK.match(text, i).end()  # type: ignore[union-attr]
        if c == "#":
            end = text.find("\n", i)
            return len(text) if end < 0 else end
        if not self.statement_line:
            self.statement_line = self.line
        if c == "\\":  # line continuation
            if text.startswith("\n", i + 1):
                self.line += 1
            return i + 2
        if c in "'\"":
            return self.string_start(i, "")
        word = _WORD.match(text, i)
        if word is not None:
            end = word.end()
            name = word.group()
            if end < len(text) and text[end] in "'\"" and name.lower() in _STRING_PREFIXES:
                return self.string_start(end, name.lower())
            if name in _NESTING_WORDS:
                self.add()
                if name == "lambda":
                    level.lambdas += 1
            return end
        if c.isdecimal() or (c == "." and text[i + 1 : i + 2].isdecimal()):  # as `\d` (not `²`)
            return _NUMBER.match(text, i).end()  # type: ignore[union-attr]
        return self.punctuation(i, c, level)

    def punctuation(self, i: int, c: str, level: _Level) -> int:
        text = self.text
        if c in "([{":
            self.push("bracket")
        elif c in ")]}":
            self.close(c)
        elif c == "," and level.lambdas:
            pass  # between a lambda's parameters
        elif c in ",;":
            self.sibling()
            if c == ";":
                level.lambdas = 0
        elif c == ":":
            if level.kind == "field":  # a format spec starts (`{x:>10}`, `{x:=^9}`)
                self.push("spec", self.levels[-2].quote, self.levels[-2].raw)
            elif text.startswith("=", i + 1):  # :=
                self.add()
                return i + 2
            elif level.lambdas:
                level.lambdas -= 1
        elif c in "=!":
            if text.startswith("=", i + 1):  # == !=
                self.add()
                return i + 2
            if c == "=" and not level.lambdas:
                self.sibling()  # an assignment or keyword argument (a lambda's default: not)
        elif c in _OPERATORS:
            for augmented in _AUGMENTED:
                if text.startswith(augmented, i):
                    self.sibling()
                    return i + len(augmented)
            self.add()
            if c in "<>" and text.startswith("=", i + 1):  # <= >=
                return i + 2
        return i + 1

    def close(self, c: str) -> None:
        kind = self.levels[-1].kind
        if kind == "bracket":
            self.pop()
            self.add()  # the closed atom may be called or subscripted: a level more
        elif kind == "field" and c == "}":
            self.pop()

    def string_start(self, i: int, prefix: str) -> int:
        """`i` at the opening quote of a string with `prefix` (lower-cased)."""
        text = self.text
        q = text[i]
        quote = q * 3 if text.startswith(q * 3, i) else q
        if "f" in prefix or "t" in prefix:
            self.push("fstring", quote, "r" in prefix)
            return i + len(quote)
        end = _PLAIN_END[quote].match(text, i + len(quote)).end()  # type: ignore[union-attr]
        self.line += text.count("\n", i, end)
        return end

    def string_part(self, i: int) -> int:
        """One step inside the text of an f-string or of a format spec."""
        text = self.text
        level = self.levels[-1]
        quote = level.quote
        run = _FSTRING_TEXT[quote[0]].match(text, i)
        if run is not None:
            return run.end()
        c = text[i]
        if text.startswith(quote, i):  # the f-string ends (inside a spec: unclosed, libcst says so)
            self._close_fstring()
            return i + len(quote)
        if c == "\n":
            if len(quote) == 1:  # unterminated single-quoted f-string: the newline is code's
                self._close_fstring()
                return i
            self.line += 1
        elif c == "\\":
            after = text[i + 1 : i + 2]
            if not level.raw and after == "N" and text.startswith("{", i + 2):
                end = text.find("}", i)  # \N{NAME}
                return len(text) if end < 0 else end + 1
            if after == "\n":
                self.line += 1
            if after and after not in "{}" and (not level.raw or after in (quote[0], "\\")):
                return i + 2
        elif c == "{":
            if level.kind == "fstring" and text.startswith("{", i + 1):
                return i + 2  # {{
            self.push("field")
        elif c == "}":
            if level.kind == "spec":  # ends the spec and its field
                self.pop()
                self.pop()
            elif text.startswith("}", i + 1):
                return i + 2  # }}
        return i + 1

    def _close_fstring(self) -> None:
        while self.levels[-1].kind != "fstring":
            self.pop()
        self.pop()


def estimated_depth(text: str, limit: int = 0) -> tuple[int, int]:
    """An upper estimate of the deepest expression nesting in `text`, and the first line of
    the first statement estimated deeper than `limit` (0 when none is)."""
    scan = _Scan(text, limit)
    scan.run()
    return scan.best, scan.over_line
