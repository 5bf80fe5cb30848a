"""The guardrails of a project as plain data: what a change may weaken.

A `Guardrails` value is built from one configuration and baseline (the working tree's, a base
ref's, or the one recorded by the last nightly run); `auditor.drift.guardrails` compares two of
them. Every location is repo-relative, so two snapshots compare whatever folder they were read in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor.domain.findings import Severity
from auditor.domain.guardrail_policy import (  # noqa: F401 (re-exported)
    BASELINE_GROWN,
    CONTRACT_RELAXED,
    CONTRACT_REMOVED,
    EXCEPTION_ADDED,
    GUARDRAIL_RULES,
    HIDDEN_BY,
    PACK_REMOVED,
    POLICY_ORIGINS,
    SEVERITY_LOWERED,
    STRENGTHENED,
    SUPPRESSION_ADDED,
    WEAKENING_RULES,
    GuardrailPolicy,
    hidden_by_change,
)


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
    policy: GuardrailPolicy = field(default_factory=GuardrailPolicy)
    suppressions: int = 0  # inline `# nosemgrep` comments in the audited files (nightly size)

    @property
    def size(self) -> GuardrailSize:
        return GuardrailSize(len(self.contracts), len(self.exceptions), len(self.baseline), self.suppressions)

    def setting(self, key: str) -> SettingGuard | None:
        return next((s for s in self.settings if s.key == key), None)
