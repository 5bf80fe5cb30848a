"""One organisation's history at a glance: what `auditor org report` shows (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field

ORIGINS = ("ai", "human", "mixed", "unknown")


@dataclass(frozen=True, slots=True)
class OrgTrendPoint:
    """One run of a repository: its open and new findings."""

    date: str
    commit: str | None
    open: int
    new: int


@dataclass(frozen=True, slots=True)
class OrgLastRun:
    """A repository's latest run."""

    commit: str | None
    date: str
    by_status: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    ai_line_share: float | None = None  # AI-attributed lines / attributed lines; None: no lines known
    # new findings per 1,000 lines of each origin (None: no lines of that origin)
    drift_rate_by_origin: dict[str, float | None] = field(default_factory=dict)
    guardrail: int = 0  # findings of kind "guardrail"

    @property
    def open(self) -> int:
        return self.by_status.get("new", 0) + self.by_status.get("persisting", 0)

    @property
    def new(self) -> int:
        return self.by_status.get("new", 0)


@dataclass(frozen=True, slots=True)
class OrgRepository:
    name: str
    runs: int
    last: OrgLastRun
    trend: tuple[OrgTrendPoint, ...] = ()  # the last runs, oldest first

    @property
    def direction(self) -> str:
        """"worse", "better" or "same": open findings of the last run against the run before."""
        if len(self.trend) < 2 or self.trend[-1].open == self.trend[-2].open:
            return "same"
        return "worse" if self.trend[-1].open > self.trend[-2].open else "better"


@dataclass(frozen=True, slots=True)
class OrgSummary:
    """Every repository of a history, and the counts across them (latest runs only)."""

    repositories: tuple[OrgRepository, ...]
    drift_by_agent: dict[str, int] = field(default_factory=dict)  # new findings by AI agent
    drift_by_model: dict[str, int] = field(default_factory=dict)  # new findings by model
    open_by_owner: dict[str, int] = field(default_factory=dict)  # open findings by owner
    guardrail_by_repository: dict[str, int] = field(default_factory=dict)  # guardrail findings
    worst_drifting: tuple[str, ...] = ()  # repository names, most new findings first
    location: str = ""  # the history, fit to print (no password)
    generated_at: str = ""
