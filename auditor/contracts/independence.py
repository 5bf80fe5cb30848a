"""`independence`: the listed modules do not import each other, directly or indirectly."""

from __future__ import annotations

from collections.abc import Mapping

from auditor.config.model import ContractSpec
from auditor.contracts.base import Contract, ContractDoc, ContractResult, OptionReader, Violation
from auditor.contracts.search import expand_members, find_violations, next_hops_towards
from auditor.graph.model import ImportGraph


class IndependenceContract(Contract):
    type_name = "independence"
    doc = ContractDoc(
        what="Checks that none of the listed `modules` (packages, with everything below them) "
        "imports another, directly or through a chain of modules outside the list (unless "
        "`allow_indirect_imports = true`). A wildcard entry such as `shop.plugins.*` makes each "
        "matching package a separate member.",
        why="Independent components (plugins, bounded contexts, apps) can be changed, released or "
        "deleted one at a time. A single import between them couples their release cycles.",
        example='[[tool.auditor.contracts]]\nid = "plugins-independent"\ntype = "independence"\n'
        'modules = ["shop.plugins.*"]\n\n# shop/plugins/paypal/api.py\n'
        "from shop.plugins.stripe import client  # violation",
        instead="Move what both need into a shared lower module that neither owns, or let them "
        "communicate through an event or an interface defined below both.",
    )

    def __init__(
        self,
        spec: ContractSpec,
        layers: Mapping[str, tuple[str, ...]],
        modules: tuple[str, ...],
        allow_indirect: bool,
    ) -> None:
        super().__init__(spec)
        self.layer_table = layers
        self.modules = modules
        self.allow_indirect = allow_indirect

    @property
    def entries(self) -> tuple[str, ...]:
        return self.modules

    @classmethod
    def from_spec(cls, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> IndependenceContract:
        read = OptionReader(spec, layers)
        modules = read.entries("modules", required=True)
        allow_indirect = read.boolean("allow_indirect_imports", False)
        read.finish()
        return cls(spec, layers, modules, allow_indirect)

    def check(self, graph: ImportGraph) -> ContractResult:
        members: list[tuple[str, set[str]]] = []
        unmatched: list[str] = []
        for entry in self.modules:
            expanded = [(name, mods) for name, mods in expand_members(graph, entry, self.layer_table) if mods]
            if not expanded:
                unmatched.append(entry)
            members += expanded
        everything = set().union(*(mods for _, mods in members))
        violations: list[Violation] = []
        for b_name, b_mods in members:
            nxt = None if self.allow_indirect else next_hops_towards(graph, b_mods, everything)
            for a_name, a_mods in members:
                if a_name == b_name:
                    continue
                violations += find_violations(
                    graph,
                    a_mods,
                    b_mods,
                    blocked=everything,
                    allow_indirect=self.allow_indirect,
                    reason=f"'{a_name}' and '{b_name}' must be independent",
                    next_hops=nxt,
                )
        return ContractResult(
            self.id, kept=not violations, violations=tuple(violations), unmatched=tuple(unmatched)
        )
