"""The contract types by name, and validation of every declared contract's options."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from auditor.config.model import AuditorConfig, ContractSpec
from auditor.contracts.acyclic import AcyclicContract
from auditor.contracts.allow_only import AllowOnlyContract, ProtectedContract
from auditor.contracts.base import Contract
from auditor.contracts.forbidden import ForbiddenContract
from auditor.contracts.independence import IndependenceContract
from auditor.contracts.layers import LayersContract
from auditor.contracts.public_interface import PublicInterfaceContract
from auditor.domain import ConfigError, ImportKind
from auditor.graph.patterns import ModulePattern

CONTRACT_TYPES: dict[str, type[Contract]] = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "independence": IndependenceContract,
    "acyclic": AcyclicContract,
    "allow_only": AllowOnlyContract,
    "depends_on": AllowOnlyContract,  # alias
    "protected": ProtectedContract,
    "public_interface": PublicInterfaceContract,
}


def parse_import_expression(text: str) -> tuple[ModulePattern, ModulePattern]:
    """`"a.b -> c.*"` (import-linter's ignore_imports syntax); ValueError when malformed."""
    parts = text.split("->")
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not an import expression (expected 'importer -> imported')")
    return ModulePattern(parts[0]), ModulePattern(parts[1])


def _spec_error(spec: ContractSpec, key: str | None, message: str) -> ConfigError:
    line = spec.key_lines.get(key, spec.location.line) if key else spec.location.line
    return ConfigError(
        f"contract '{spec.id}' ({spec.type}): {message}", path=spec.location.path or None, line=line
    )


def _check_common(spec: ContractSpec) -> None:
    kinds = {k.value for k in ImportKind}
    for key, values in (("ignore_kinds", spec.ignore_kinds), ("only_kinds", spec.only_kinds)):
        for value in values:
            if value not in kinds:
                raise _spec_error(
                    spec,
                    key,
                    f"{key}: unknown import kind {value!r} (expected one of: {', '.join(sorted(kinds))})",
                )
    if spec.ignore_kinds and spec.only_kinds:
        raise _spec_error(spec, "only_kinds", "set either 'ignore_kinds' or 'only_kinds', not both")
    for text in spec.ignore_imports:
        try:
            parse_import_expression(text)
        except ValueError as exc:
            raise _spec_error(spec, "ignore_imports", f"ignore_imports: {exc}") from None


def build_contract(
    spec: ContractSpec, layers: Mapping[str, tuple[str, ...]], *, check_common: bool = True
) -> Contract:
    """The contract object for `spec`; ConfigError (at the spec's file:line) when invalid.

    `check_common=False` skips the keys every contract shares (kinds, ignore_imports), which the
    config loader already reports, so `rules validate` does not say the same thing twice.
    """
    cls = CONTRACT_TYPES.get(spec.type)
    if cls is None:
        known = ", ".join(sorted(CONTRACT_TYPES))
        raise _spec_error(spec, "type", f"unknown contract type {spec.type!r} (expected one of: {known})")
    if check_common:
        _check_common(spec)
    return cls.from_spec(spec, layers)


def validate_contract_types(config: AuditorConfig, *, check_common: bool = False) -> list[ConfigError]:
    """Every contract's type-specific errors, one per contract (for `auditor rules validate`).

    The shared keys are the config loader's to check; pass `check_common=True` for a config
    that did not come through it.
    """
    errors: list[ConfigError] = []
    for spec in config.contracts:
        try:
            build_contract(spec, config.layers, check_common=check_common)
        except ConfigError as exc:
            errors.append(exc)
    return errors


def reads_all_names(specs: Iterable[ContractSpec]) -> bool:
    """Whether a contract among `specs` reads modules' `__all__` (not only the import graph)."""
    return any(cls.reads_all_names for spec in specs if (cls := CONTRACT_TYPES.get(spec.type)) is not None)
