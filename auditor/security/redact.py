"""Redacting secrets from matched source text: string literal contents become "***"."""

from __future__ import annotations

import re

_PREFIX = r"(?P<prefix>(?:(?<![A-Za-z0-9_])[rRbBuUfF]{1,2})?)"
_LITERAL = re.compile(
    _PREFIX + r"""(?P<quote>'''|\"\"\"|'|")(?P<body>(?:\\.|(?!(?P=quote)).)*?)(?P<end>(?P=quote)|$)""",
    re.DOTALL,
)
_AWS_KEY = re.compile(r"\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b")
_KEY_BLOCK = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----.*?(-----END [A-Z ]*-----|$)", re.DOTALL)


def redact_literals(text: str) -> str:
    """`password = "hunter2"` -> `password = "***"`; unterminated literals are cut to "***" too."""

    def hide(match: re.Match[str]) -> str:
        if not match.group("body"):
            return match.group(0)
        return f"{match.group('prefix')}{match.group('quote')}***{match.group('end')}"

    text = _LITERAL.sub(hide, text)
    # a match that starts inside a literal (no opening quote in the text) still hides its key
    text = _AWS_KEY.sub("***", text)
    return _KEY_BLOCK.sub("***", text)
