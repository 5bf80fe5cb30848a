"""`layers`: ordered layers, top to bottom; a higher layer may import a lower one, never the reverse."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from auditor.config.model import ContractSpec
from auditor.contracts.base import Contract, ContractDoc, ContractResult, OptionReader, Violation
from auditor.contracts.search import find_violations, next_hops_towards, resolve_entry
from auditor.graph.model import ImportGraph

_SPLIT = re.compile(r"\s*([|:])\s*")


@dataclass(frozen=True, slots=True)
class Level:
    """One line of the `layers` list: one layer, or several siblings at the same height."""

    members: tuple[str, ...]
    independent: bool  # "a | b": siblings must not import each other; "a : b": they may
    optional: bool  # "(a)": no complaint when it matches nothing


def parse_level(text: str) -> Level:
    """Parse `a`, `(a)`, `a | b` or `a : b` (import-linter's syntax); ValueError when malformed."""
    optional = text.startswith("(") and text.endswith(")")
    body = text[1:-1].strip() if optional else text
    separators = set(_SPLIT.findall(body))
    if len(separators) > 1:
        raise ValueError("mixes '|' and ':' in one layer (use one kind of sibling per layer)")
    members = tuple(m.strip() for m in _SPLIT.split(body)[::2])
    if not all(members):
        raise ValueError("has an empty sibling")
    return Level(members, independent="|" in separators, optional=optional)


class LayersContract(Contract):
    type_name = "layers"
    doc = ContractDoc(
        what="Checks that the listed layers (top to bottom) only import downwards: a higher layer "
        "may import a lower one, a lower layer may never import a higher one, directly or through "
        "a chain of modules outside the layers. `a | b` puts independent siblings at one height, "
        "`a : b` siblings that may import each other; `containers` repeats the layering inside each "
        "listed package.",
        why="Layering keeps the domain free of delivery details: when domain code imports the web "
        "layer, every change to HTTP handling can break business rules, and the layers can no "
        "longer be tested or replaced separately.",
        example='[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\n'
        'layers = ["api", "services", "domain"]   # layer names or module patterns\n'
        'ignore_kinds = ["type_checking"]\n\n# shop/domain/models.py\nfrom shop.api import views  '
        "# violation: layer 'domain' may not import layer 'api'",
        instead="Move the code that needs the higher layer up into it, or invert the dependency: "
        "the lower layer defines an interface (a protocol or a callback) and the higher layer "
        "passes in the implementation.",
    )

    def __init__(
        self,
        spec: ContractSpec,
        layers: Mapping[str, tuple[str, ...]],
        levels: tuple[Level, ...],
        containers: tuple[str, ...],
        allow_indirect: bool,
        exhaustive: bool,
    ) -> None:
        super().__init__(spec)
        self.layer_table = layers
        self.levels = levels
        self.containers = containers
        self.allow_indirect = allow_indirect
        self.exhaustive = exhaustive

    @property
    def entries(self) -> tuple[str, ...]:
        return self.containers or tuple(m for level in self.levels for m in level.members)

    @classmethod
    def from_spec(cls, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> LayersContract:
        read = OptionReader(spec, layers)
        raw_levels = read.strings("layers", required=True, what="layers (top to bottom)")
        containers = read.entries("containers", required=False, allow_layer_names=False)
        allow_indirect = read.boolean("allow_indirect_imports", False)
        exhaustive = read.boolean("exhaustive", False)
        read.finish()
        levels = []
        for text in raw_levels:
            try:
                level = parse_level(text)
            except ValueError as exc:
                raise read.error("layers", f"layer {text!r} {exc}") from None
            for member in level.members:
                if containers and member in layers:
                    raise read.error(
                        "layers",
                        f"layer {member!r} is a name from the layers table; with 'containers' the "
                        "layers are module names relative to each container",
                    )
                read.check_entry("layers", member)
            levels.append(level)
        if exhaustive and not containers:
            raise read.error("exhaustive", "option 'exhaustive' needs 'containers'")
        return cls(spec, layers, tuple(levels), containers, allow_indirect, exhaustive)

    def _resolve(self, graph: ImportGraph, container: str | None) -> list[list[tuple[str, set[str]]]]:
        resolved = []
        for level in self.levels:
            members = []
            for member in level.members:
                name = f"{container}.{member}" if container else member
                members.append((name, resolve_entry(graph, name, self.layer_table)))
            resolved.append(members)
        return resolved

    def check(self, graph: ImportGraph) -> ContractResult:
        violations: list[Violation] = []
        unmatched: list[str] = []
        uncovered: set[str] = set()
        unlisted: set[str] = set()
        containers: list[str | None] = [None]
        if self.containers:
            containers = list(self._containers(graph, unmatched))
        for container in containers:
            resolved = self._resolve(graph, container)
            everything = set().union(*(mods for level in resolved for _, mods in level))
            for level, members in zip(self.levels, resolved, strict=True):
                unmatched += [name for name, mods in members if not mods and not level.optional]
            for hi, higher in enumerate(resolved):
                for high_name, high_mods in higher:
                    nxt = None if self.allow_indirect else next_hops_towards(graph, high_mods, everything)
                    for lower in resolved[hi + 1 :]:
                        for low_name, low_mods in lower:
                            violations += find_violations(
                                graph,
                                low_mods,
                                high_mods,
                                blocked=everything,
                                allow_indirect=self.allow_indirect,
                                reason=f"layer '{low_name}' may not import layer '{high_name}'",
                                next_hops=nxt,
                            )
                if self.levels[hi].independent:
                    violations += self._siblings(graph, higher, everything)
            scope = graph.descendants(container) if container else set(graph.modules)
            uncovered |= scope - everything - _ancestors(everything)
            if container and self.exhaustive:
                unlisted |= graph.children(container) - everything
        return ContractResult(
            self.id,
            kept=not violations and not unlisted,
            violations=tuple(violations),
            unmatched=tuple(dict.fromkeys(unmatched)),
            uncovered=tuple(sorted(uncovered)),
            unlisted=tuple(sorted(unlisted)),
        )

    def _containers(self, graph: ImportGraph, unmatched: list[str]) -> list[str]:
        found: set[str] = set()
        for entry in self.containers:
            matched = graph.match(entry)
            if not matched:
                unmatched.append(entry)
            found |= matched
        return sorted(found)

    def _siblings(
        self, graph: ImportGraph, members: list[tuple[str, set[str]]], everything: set[str]
    ) -> list[Violation]:
        found: list[Violation] = []
        for a_name, a_mods in members:
            for b_name, b_mods in members:
                if a_name != b_name:
                    found += find_violations(
                        graph,
                        a_mods,
                        b_mods,
                        blocked=everything,
                        allow_indirect=self.allow_indirect,
                        reason=f"layers '{a_name}' and '{b_name}' are independent",
                    )
        return found


def _ancestors(modules: set[str]) -> set[str]:
    """Packages that contain layered modules: they hold the layers rather than escape them."""
    found: set[str] = set()
    for module in modules:
        while "." in module:
            module = module.rpartition(".")[0]
            if module in found:
                break
            found.add(module)
    return found
