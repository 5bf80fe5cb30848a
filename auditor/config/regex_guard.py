r"""Regexes from a config are hostile input: they must compile, stay short, and not backtrack
catastrophically. We reject an unbounded repeat nested inside another repeat ((a+)+, (a*)*,
(a|a?)+, (.*a){12} ...) and patterns with more than MAX_UNBOUNDED unbounded repeats
(\w*\w*\w*\w*z backtracks polynomially) instead of running them with a timeout, so the
attribution stage can use `re`.
"""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover - 3.10
    import sre_constants
    import sre_parse

MAX_PATTERN_LENGTH = 300
MAX_UNBOUNDED = 3  # unbounded repeats per pattern: each one multiplies the backtracking
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)


def regex_problem(pattern: str) -> str | None:
    """None when `pattern` is safe to run; otherwise why it is rejected (one line)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"regex is {len(pattern)} characters long; the limit is {MAX_PATTERN_LENGTH}"
    try:
        re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"regex does not compile: {exc}"
    if _has_nested_repeat(parsed, inside_repeat=False):
        return "regex nests a repeat inside a repeat (like (a+)+), which can backtrack catastrophically"
    unbounded = _count_unbounded(parsed)
    if unbounded > MAX_UNBOUNDED:
        return (
            f"regex has {unbounded} unbounded repeats (*, +, {{n,}}); at most {MAX_UNBOUNDED} are allowed, "
            "since each one multiplies the backtracking on a hostile name"
        )
    return None


def _count_unbounded(items: Any) -> int:
    count = 0
    for op, arg in items:
        if op in _REPEATS or (_POSSESSIVE is not None and op == _POSSESSIVE):
            count += int(arg[1] == sre_constants.MAXREPEAT or arg[1] > 50) + _count_unbounded(arg[2])
        elif op == sre_constants.SUBPATTERN:
            count += _count_unbounded(arg[-1])
        elif op == sre_constants.BRANCH:
            count += sum(_count_unbounded(branch) for branch in arg[1])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            count += _count_unbounded(arg[1])
    return count


def _has_nested_repeat(items: Any, inside_repeat: bool) -> bool:
    for op, arg in items:
        if op in _REPEATS or (_POSSESSIVE is not None and op == _POSSESSIVE):
            _low, high, sub = arg
            unbounded = high == sre_constants.MAXREPEAT or high > 50
            if inside_repeat and unbounded:
                return True
            # any repetition (bounded too: (.*a){12}) multiplies an unbounded repeat inside it
            if _has_nested_repeat(sub, inside_repeat or unbounded or high > 1):
                return True
            if unbounded and _can_repeat_inside(sub):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _has_nested_repeat(arg[-1], inside_repeat):
                return True
        elif op == sre_constants.BRANCH:
            if any(_has_nested_repeat(branch, inside_repeat) for branch in arg[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT) and _has_nested_repeat(
            arg[1], inside_repeat
        ):
            return True
    return False


def _can_repeat_inside(items: Any) -> bool:
    """Alternatives that can match the same text ((a|a)+, (a|ab)*) under an unbounded repeat."""
    for op, arg in items:
        if op == sre_constants.SUBPATTERN and _can_repeat_inside(arg[-1]):
            return True
        if op == sre_constants.BRANCH:
            firsts = [_first_literal(branch) for branch in arg[1]]
            known = [f for f in firsts if f is not None]
            if len(known) != len(set(known)) or None in firsts:
                return True
    return False


def _first_literal(items: Any) -> int | None:
    for op, arg in items:
        if op == sre_constants.LITERAL:
            return int(arg)
        return None
    return None
