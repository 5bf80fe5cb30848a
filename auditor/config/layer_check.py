"""Checks that need the project's module names (given by a later stage, never imported here):
a layer, surface or contract entry that names no module of this codebase is almost always a typo.

Layers a pack declares as defaults may match nothing (a pack serves many projects); layers,
surfaces and contract entries written in the local config must match something.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator

from auditor.config.model import AuditorConfig, ContractSpec, Location
from auditor.domain.errors import ConfigError
from auditor.graph.patterns import ModulePattern

# contract options whose entries are internal module patterns or layer names
MODULE_OPTION_KEYS = ("layers", "containers", "source_modules", "modules", "ancestors")
_LAYER_ENTRY_SPLIT = re.compile(r"[|:]")


def _matches_any(pattern: str, module_names: Collection[str]) -> bool:
    try:
        compiled = ModulePattern(pattern)
    except ValueError:
        return True  # already reported by the loader
    if not compiled.has_wildcard:
        return pattern in module_names
    return any(compiled.matches(m) for m in module_names)


def _error(location: Location, line: int | None, message: str) -> ConfigError:
    if line is not None:
        return ConfigError(message, path=location.path or None, line=line)
    return ConfigError(message, path=location.path or None, line=location.line, column=location.column)


def _entries(value: object) -> Iterator[str]:
    """Names in a contract option: strings, nested arrays, and import-linter's 'a | b' / '(a)'."""
    if isinstance(value, str):
        for part in _LAYER_ENTRY_SPLIT.split(value):
            part = part.strip()
            optional = part.startswith("(") and part.endswith(")")
            if part and not optional:
                yield part
    elif isinstance(value, list):
        for item in value:
            yield from _entries(item)


def _contract_errors(
    contract: ContractSpec, config: AuditorConfig, modules: Collection[str]
) -> Iterable[ConfigError]:
    if contract.pack is not None:
        return
    containers = [c for c in _entries(contract.options.get("containers")) if _matches_any(c, modules)]
    for key in MODULE_OPTION_KEYS:
        for entry in _entries(contract.options.get(key)):
            if entry in config.layers or _matches_any(entry, modules):
                continue
            if key == "layers" and any(_matches_any(f"{c}.{entry}", modules) for c in containers):
                continue  # with containers, layers are relative to each container
            yield _error(
                contract.location,
                contract.key_lines.get(key),
                f"contract '{contract.id}': {key} entry '{entry}' is neither a layer in [layers] nor a module of this codebase",
            )


def check_layers_against_modules(config: AuditorConfig, module_names: Collection[str]) -> list[ConfigError]:
    """Errors for local layers/surfaces/contract entries that match no module in `module_names`."""
    modules = set(module_names)
    errors: list[ConfigError] = []
    local = str(config.config_path) if config.config_path else None
    for name, patterns in config.layers.items():
        location = config.layer_locations.get(name, Location(local or ""))
        if local is not None and location.path != local:
            continue  # a pack's default layer
        for pattern in patterns:
            if not _matches_any(pattern, modules):
                errors.append(
                    _error(
                        location,
                        None,
                        f"layer '{name}': pattern '{pattern}' matches no module of this codebase",
                    )
                )
    for name, patterns in config.surfaces.items():
        for pattern in patterns:
            if not _matches_any(pattern, modules):
                location = config.surface_locations.get(name, Location(local or ""))
                errors.append(
                    _error(
                        location,
                        None,
                        f"surface '{name}': pattern '{pattern}' matches no module of this codebase",
                    )
                )
    for contract in config.contracts:
        errors.extend(_contract_errors(contract, config, modules))
    return errors
