"""The guardrails of one configuration and baseline, as `auditor.domain.guardrails` data.

Everything is read through the loaders every other command uses: the config by
`auditor.config` (its key lines from the same TOML reader), the baseline by
`auditor.drift.baseline`. Locations are made relative to `root`, so a configuration read from
a base ref's files in a temporary folder compares with the working tree's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.config.fields import FieldReader
from auditor.config.model import AuditorConfig, ContractSpec, ExceptionSpec, Location
from auditor.config.toml_source import KeyPath, TomlDocument, read_toml
from auditor.domain.errors import ConfigError
from auditor.domain.guardrails import (
    BaselineGuard,
    ContractGuard,
    ExceptionGuard,
    Guardrails,
    LayerGuard,
    PackGuard,
    SettingGuard,
    Spot,
)
from auditor.domain.project_files import BASELINE_FILE

if TYPE_CHECKING:  # the baseline reader is imported only where a baseline is read
    from auditor.drift.baseline import Baseline


def relative(path: str | None, root: Path) -> str:
    """`path` relative to `root` when inside it (posix), else as given."""
    if not path:
        return ""
    file = Path(path)
    if file.is_absolute():
        for base in (root, root.resolve()):
            try:
                return file.relative_to(base).as_posix()
            except ValueError:
                continue
    return file.as_posix()


def _spot(location: Location, root: Path) -> Spot:
    return Spot(relative(location.path, root), location.line)


def guardrails_of(
    config: AuditorConfig, baseline: Baseline | None, root: Path, baseline_text: str | None = None
) -> Guardrails:
    """The guardrails `config` and `baseline` declare (`baseline_text`: the baseline file's
    text, for the line of each entry)."""
    config_path = relative(str(config.config_path), root) if config.config_path else None
    doc = _document(config.config_path)
    base: KeyPath = ("tool", "auditor") if config.config_path and config.config_path.name == "pyproject.toml" else ()
    return Guardrails(
        config_path=config_path,
        contracts=tuple(_contract(c, root) for c in config.contracts),
        exceptions=tuple(_exception(e, root) for e in config.exceptions),
        baseline=_baseline(baseline, root, baseline_text),
        baseline_path=relative(str(baseline.path), root) if baseline and baseline.path else None,
        packs=_packs(config, doc, base, config_path or ""),
        layers=tuple(
            LayerGuard(name, tuple(patterns), _spot(config.layer_locations.get(name, Location("")), root))
            for name, patterns in sorted(config.layers.items())
        ),
        settings=_settings(config, doc, base, config_path or ""),
        policy=config.guardrails,
    )


def _document(path: Path | None) -> TomlDocument | None:
    if path is None:
        return None
    try:
        return read_toml(path)
    except ConfigError:
        return None  # the loader has reported it already


def _line(doc: TomlDocument | None, key_path: KeyPath) -> int | None:
    return doc.where(key_path)[0] if doc is not None else None


def _contract(spec: ContractSpec, root: Path) -> ContractGuard:
    return ContractGuard(
        id=spec.id,
        type=spec.type,
        severity=spec.severity,
        spot=_spot(spec.location, root),
        owner=spec.owner,
        pack=spec.pack,
        options=dict(spec.options),
        option_lines=dict(spec.key_lines),
        ignore_imports=spec.ignore_imports,
        ignore_import_lines=spec.ignore_import_lines,
        ignore_kinds=spec.ignore_kinds,
        only_kinds=spec.only_kinds,
    )


def _exception(spec: ExceptionSpec, root: Path) -> ExceptionGuard:
    return ExceptionGuard(
        contract=spec.contract,
        importer=spec.importer,
        imported=spec.imported,
        reason=spec.reason,
        spot=_spot(spec.location, root),
        owner=spec.owner,
        expires=spec.expires,
        pack=spec.pack,
    )


def _baseline(baseline: Baseline | None, root: Path, text: str | None) -> tuple[BaselineGuard, ...]:
    if baseline is None:
        return ()
    path = relative(str(baseline.path), root) if baseline.path else BASELINE_FILE
    lines = _fingerprint_lines(text or "")
    return tuple(
        BaselineGuard(e.fingerprint, e.rule, e.path, e.message, e.reason, Spot(path, lines.get(e.fingerprint)))
        for e in baseline.entries
    )


def _fingerprint_lines(text: str) -> dict[str, int]:
    """The line of each entry's `"fingerprint": ...` in a baseline file (its JSON strings are
    decoded, never matched as text)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        key, sep, value = line.strip().rstrip(",").partition(":")
        if not sep or key.strip() != '"fingerprint"':
            continue
        try:
            decoded = json.loads(value)
        except ValueError:
            continue
        if isinstance(decoded, str):
            found.setdefault(decoded, number)
    return found


def _packs(config: AuditorConfig, doc: TomlDocument | None, base: KeyPath, path: str) -> tuple[PackGuard, ...]:
    refs = tuple(p.ref for p in config.packs)
    lines: dict[str, int | None] = {}
    if doc is not None:
        reader = FieldReader(doc, [])
        lines = dict(zip(refs, reader.item_lines((*base, "packs"), refs), strict=True))
    return tuple(PackGuard(p.name, p.version, p.ref, Spot(path, lines.get(p.ref))) for p in config.packs)


def _security_params(config: AuditorConfig, spot: Callable[..., Spot]) -> list[SettingGuard]:
    """The packs' rule parameters as the project leaves them (every one is an allow-list of the
    auth rules: names added let more routes pass). A parameter the project's config sets (in
    `params` or `extend_params`) is keyed `security.params.<name>`, one it leaves to the packs
    `security.pack_params.<name>`: only the project's own settings can be a change's weakening."""
    security = config.security
    values: dict[str, set[str]] = {}
    for ref in config.semgrep_rules:
        for name, value in ref.params.items():
            if isinstance(value, (list, tuple)):
                values.setdefault(name, set()).update(str(v) for v in value)
    out = []
    for name, names in sorted(values.items()):
        value = tuple(sorted(names))
        if name in security.params or name in security.extend_params:
            table = "params" if name in security.params else "extend_params"
            out.append(SettingGuard(f"security.params.{name}", value, spot("security", table, name)))
        else:
            out.append(SettingGuard(f"security.pack_params.{name}", value, spot()))
    return out


def _settings(
    config: AuditorConfig, doc: TomlDocument | None, base: KeyPath, path: str
) -> tuple[SettingGuard, ...]:
    def spot(*keys: str) -> Spot:
        return Spot(path, _line(doc, (*base, *keys)))

    settings = [
        SettingGuard("fail_on", config.fail_on.value, spot("fail_on")),
        SettingGuard("exclude", tuple(config.exclude), spot("exclude")),
        SettingGuard("security.exclude", tuple(config.security.exclude), spot("security", "exclude")),
        SettingGuard("semgrep.enabled", config.semgrep.enabled, spot("semgrep", "enabled")),
        *_security_params(config, spot),
    ]
    policy = config.guardrails
    for origin, severity in sorted(policy.by_origin.items()):
        settings.append(SettingGuard(f"guardrails.{origin}", severity.value, spot("guardrails", origin)))
    for rule, by_origin in sorted(policy.by_rule.items()):
        for origin, severity in sorted(by_origin.items()):
            key = f"guardrails.rules.{rule}.{origin}"
            settings.append(SettingGuard(key, severity.value, spot("guardrails", "rules", rule)))
    return tuple(settings)
