"""The one validation `rules validate`, `check` and `audit` share.

The config stage checks what one file can tell (syntax, keys, types, packs, duplicate ids). What
needs later stages is checked here, by the same function for every command: each contract
type's own options, and (with the module graph) the local layers, surfaces and contract entries
that match no module of this codebase (a misspelt layer name is a module pattern that matches
nothing). A command that finds any of it exits 2 with the first `file:line: message`.
"""

from __future__ import annotations

from collections.abc import Collection

from auditor.config import ConfigErrors, check_layers_against_modules
from auditor.config.model import AuditorConfig
from auditor.domain.errors import ConfigError


def config_problems(config: AuditorConfig, modules: Collection[str] | None) -> list[ConfigError]:
    """What the loader cannot see: contract options, and with `modules` (the graph's module
    names) the local layers, surfaces and contract entries that match no module."""
    from auditor.contracts import validate_contract_types

    errors = validate_contract_types(config)
    if modules is not None and config.config_path is not None:
        errors += check_layers_against_modules(config, modules)
    return errors


def raise_if_any(errors: list[ConfigError]) -> None:
    """ConfigErrors (exit 2, the first error in file order) when there is any."""
    if errors:
        raise ConfigErrors(errors)
