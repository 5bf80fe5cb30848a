"""The parts of a run's result that only some outputs show: package metrics and edges (JSON and
HTML), the run history (HTML, `auditor history`) and API changes in review surfaces. A module of
their own, so that a run which shows none of them (a plain `check`) never builds their types.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # the guardrails' size at that run (contracts, exceptions, baseline_entries, suppressions);
    # empty for runs recorded before guardrails were
    guardrails: dict[str, int] = field(default_factory=dict)


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
