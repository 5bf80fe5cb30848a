"""The validated configuration: what the config stage hands to every later stage.

Type-specific contract options stay a raw mapping here (with the line of each key), because
each contract class validates its own fields (the contracts stage sits above this one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.domain.findings import Severity
from auditor.domain.guardrail_policy import GuardrailPolicy


@dataclass(frozen=True, slots=True)
class Location:
    """Where a setting was written: for precise error messages."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class PackInfo:
    name: str
    version: str  # semver
    description: str = ""
    requires: str = ""  # auditor version range, e.g. ">=0.1,<1"
    path: str = ""  # file the pack was loaded from ("builtin:NAME" packs: the shipped file)
    ref: str = ""  # how the config named it: "builtin:python-security" or "rules/shop.toml"


@dataclass(frozen=True, slots=True)
class ContractSpec:
    """One declared contract, before its type validates `options`."""

    id: str
    type: str  # "layers" | "forbidden" | "independence" | "acyclic" | "allow_only" | ...
    options: Mapping[str, Any]  # type-specific keys exactly as written (layers, source_modules, ...)
    severity: Severity = Severity.ERROR
    owner: str | None = None
    guidance: str | None = None
    ignore_kinds: tuple[str, ...] = ()  # import kinds this contract does not count
    only_kinds: tuple[str, ...] = ()  # when set, only these kinds count
    ignore_imports: tuple[str, ...] = ()  # "a.b -> c.d" patterns, import-linter style (no reason)
    ignore_import_lines: tuple[int | None, ...] = ()  # the line of each ignore_imports entry
    # an ignore_imports entry that matches no import: "error" (a finding), "warn" or "none"
    unmatched_ignore_imports_alerting: str = "error"
    location: Location = Location("")
    key_lines: Mapping[str, int] = field(default_factory=dict)  # option key -> line, for errors
    pack: str | None = None  # name of the pack that declared it; None for local config


@dataclass(frozen=True, slots=True)
class ExceptionSpec:
    """A documented, owned, expiring permission to break a contract."""

    contract: str
    importer: str  # module pattern (wildcards allowed)
    imported: str  # module pattern
    reason: str
    owner: str | None = None
    expires: dt.date | None = None
    location: Location = Location("")
    pack: str | None = None

    @property
    def text(self) -> str:
        return f"{self.contract}: {self.importer} -> {self.imported}"


@dataclass(frozen=True, slots=True)
class SemgrepRuleRef:
    """Semgrep rules a pack brings in, optionally scoped by architecture layer.

    `only_layers`: the rules apply only to files of these layers.
    `except_layers`: the rules apply everywhere except files of these layers.
    `prefer_layers`: like `only_layers` when one of these layers is defined and covers a module,
    everywhere otherwise (e.g. the auth rules keep to a project's api/web layer when it has one).
    `params`: values substituted into the rule file (e.g. auth decorator names).
    """

    path: str  # absolute path of the semgrep YAML file (or a directory of them)
    pack: str
    only_layers: tuple[str, ...] = ()
    except_layers: tuple[str, ...] = ()
    prefer_layers: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    location: Location = Location("")


@dataclass(frozen=True, slots=True)
class AttributionSettings:
    agent_trace: bool = True
    git_ai_notes: bool = True
    commit_identity: bool = True
    overrides: bool = True
    generated_paths: tuple[str, ...] = ()  # gitignore-style globs declared AI-generated
    human_paths: tuple[str, ...] = ()  # globs declared human-written
    extra_ai_emails: Mapping[str, str] = field(default_factory=dict)  # email -> agent name
    extra_ai_name_patterns: Mapping[str, str] = field(default_factory=dict)  # regex -> agent
    extra_trailer_keys: tuple[str, ...] = ()  # e.g. "AI-Assisted"
    blame_options: tuple[str, ...] = ()  # opt-in: "-w", "-M", "-C"


@dataclass(frozen=True, slots=True)
class SemgrepSettings:
    enabled: bool = True
    timeout_s: int = 30  # per rule per file (semgrep --timeout)
    max_target_bytes: int = 1_000_000  # a larger file is not handed to semgrep (listed as not scanned)
    total_timeout_s: int = 1800  # whole semgrep process
    max_total_bytes: int = 200_000_000  # the files handed to semgrep in all (smallest first)


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """Which files the security stage scans, besides the defaults (auditor.security.targets)."""

    include: tuple[str, ...] = ()  # gitignore-style globs scanned even when a default leaves them out
    exclude: tuple[str, ...] = ()  # gitignore-style globs never scanned
    # pack parameters (e.g. public_routes): `params` replaces a pack's value, `extend_params` adds to it
    params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    extend_params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditorConfig:
    root: Path  # the audited project's root
    config_path: Path | None = None  # the file the settings came from; None: defaults
    packages: tuple[str, ...] = ()  # root packages; empty: discover
    source_roots: tuple[str, ...] = ()  # repo-relative dirs holding packages; empty: discover
    exclude: tuple[str, ...] = ()  # gitignore-style globs
    layers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> module patterns
    surfaces: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    contracts: tuple[ContractSpec, ...] = ()
    exceptions: tuple[ExceptionSpec, ...] = ()
    packs: tuple[PackInfo, ...] = ()
    semgrep_rules: tuple[SemgrepRuleRef, ...] = ()
    fail_on: Severity = Severity.ERROR
    baseline: str | None = None  # repo-relative path of the baseline file
    history: str | None = None  # the run history: a postgresql:// URL or a repo-relative file
    project: str | None = None  # the repository's name in a shared history when it has no remote
    attribution: AttributionSettings = AttributionSettings()
    semgrep: SemgrepSettings = SemgrepSettings()
    guardrails: GuardrailPolicy = field(default_factory=GuardrailPolicy)  # [guardrails]: severity of a weakening by origin
    security: SecuritySettings = SecuritySettings()
    # where each layer was defined (a pack's default layer or the local config), for errors
    layer_locations: Mapping[str, Location] = field(default_factory=dict)
    surface_locations: Mapping[str, Location] = field(default_factory=dict)
