"""The HTML report's view model: plain dataclasses that html_view builds from a RunResult and
the templates render. Nothing here produces markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.report.html_guardrails import GuardrailsView
from auditor.report.html_rows import ChainStep, FindingRow, FindingsTable
from auditor.report.svg import BarRow, GraphLayout, LineChart


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool  # the run's verdict (RunResult.verdict), the same one the exit code follows
    headline: str  # e.g. "failed: 2 open findings at or above warning"
    new: int
    fixed: int
    persisting: int
    baselined: int
    total: int  # current findings (new + persisting + baselined)
    previous_total: int | None  # the previous recorded run's total, when the history has one
    previous_commit: str | None
    delta_by_origin: tuple[tuple[str, int], ...]  # origin -> change vs the previous run
    incomplete_reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    error_count: int
    skipped_stages: tuple[tuple[str, str], ...] = ()
    carried: int = 0  # findings of kinds this run did not check, assumed unchanged

    @property
    def delta(self) -> int | None:
        return None if self.previous_total is None else self.total + self.carried - self.previous_total

    @property
    def clean(self) -> bool:
        return self.total == 0 and self.fixed == 0


@dataclass(frozen=True, slots=True)
class RunMeta:
    tool_version: str
    root: str
    commit: str | None
    branch: str | None
    base: str | None
    started_at: str
    duration_s: float
    packs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class OriginStat:
    """One row of the AI-vs-human table: lines, findings and drift rate of one origin/agent/model."""

    key: str
    lines: int
    findings: int
    new_findings: int
    per_kloc: float | None  # findings per 1,000 lines; None without attributed lines

    @property
    def per_kloc_text(self) -> str:
        return "-" if self.per_kloc is None else f"{self.per_kloc:.2f}"


@dataclass(frozen=True, slots=True)
class Breakdown:
    available: bool
    shallow: bool
    warnings: tuple[str, ...]
    total_lines: int
    unmarked_lines: int  # human lines no marker covers (human by default)
    origins: tuple[OriginStat, ...]
    agents: tuple[OriginStat, ...]
    models: tuple[OriginStat, ...]
    lines_bars: tuple[BarRow, ...]
    findings_bars: tuple[BarRow, ...]
    rate_bars: tuple[BarRow, ...]
    new_bars: tuple[BarRow, ...]


@dataclass(frozen=True, slots=True)
class Trends:
    points: int
    by_origin: LineChart | None
    by_rule: LineChart | None


@dataclass(frozen=True, slots=True)
class PackageStat:
    name: str
    layer: str
    fan_in: int
    fan_out: int
    instability: str
    in_cycle: bool


@dataclass(frozen=True, slots=True)
class Architecture:
    graph: GraphLayout
    packages: tuple[PackageStat, ...]
    cycles: tuple[tuple[ChainStep, ...], ...]  # each an import path back to its start
    cycles_total: int
    violating_edges: int


@dataclass(frozen=True, slots=True)
class ApiChangeRow:
    surface: str
    module: str
    name: str
    change: str
    before: str
    after: str
    origin: str
    location: str


@dataclass(frozen=True, slots=True)
class Surfaces:
    findings: tuple[FindingRow, ...]
    ai_findings: int
    api_changes: tuple[ApiChangeRow, ...]


@dataclass(frozen=True, slots=True)
class Health:
    stale_exceptions: tuple[str, ...]
    expired_exceptions: tuple[str, ...]
    uncovered_modules: tuple[str, ...]
    unmatched_rules: tuple[str, ...]
    errors: tuple[tuple[str, str], ...]  # (path, message) of files that could not be analysed
    inactive_rules: tuple[tuple[str, str], ...] = ()  # (rule, reason) of rules that did not run

    @property
    def healthy(self) -> bool:
        return not (
            self.stale_exceptions
            or self.expired_exceptions
            or self.uncovered_modules
            or self.unmatched_rules
            or self.errors
            or self.inactive_rules
        )


@dataclass(frozen=True, slots=True)
class ReportView:
    title: str
    meta: RunMeta
    verdict: Verdict
    breakdown: Breakdown
    trends: Trends
    findings: FindingsTable
    architecture: Architecture
    surfaces: Surfaces
    health: Health
    guardrails: GuardrailsView
    data: dict[str, Any] = field(default_factory=dict)  # the JSON data island for the script
