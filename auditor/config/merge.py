"""Combining packs and the local config into one AuditorConfig.

Order: packs in the order the config lists them (a pack's includes first), then the local
config. Layers: later definitions of a name replace earlier ones (the config overrides a pack's
default layers). Contracts: a duplicate id is an error unless the later one says
`override = true`. Exceptions and semgrep rule references accumulate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from auditor.config.model import AuditorConfig, ContractSpec, ExceptionSpec, Location
from auditor.config.packs import LoadedPack
from auditor.domain.errors import ConfigError


def _error_at(location: Location, message: str) -> ConfigError:
    return ConfigError(message, path=location.path or None, line=location.line, column=location.column)


def merge_contracts(
    contracts: Iterable[tuple[ContractSpec, bool]], errors: list[ConfigError]
) -> tuple[ContractSpec, ...]:
    by_id: dict[str, ContractSpec] = {}
    for spec, override in contracts:
        earlier = by_id.get(spec.id)
        if earlier is None:
            if override:
                errors.append(
                    _error_at(
                        spec.location,
                        f"contract '{spec.id}' says override = true but no earlier pack defines it",
                    )
                )
            by_id[spec.id] = spec
        elif override:
            del by_id[spec.id]
            by_id[spec.id] = spec
        else:
            errors.append(
                _error_at(
                    spec.location,
                    f"contract '{spec.id}' defined in both {earlier.location} and {spec.location}"
                    " (set override = true in the later one to replace it)",
                )
            )
    return tuple(by_id.values())


def merge(
    config: AuditorConfig,
    packs: Sequence[LoadedPack],
    local_layer_locations: Mapping[str, Location],
    local_contracts: Sequence[tuple[ContractSpec, bool]],
    local_exceptions: Sequence[ExceptionSpec],
    errors: list[ConfigError],
) -> AuditorConfig:
    layers: dict[str, tuple[str, ...]] = {}
    layer_locations: dict[str, Location] = {}
    for pack in packs:
        layers.update(pack.layers)
        layer_locations.update(pack.layer_locations)
    layers.update(config.layers)
    layer_locations.update(local_layer_locations)
    contracts = merge_contracts([c for p in packs for c in p.contracts] + list(local_contracts), errors)
    exceptions = tuple([e for p in packs for e in p.exceptions] + list(local_exceptions))
    known_ids = {c.id for c in contracts}
    for exception in exceptions:
        if exception.contract not in known_ids:
            errors.append(
                _error_at(
                    exception.location,
                    f"exception names unknown contract '{exception.contract}'"
                    f" (known: {', '.join(sorted(known_ids)) or 'none'})",
                )
            )
    semgrep_rules = tuple(r for p in packs for r in p.semgrep_rules)
    return dataclasses.replace(
        config,
        layers=layers,
        layer_locations=layer_locations,
        contracts=contracts,
        exceptions=exceptions,
        packs=tuple(p.info for p in packs),
        semgrep_rules=semgrep_rules,
    )
