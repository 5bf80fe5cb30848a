"""The result of one run: what every report writer (json, sarif, html, ...) is fed.

Writers only read this; they never compute findings themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.domain.code import AnalysisError
from auditor.domain.findings import Finding


@dataclass(frozen=True, slots=True)
class RunInfo:
    tool_version: str
    root: str  # display name of the audited root (not an absolute path in shared outputs)
    commit: str | None = None
    branch: str | None = None
    base: str | None = None  # --base REF of a pre-merge check
    started_at: str = ""  # ISO 8601 UTC
    duration_s: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # stage name -> seconds
    incomplete: bool = False
    incomplete_reasons: tuple[str, ...] = ()  # e.g. "semgrep: timed out after 1800 s"
    packs: tuple[tuple[str, str], ...] = ()  # (name, version)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OriginCounts:
    ai: int = 0
    human: int = 0
    mixed: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.ai + self.human + self.mixed + self.unknown


@dataclass(frozen=True, slots=True)
class AttributionSummary:
    """Lines by origin per file, and per agent/model, for the AI-vs-human breakdown."""

    files: dict[str, OriginCounts] = field(default_factory=dict)  # repo path -> counts
    by_agent: dict[str, int] = field(default_factory=dict)  # agent -> AI lines
    by_model: dict[str, int] = field(default_factory=dict)  # model -> AI lines
    shallow: bool = False  # some lines lie beyond a shallow clone's boundary
    available: bool = True  # False when the root is not a git repository
    warnings: tuple[str, ...] = ()

    @property
    def totals(self) -> OriginCounts:
        return OriginCounts(
            ai=sum(c.ai for c in self.files.values()),
            human=sum(c.human for c in self.files.values()),
            mixed=sum(c.mixed for c in self.files.values()),
            unknown=sum(c.unknown for c in self.files.values()),
        )


@dataclass(frozen=True, slots=True)
class ModuleMetrics:
    """Per package (or module): coupling metrics for the architecture view and the history."""

    name: str
    fan_in: int
    fan_out: int
    in_cycle: bool = False
    layer: str | None = None

    @property
    def instability(self) -> float:
        total = self.fan_in + self.fan_out
        return self.fan_out / total if total else 0.0


@dataclass(frozen=True, slots=True)
class PackageEdge:
    """A package-level dependency (aggregated imports) for the architecture view."""

    importer: str
    imported: str
    count: int
    violating: bool = False


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One past run, as the trend charts and `auditor history` need it."""

    run_id: int
    started_at: str
    commit: str | None
    by_rule: dict[str, int] = field(default_factory=dict)
    by_origin: dict[str, int] = field(default_factory=dict)
    total: int = 0


@dataclass(frozen=True, slots=True)
class ApiChange:
    """A public-API signature change inside a review surface."""

    surface: str
    module: str
    name: str
    change: str  # "added" | "removed" | "changed"
    before: str | None = None
    after: str | None = None
    origin: str = "unknown"
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class RuleHealth:
    stale_exceptions: tuple[str, ...] = ()
    expired_exceptions: tuple[str, ...] = ()
    uncovered_modules: tuple[str, ...] = ()
    unmatched_rules: tuple[str, ...] = ()  # contracts / semgrep rules that matched nothing
    # (rule, reason): rules that did not run here, e.g. a boundary whose layer is not defined
    inactive_rules: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RunResult:
    info: RunInfo
    findings: tuple[Finding, ...] = ()  # current findings, each with its status
    fixed: tuple[Finding, ...] = ()  # known findings (baseline / base ref / previous run) now gone
    errors: tuple[AnalysisError, ...] = ()
    attribution: AttributionSummary = AttributionSummary()
    modules: tuple[ModuleMetrics, ...] = ()
    package_edges: tuple[PackageEdge, ...] = ()
    cycles: tuple[tuple[str, ...], ...] = ()
    history: tuple[HistoryPoint, ...] = ()  # oldest first, this run last when recorded
    api_changes: tuple[ApiChange, ...] = ()
    health: RuleHealth = RuleHealth()
    layers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # layer name -> patterns
