"""Repository strings made safe for the medium they reach: a terminal, a CI log, Markdown.

- `visible`: C0 and C1 control characters (newline and CR included, tab kept), the Unicode line
  and paragraph separators and the bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F,
  U+061C: they reorder what a reviewer sees, "Trojan Source") become visible escapes: `\\n`,
  `\\x1b`, `\\u202e`. A message then stays on its line and cannot move the cursor or recolour
  the terminal.
- `guard_lines`: no line can be read by GitHub Actions as a workflow command, whatever the
  writer put together: the runner trims leading whitespace and runs a line starting with
  `::cmd` (`::error`, `::add-mask::`, `::stop-commands::`), and it runs the legacy form
  `##[cmd]` found anywhere in a line (actions/runner, ActionCommand.TryParse). Nor can a line
  close a Markdown code fence (the nightly summary puts `auditor history` inside one).
- `terminal_line`: one line for stderr: both of the above.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{BIDI_CONTROLS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_COMMAND_START = re.compile(r"^(\s*):(?=:)", re.MULTILINE)
_LEGACY_COMMAND = "##["
_FENCE_CLOSER = re.compile(r"^( {0,3})([`~])(?=\2{2,}\s*$)", re.MULTILINE)


def _escape(ch: str) -> str:
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(value: str, keep: str = "\t") -> str:
    """`value` with control, separator and bidi characters as escapes, except those in `keep`."""
    if not _UNSAFE.search(value):
        return value
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), value)


def guard_lines(text: str) -> str:
    """`text` with no line a workflow command (`::` at its start becomes `\\x3a:`, `##[`
    becomes `#\\x23[`) and no line that closes a Markdown fence (its first backtick or tilde
    escaped)."""
    if "::" in text:
        text = _COMMAND_START.sub(lambda m: m.group(1) + "\\x3a", text)
    if _LEGACY_COMMAND in text:
        text = text.replace(_LEGACY_COMMAND, "#\\x23[")
    if "``" in text or "~~" in text:
        text = _FENCE_CLOSER.sub(lambda m: m.group(1) + _escape_fence(m.group(2)), text)
    return text


def _escape_fence(ch: str) -> str:
    return "\\x60" if ch == "`" else "\\x7e"


def terminal_line(text: str) -> str:
    """One safe line for a terminal or a CI log (stderr messages)."""
    return guard_lines(visible(text))
