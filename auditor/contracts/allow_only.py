"""`allow_only` (alias `depends_on`) and `protected`: allow-lists of direct imports."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from auditor.config.model import ContractSpec
from auditor.contracts.base import Contract, ContractDoc, ContractResult, OptionReader, Violation
from auditor.contracts.forbidden import external_matches, is_external_entry
from auditor.contracts.search import direct_violations, resolve_entry
from auditor.graph.model import ImportGraph

STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def _resolve_all(
    graph: ImportGraph, entries: tuple[str, ...], layers: Mapping[str, tuple[str, ...]]
) -> tuple[set[str], set[str], list[str]]:
    """(internal modules, external names, entries matching nothing)."""
    internal: set[str] = set()
    external: set[str] = set()
    unmatched: list[str] = []
    for entry in entries:
        if is_external_entry(graph, entry, layers):
            external.add(entry)
            continue
        mods = resolve_entry(graph, entry, layers)
        if not mods:
            unmatched.append(entry)
        internal |= mods
    return internal, external, unmatched


class AllowOnlyContract(Contract):
    type_name = "allow_only"
    doc = ContractDoc(
        what="Checks that `source_modules` import only `allowed_modules` (and their own modules). "
        "Only internal imports count unless `include_external = true`; then external imports must "
        "be listed too (the standard library is always allowed). Direct imports only.",
        why="An allow-list states a component's dependencies once: anything new is a conscious "
        "decision in review instead of a silent addition by whoever (or whatever agent) wrote it.",
        example='[[tool.auditor.contracts]]\nid = "domain-deps"\ntype = "allow_only"\n'
        'source_modules = ["shop.domain"]\nallowed_modules = ["shop.common"]\n\n'
        "# shop/domain/order.py\nfrom shop.services import mailer  # violation",
        instead="Depend on an allowed module, or widen `allowed_modules` in the same review that "
        "adds the dependency.",
    )

    def __init__(
        self,
        spec: ContractSpec,
        layers: Mapping[str, tuple[str, ...]],
        sources: tuple[str, ...],
        allowed: tuple[str, ...],
        include_external: bool,
    ) -> None:
        super().__init__(spec)
        self.layer_table = layers
        self.sources = sources
        self.allowed = allowed
        self.include_external = include_external

    @property
    def entries(self) -> tuple[str, ...]:
        return self.sources

    @classmethod
    def from_spec(cls, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> AllowOnlyContract:
        read = OptionReader(spec, layers)
        sources = read.entries("source_modules", required=True)
        allowed = read.entries("allowed_modules", required=False)
        if not read.has("allowed_modules"):
            raise read.error(None, "missing option 'allowed_modules' (expected a list, may be empty)")
        include_external = read.boolean("include_external", False)
        read.finish()
        return cls(spec, layers, sources, allowed, include_external)

    def check(self, graph: ImportGraph) -> ContractResult:
        allowed_mods, allowed_ext, unmatched = _resolve_all(graph, self.allowed, self.layer_table)
        violations: list[Violation] = []
        listed = ", ".join(repr(a) for a in self.allowed) or "nothing"
        for entry in self.sources:
            own = resolve_entry(graph, entry, self.layer_table)
            if not own:
                unmatched.append(entry)
            reason = f"'{entry}' may import only {listed}"
            outside = set(graph.modules) - own - allowed_mods
            violations += direct_violations(graph, own, outside.__contains__, reason)
            if self.include_external:
                violations += self._external(graph, own, allowed_ext, reason)
        return ContractResult(
            self.id, kept=not violations, violations=tuple(violations), unmatched=tuple(unmatched)
        )

    @staticmethod
    def _external(graph: ImportGraph, own: set[str], allowed: set[str], reason: str) -> list[Violation]:
        found: list[Violation] = []
        seen: dict[tuple[str, str], int] = {}
        for imp in sorted(graph.external_imports, key=lambda i: (i.importer, i.imported, i.line)):
            if imp.importer not in own or imp.imported.split(".")[0] in STDLIB:
                continue
            if any(external_matches(imp, name) for name in allowed):
                continue
            index = seen[(imp.importer, imp.imported)] = seen.get((imp.importer, imp.imported), -1) + 1
            found.append(Violation(imp.importer, imp.imported, imp.line, imp.kind.value, (), reason, index))
        return found


class ProtectedContract(Contract):
    type_name = "protected"
    doc = ContractDoc(
        what="Checks that `modules` (internal packages, or external distributions by top-level name) "
        "are imported directly only by `allowed_importers` and by their own modules.",
        why="Some modules are a privileged boundary: the ORM session, the payment gateway client, "
        "the secrets store. Funnelling every use through one owner keeps auditing and replacing "
        "them possible.",
        example='[[tool.auditor.contracts]]\nid = "only-db-uses-sqlalchemy"\ntype = "protected"\n'
        'modules = ["sqlalchemy"]\nallowed_importers = ["shop.db"]\n\n'
        "# shop/api/views.py\nfrom sqlalchemy import select  # violation",
        instead="Call the allowed importer's public functions instead of the protected module.",
    )

    def __init__(
        self,
        spec: ContractSpec,
        layers: Mapping[str, tuple[str, ...]],
        modules: tuple[str, ...],
        allowed_importers: tuple[str, ...],
    ) -> None:
        super().__init__(spec)
        self.layer_table = layers
        self.modules = modules
        self.allowed_importers = allowed_importers

    @property
    def entries(self) -> tuple[str, ...]:
        return self.modules

    @classmethod
    def from_spec(cls, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> ProtectedContract:
        read = OptionReader(spec, layers)
        modules = read.entries("modules", required=True)
        allowed = read.entries("allowed_importers", required=False)
        if not read.has("allowed_importers"):
            raise read.error(None, "missing option 'allowed_importers' (expected a list, may be empty)")
        read.finish()
        return cls(spec, layers, modules, allowed)

    def check(self, graph: ImportGraph) -> ContractResult:
        allowed, _, unmatched = _resolve_all(graph, self.allowed_importers, self.layer_table)
        listed = ", ".join(repr(a) for a in self.allowed_importers) or "nothing"
        violations: list[Violation] = []
        for entry in self.modules:
            reason = f"'{entry}' may be imported only by {listed}"
            if is_external_entry(graph, entry, self.layer_table):
                hits = [i for i in graph.external_imports if external_matches(i, entry)]
                if not hits:
                    unmatched.append(entry)
                seen: dict[str, int] = {}
                for imp in sorted(hits, key=lambda i: (i.importer, i.line)):
                    if imp.importer in allowed:
                        continue
                    index = seen[imp.importer] = seen.get(imp.importer, -1) + 1
                    violations.append(
                        Violation(imp.importer, entry, imp.line, imp.kind.value, (), reason, index)
                    )
                continue
            protected = resolve_entry(graph, entry, self.layer_table)
            if not protected:
                unmatched.append(entry)
            importers = {a for b in protected for a in graph.direct_importers_of(b)}
            violations += direct_violations(
                graph, importers - protected - allowed, protected.__contains__, reason
            )
        return ContractResult(
            self.id, kept=not violations, violations=tuple(violations), unmatched=tuple(unmatched)
        )
