"""What every contract type shares: the result records, the docs record, the option reader.

A contract is a small class: `from_spec` parses and validates its options in one place (raising
ConfigError at the option's line), and `check(graph)` returns a ContractResult. Turning results
into Findings is done elsewhere (`auditor.contracts.render`), so checking and presenting never mix.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from auditor.config.model import ContractSpec
from auditor.config.sections import CONTRACT_COMMON_KEYS
from auditor.domain import ChainHop, ConfigError
from auditor.graph.model import ImportGraph
from auditor.graph.patterns import ModulePattern

# keys every contract accepts: the config stage lifts them into ContractSpec fields
COMMON_KEYS = frozenset({*CONTRACT_COMMON_KEYS, "name"})


@dataclass(frozen=True, slots=True)
class Violation:
    """One violating import occurrence.

    `line`/`kind` are those of the first hop (importer's own import statement). `chain` holds
    every hop of an indirect violation (empty for a direct one); `reason` completes the message.
    """

    importer: str
    imported: str
    line: int
    kind: str
    chain: tuple[ChainHop, ...] = ()
    reason: str = ""
    occurrence: int = 0  # 0 for the first occurrence of this import in the file, then 1, 2, ...

    @property
    def direct(self) -> bool:
        return not self.chain


@dataclass(frozen=True, slots=True)
class ContractResult:
    contract_id: str
    kept: bool
    violations: tuple[Violation, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    unmatched: tuple[str, ...] = ()  # option entries (layers, patterns) that matched no module
    uncovered: tuple[str, ...] = ()  # layers contracts: modules in no layer
    unlisted: tuple[str, ...] = ()  # exhaustive layers contracts: container children in no layer


@dataclass(frozen=True, slots=True)
class ContractDoc:
    """`auditor rules explain TYPE`: ruff's four parts."""

    what: str
    why: str
    example: str
    instead: str


class Contract(ABC):
    type_name: ClassVar[str]
    doc: ClassVar[ContractDoc]
    reads_all_names: ClassVar[bool] = False  # whether `check` reads a module's `__all__` (its facts)

    def __init__(self, spec: ContractSpec) -> None:
        self.spec = spec

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def entries(self) -> tuple[str, ...]:
        """The option entries whose matching nothing means the contract checks nothing."""
        return ()

    @classmethod
    @abstractmethod
    def from_spec(cls, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> Contract:
        """Parse and validate the options; raise ConfigError at the offending key."""

    @abstractmethod
    def check(self, graph: ImportGraph) -> ContractResult:
        """Check the contract against `graph` (already filtered by kind and ignore_imports)."""


class OptionReader:
    """Reads a spec's type-specific options; every error names file:line and what was expected."""

    def __init__(self, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> None:
        self.spec = spec
        self.layers = layers
        self._seen: set[str] = set()

    def error(self, key: str | None, message: str) -> ConfigError:
        line = self.spec.key_lines.get(key, self.spec.location.line) if key else self.spec.location.line
        return ConfigError(
            f"contract '{self.spec.id}' ({self.spec.type}): {message}",
            path=self.spec.location.path or None,
            line=line,
        )

    def _get(self, key: str) -> Any:
        self._seen.add(key)
        return self.spec.options.get(key)

    def has(self, key: str) -> bool:
        return key in self.spec.options

    def strings(self, key: str, *, required: bool, what: str = "strings") -> tuple[str, ...]:
        value = self._get(key)
        if value is None:
            if required:
                raise self.error(None, f"missing option '{key}' (expected a list of {what})")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"option '{key}' expects a list of {what}, got {value!r}")
        if required and not value:
            raise self.error(key, f"option '{key}' must not be empty (expected a list of {what})")
        return tuple(v.strip() for v in value)

    def entries(self, key: str, *, required: bool, allow_layer_names: bool = True) -> tuple[str, ...]:
        """Module patterns or (when allowed) names of layers from the config's `layers` table."""
        values = self.strings(key, required=required, what="module patterns or layer names")
        for value in values:
            self.check_entry(key, value, allow_layer_names=allow_layer_names)
        return values

    def check_entry(self, key: str, value: str, *, allow_layer_names: bool = True) -> None:
        if allow_layer_names and value in self.layers:
            return
        try:
            ModulePattern(value)
        except ValueError:
            known = f"; known layers: {', '.join(sorted(self.layers))}" if self.layers else ""
            raise self.error(
                key, f"option '{key}': {value!r} is neither a module pattern nor a layer name{known}"
            ) from None

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(key, f"option '{key}' expects true or false, got {value!r}")
        return value

    def integer(self, key: str, default: int, *, minimum: int = 0) -> int:
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(key, f"option '{key}' expects an integer >= {minimum}, got {value!r}")
        return value

    def finish(self) -> None:
        """Unknown option keys are errors, never silently ignored."""
        unknown = sorted(set(self.spec.options) - self._seen - COMMON_KEYS)
        if unknown:
            allowed = ", ".join(sorted(self._seen))
            raise self.error(unknown[0], f"unknown option '{unknown[0]}' (expected one of: {allowed})")
