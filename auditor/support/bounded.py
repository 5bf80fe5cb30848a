"""Bounded messages: what a repository string may cost in a warning, and how many warnings.

A hostile input is small and its echo must stay small: a 450 KB Agent Trace file with one
100 KB path and 10,000 bad ranges once made a 2 GB JSON report. So
- a repository string quoted in a message is clipped to STRING_LIMIT characters (`clip`),
  a whole message to MESSAGE_LIMIT, both with an ellipsis in the middle (a path keeps its end);
- the warnings of one source (a trace file, the notes of a ref) are capped at
  WARNINGS_PER_SOURCE distinct messages, duplicates counted, the rest summed up in one line
  "SOURCE: and N more warnings like these" (`WarningLog`);
- whatever reaches the run's result is clipped, de-duplicated and capped once more
  (`bound_messages`), so no producer can forget it.
"""

from __future__ import annotations

from collections.abc import Iterable

STRING_LIMIT = 200  # a path, a key, a reason quoted from the repository
MESSAGE_LIMIT = 1000  # one whole warning or reason
WARNINGS_PER_SOURCE = 20
WARNINGS_PER_RUN = 200
ELLIPSIS = "…"


def clip(value: str, limit: int = STRING_LIMIT) -> str:
    """`value`, or its start and end around an ellipsis, in at most `limit` characters."""
    if len(value) <= limit:
        return value
    keep = max(limit - len(ELLIPSIS), 0)
    head = (keep + 1) // 2
    tail = keep - head
    return value[:head] + ELLIPSIS + (value[-tail:] if tail else "")


class WarningLog:
    """The warnings of one source: clipped, de-duplicated, the first `limit` distinct ones kept.
    Producers `append` to it as they would to a list."""

    def __init__(self, source: str, limit: int = WARNINGS_PER_SOURCE) -> None:
        self.source = source
        self.limit = limit
        self._counts: dict[str, int] = {}  # shown message -> times added
        self.more = 0  # adds of messages beyond the limit

    def append(self, message: str) -> None:
        message = clip(message, MESSAGE_LIMIT)
        if message in self._counts:
            self._counts[message] += 1
        elif len(self._counts) < self.limit:
            self._counts[message] = 1
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self._counts)

    def lines(self) -> list[str]:
        out = [m if n == 1 else f"{m} ({n:,} times)" for m, n in self._counts.items()]
        if self.more:
            out.append(f"{self.source}: and {self.more:,} more warning{'s' if self.more != 1 else ''} like these")
        return out

    def flush_into(self, warnings: list[str]) -> None:
        warnings.extend(self.lines())
        self._counts.clear()
        self.more = 0


def bound_messages(messages: Iterable[str], limit: int = WARNINGS_PER_RUN) -> list[str]:
    """Messages clipped to MESSAGE_LIMIT, exact repeats dropped, at most `limit` of them (then
    one line "and N more warnings")."""
    seen: dict[str, None] = {}
    beyond: set[int] = set()  # hashes of the distinct messages past the limit
    for message in messages:
        message = clip(message, MESSAGE_LIMIT)
        if message in seen:
            continue
        if len(seen) < limit:
            seen[message] = None
        else:
            beyond.add(hash(message))
    out = list(seen)
    more = len(beyond)
    if more:
        out.append(f"and {more:,} more warning{'s' if more != 1 else ''}")
    return out
