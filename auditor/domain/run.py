"""The result of one run: what every report writer (json, sarif, html, ...) is fed.

Writers only read this; they never compute findings themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from auditor.domain.code import AnalysisError
from auditor.domain.findings import ChainHop, Finding, Severity, Status

if TYPE_CHECKING:  # types only: most runs never build these parts of a result
    from auditor.domain.guardrails import GuardrailSize
    from auditor.domain.run_views import ApiChange, HistoryPoint, ModuleMetrics, PackageEdge


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
    skipped_stages: tuple[tuple[str, str], ...] = ()  # (stage, why it did not run), e.g. --no-semgrep
    # finding kinds no stage checked this run (semgrep skipped or failed: "security"); their
    # absence is not a fix, and their known findings are carried, not dropped
    unchecked_kinds: tuple[str, ...] = ()
    # the run in the history: None (not asked: --no-history, `check`), True (recorded), False
    # (the history could not be reached: the reason is also one of `warnings`)
    recorded: bool | None = None


@dataclass(frozen=True, slots=True)
class OriginCounts:
    ai: int = 0
    human: int = 0
    mixed: int = 0
    unknown: int = 0
    unmarked: int = 0  # of the lines above: decided by default, no marker (counted as human)

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
            unmarked=sum(c.unmarked for c in self.files.values()),
        )


@dataclass(frozen=True, slots=True)
class RuleHealth:
    stale_exceptions: tuple[str, ...] = ()
    expired_exceptions: tuple[str, ...] = ()
    uncovered_modules: tuple[str, ...] = ()
    unmatched_rules: tuple[str, ...] = ()  # contracts / semgrep rules that matched nothing
    # (rule, reason): rules that did not run here, e.g. a boundary whose layer is not defined
    inactive_rules: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The one verdict of a run. Every writer shows it and the exit code follows it.

    Failed when an open finding (new or persisting, not baselined, not suppressed) is at or
    above `fail_on`, or when the run was incomplete and that was not allowed.
    """

    fail_on: Severity
    failing: int  # open findings at or above fail_on
    incomplete: bool
    incomplete_allowed: bool

    @property
    def passed(self) -> bool:
        return self.failing == 0 and (not self.incomplete or self.incomplete_allowed)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def word(self) -> str:
        return "passed" if self.passed else "failed"

    def headline(self) -> str:
        """`passed` or `failed`, with why, in one line (the same words in every output)."""
        at = f"at or above {self.fail_on.value}"
        if self.failing:
            why = f"{self.failing} open finding{'s' if self.failing != 1 else ''} {at}"
        else:
            why = f"no open finding {at}"
        if self.incomplete:
            why += "; incomplete run" + (" (allowed)" if self.incomplete_allowed else "")
        return f"{self.word}: {why}"


@dataclass(frozen=True, slots=True)
class RunResult:
    info: RunInfo
    findings: tuple[Finding, ...] = ()  # current findings, each with its status
    fixed: tuple[Finding, ...] = ()  # known findings (baseline / base ref / previous run) now gone
    errors: tuple[AnalysisError, ...] = ()
    attribution: AttributionSummary = AttributionSummary()
    modules: tuple[ModuleMetrics, ...] = ()
    package_edges: tuple[PackageEdge, ...] = ()
    cycles: tuple[tuple[ChainHop, ...], ...] = ()  # each an import path back to its start, in order
    history: tuple[HistoryPoint, ...] = ()  # oldest first, this run last when recorded
    api_changes: tuple[ApiChange, ...] = ()
    health: RuleHealth = RuleHealth()
    layers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # layer name -> patterns
    layer_rows: tuple[tuple[str, ...], ...] = ()  # declared layer order, top first (siblings share a row)
    # known findings of kinds this run did not check (RunInfo.unchecked_kinds), carried from the
    # previous run into the history so the trend does not dip; never judged, never listed
    carried: tuple[Finding, ...] = ()
    guardrails: GuardrailSize | None = None  # the guardrails' size (nightly audit)
    fail_on: Severity = Severity.ERROR  # --fail-on, else the config's fail_on, else error
    allow_incomplete: bool = False  # --allow-incomplete: an incomplete run alone does not fail

    def fails(self, finding: Finding) -> bool:
        """Whether `finding` fails this run: open and at or above fail_on. In a pre-merge check
        (a base ref) only what the change makes worse fails: a finding REF has too does not."""
        if not finding.is_open or not finding.severity.at_least(self.fail_on):
            return False
        return not (self.info.base is not None and finding.status is Status.PERSISTING)

    @property
    def verdict(self) -> Verdict:
        """The one place the verdict is decided."""
        failing = sum(1 for f in self.findings if self.fails(f))
        return Verdict(self.fail_on, failing, self.info.incomplete, self.allow_incomplete)
