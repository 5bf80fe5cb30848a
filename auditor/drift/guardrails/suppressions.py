"""Inline suppressions a change adds: `# nosemgrep` comments on the added lines of its diff.

auditor has no inline ignore of its own (contract violations are excepted in the config, where
the exception is reviewed, owned and expires); semgrep's `nosemgrep` is the inline switch that
silences a security rule, so a line that gains one is a guardrail change.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_NOSEMGREP = re.compile(r"#\s*nosemgrep\b(?::\s*(?P<rules>[\w.\-, ]+))?", re.IGNORECASE)
MAX_SUPPRESSIONS = 500  # listed per change; a larger count is summed up in the last one


@dataclass(frozen=True, slots=True)
class AddedSuppression:
    path: str  # repo-relative, as the diff names it (b/ side)
    line: int
    text: str  # the comment: "# nosemgrep: rule-id"


def nosemgrep_in(line: str) -> str | None:
    """The `# nosemgrep[: rules]` comment of a line of Python, None when it has none (a
    `#` inside a string is not a comment: the line is tokenized when it looks like one)."""
    found = _NOSEMGREP.search(line)
    if found is None:
        return None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return found.group(0).strip()  # a line of a bracketed statement: judge the text
    comments = [t.string for t in tokens if t.type == tokenize.COMMENT]
    hit = next((c for c in comments if _NOSEMGREP.search(c)), None)
    return _NOSEMGREP.search(hit).group(0).strip() if hit else None  # type: ignore[union-attr]


def added_suppressions(diff: bytes, wanted: Iterable[str] | None = None) -> list[AddedSuppression]:
    """`# nosemgrep` on the added lines of `git diff -U0` output (`wanted`: only these paths)."""
    keep = set(wanted) if wanted is not None else None
    out: list[AddedSuppression] = []
    path: str | None = None
    line = 0
    for raw in diff.split(b"\n"):
        if raw.startswith(b"+++ "):
            name = raw[4:].decode("utf-8", "surrogateescape")
            path = name[2:] if name.startswith("b/") else None
            if path is not None and keep is not None and path not in keep:
                path = None
            continue
        hunk = _HUNK.match(raw)
        if hunk:
            line = int(hunk.group(1))
            continue
        if path is None:
            continue
        if raw.startswith(b"+"):
            comment = nosemgrep_in(raw[1:].decode("utf-8", "replace"))
            if comment is not None:
                out.append(AddedSuppression(path, line, comment))
            line += 1
        elif raw.startswith(b" "):
            line += 1
    return out


def suppressions_in_text(path: str, text: str) -> list[AddedSuppression]:
    """Every `# nosemgrep` of a whole file (an untracked file is all added lines)."""
    return [
        AddedSuppression(path, number, comment)
        for number, line in enumerate(text.splitlines(), start=1)
        if (comment := nosemgrep_in(line)) is not None
    ]
