"""Who wrote a line: the attribution stage's result, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.domain.findings import Origin


@dataclass(frozen=True, slots=True)
class LineOrigin:
    """The origin of one line at HEAD, and the evidence for it."""

    origin: Origin
    agent: str | None = None  # "claude-code", "copilot", ... when the origin is ai
    model: str | None = None
    commit: str | None = None
    author: str | None = None
    date: str | None = None  # ISO 8601 author date
    source: str = "none"  # "agent-trace" | "git-ai" | "commit" | "override" | "blame" | "none"

    @property
    def evidence(self) -> str:
        """How the origin was decided: "marker" (an identity, trailer, note, trace record or path
        override says so), "default" (a commit with no marker at all: human by default, which the
        history does not prove) or "none" (unknown)."""
        if self.origin is Origin.UNKNOWN:
            return "none"
        return "default" if self.source == "blame" else "marker"


@dataclass(frozen=True, slots=True)
class FileAttribution:
    """Origins of every line of one file (index 0 is line 1)."""

    path: str
    lines: tuple[LineOrigin, ...]

    def span(self, start: int, end: int | None = None) -> LineOrigin:
        """The origin of lines start..end: their common origin, else `mixed`."""
        end = start if end is None else end
        chosen = self.lines[max(start, 1) - 1 : max(end, start)]
        if not chosen:
            return LineOrigin(Origin.UNKNOWN)
        first = chosen[0]
        if all(o.origin == first.origin for o in chosen):
            return first
        agents = {o.agent for o in chosen if o.agent}
        return LineOrigin(
            Origin.MIXED,
            agent=agents.pop() if len(agents) == 1 else None,
            commit=first.commit,
            author=first.author,
            date=first.date,
            source="mixed",
        )
