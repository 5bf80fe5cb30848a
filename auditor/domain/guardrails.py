"""The guardrails of a project as plain data: what a change may weaken.

A `Guardrails` value is built from one configuration and baseline (the working tree's, a base
ref's, or the one recorded by the last nightly run); `auditor.drift.guardrails` compares two of
them. Every location is repo-relative, so two snapshots compare whatever folder they were read in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor.domain.findings import Finding, Origin, Severity

# weakening rule ids (each explained by `auditor rules explain`); strengthening is one info id
EXCEPTION_ADDED = "guardrail-exception-added"
CONTRACT_REMOVED = "guardrail-contract-removed"
CONTRACT_RELAXED = "guardrail-contract-relaxed"
SEVERITY_LOWERED = "guardrail-severity-lowered"
PACK_REMOVED = "guardrail-pack-removed"
SUPPRESSION_ADDED = "guardrail-suppression-added"
BASELINE_GROWN = "guardrail-baseline-grown"
STRENGTHENED = "guardrail-strengthened"
WEAKENING_RULES = (
    EXCEPTION_ADDED,
    CONTRACT_REMOVED,
    CONTRACT_RELAXED,
    SEVERITY_LOWERED,
    PACK_REMOVED,
    SUPPRESSION_ADDED,
    BASELINE_GROWN,
)
GUARDRAIL_RULES = (*WEAKENING_RULES, STRENGTHENED)
POLICY_ORIGINS = tuple(o.value for o in Origin)  # ai, human, mixed, unknown
# Finding.extra key, value "this-change": hidden by an exception or baseline entry this change adds
HIDDEN_BY = "hidden_by"


@dataclass(frozen=True, slots=True)
class GuardrailPolicy:
    """The severity of a weakening, by the origin of the lines that made it, and per rule id.

    Default: written by an AI agent (or partly: mixed) -> error; by a person, or not known
    (lines not committed yet) -> warning: the owners review those through CODEOWNERS."""

    by_origin: Mapping[str, Severity] = field(
        default_factory=lambda: {
            "ai": Severity.ERROR,
            "mixed": Severity.ERROR,
            "human": Severity.WARNING,
            "unknown": Severity.WARNING,
        }
    )
    by_rule: Mapping[str, Mapping[str, Severity]] = field(default_factory=dict)  # rule -> origin -> sev

    def severity(self, rule: str, origin: Origin) -> Severity:
        if rule == STRENGTHENED:
            return Severity.INFO
        per_rule = self.by_rule.get(rule, {})
        return per_rule.get(origin.value) or self.by_origin.get(origin.value) or Severity.WARNING

    def stricter(self, other: GuardrailPolicy) -> GuardrailPolicy:
        """Per origin and rule the higher of the two severities: a change cannot lower the
        severity of its own weakening (its policy change is itself reported)."""
        origins = {o: _max(self.by_origin.get(o), other.by_origin.get(o)) for o in POLICY_ORIGINS}
        rules: dict[str, dict[str, Severity]] = {}
        for rule in {*self.by_rule, *other.by_rule}:
            rules[rule] = {
                o: max(self.severity(rule, Origin(o)), other.severity(rule, Origin(o)), key=lambda s: s.rank)
                for o in POLICY_ORIGINS
            }
        return GuardrailPolicy({o: s for o, s in origins.items() if s is not None}, rules)


def _max(a: Severity | None, b: Severity | None) -> Severity | None:
    if a is None or b is None:
        return a or b
    return a if a.rank >= b.rank else b


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a guardrail is written: repo-relative file and line (None: not known)."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class ContractGuard:
    id: str
    type: str
    severity: Severity
    spot: Spot
    owner: str | None = None
    pack: str | None = None  # the pack that declared it (None: the local config)
    options: Mapping[str, object] = field(default_factory=dict)  # type-specific options as written
    option_lines: Mapping[str, int] = field(default_factory=dict)
    ignore_imports: tuple[str, ...] = ()
    ignore_import_lines: tuple[int | None, ...] = ()
    ignore_kinds: tuple[str, ...] = ()
    only_kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExceptionGuard:
    contract: str
    importer: str
    imported: str
    reason: str
    spot: Spot
    owner: str | None = None
    expires: dt.date | None = None
    pack: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.contract, self.importer, self.imported)

    @property
    def text(self) -> str:
        return f"{self.contract}: {self.importer} -> {self.imported}"


@dataclass(frozen=True, slots=True)
class BaselineGuard:
    fingerprint: str
    rule: str
    path: str | None
    message: str
    reason: str | None
    spot: Spot  # the entry's line in the baseline file


@dataclass(frozen=True, slots=True)
class PackGuard:
    name: str
    version: str
    ref: str  # how the config named it
    spot: Spot  # the config's `packs` entry


@dataclass(frozen=True, slots=True)
class LayerGuard:
    name: str
    patterns: tuple[str, ...]
    spot: Spot


@dataclass(frozen=True, slots=True)
class SettingGuard:
    """One project-wide setting that guards: fail_on, exclude, semgrep.enabled, the policy."""

    key: str  # "fail_on", "exclude", "semgrep.enabled", "guardrails.ai", ...
    value: str | bool | tuple[str, ...]
    spot: Spot


@dataclass(frozen=True, slots=True)
class GuardrailSize:
    """How big the guardrails are: the nightly trend of slow erosion."""

    contracts: int = 0
    exceptions: int = 0
    baseline_entries: int = 0
    suppressions: int = 0


@dataclass(frozen=True, slots=True)
class Guardrails:
    config_path: str | None  # repo-relative file the settings came from; None: defaults
    contracts: tuple[ContractGuard, ...] = ()
    exceptions: tuple[ExceptionGuard, ...] = ()
    baseline: tuple[BaselineGuard, ...] = ()
    baseline_path: str | None = None
    packs: tuple[PackGuard, ...] = ()
    layers: tuple[LayerGuard, ...] = ()
    settings: tuple[SettingGuard, ...] = ()
    policy: GuardrailPolicy = GuardrailPolicy()
    suppressions: int = 0  # inline `# nosemgrep` comments in the audited files (nightly size)

    @property
    def size(self) -> GuardrailSize:
        return GuardrailSize(len(self.contracts), len(self.exceptions), len(self.baseline), self.suppressions)

    def setting(self, key: str) -> SettingGuard | None:
        return next((s for s in self.settings if s.key == key), None)


def hidden_by_change(f: Finding) -> bool:
    """A finding an exception or baseline entry added in this change hides (`suppressed_by`
    names it): shown in every output, never failing by itself."""
    return (HIDDEN_BY, "this-change") in f.extra
