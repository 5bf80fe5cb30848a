"""`forbidden`: source modules must not import forbidden modules (internal or external)."""

from __future__ import annotations

from collections.abc import Mapping

from auditor.config.model import ContractSpec
from auditor.contracts.base import Contract, ContractDoc, ContractResult, OptionReader, Violation
from auditor.contracts.search import find_violations, resolve_entry
from auditor.domain import ChainHop, Import
from auditor.graph.model import ImportGraph
from auditor.graph.patterns import ModulePattern


def is_external_entry(graph: ImportGraph, entry: str, layers: Mapping[str, tuple[str, ...]]) -> bool:
    """An entry naming no internal module and no layer: an external distribution's top-level name."""
    if entry in layers or ModulePattern(entry).has_wildcard:
        return False
    return not graph.match(entry)


def external_matches(imp: Import, name: str) -> bool:
    return imp.imported == name or imp.imported.startswith(name + ".")


def external_violations(
    graph: ImportGraph, sources: set[str], name: str, *, allow_indirect: bool, reason: str
) -> list[Violation]:
    """Imports of external `name` from `sources`, directly or through internal modules."""
    found: list[Violation] = []
    by_importer: dict[str, list[Import]] = {}
    for imp in graph.external_imports:
        if external_matches(imp, name):
            by_importer.setdefault(imp.importer, []).append(imp)
    for importer in sorted(set(by_importer) & sources):
        for index, imp in enumerate(sorted(by_importer[importer], key=lambda i: i.line)):
            found.append(Violation(importer, name, imp.line, imp.kind.value, (), reason, index))
    if allow_indirect:
        return found
    gateways = set(by_importer) - sources  # internal modules that import `name` themselves
    for v in find_violations(graph, sources, gateways):
        chain = v.chain or (ChainHop(v.importer, v.imported, v.line),)
        last = min(i.line for i in by_importer[v.imported])
        chain = (*chain, ChainHop(v.imported, name, last))
        found.append(Violation(v.importer, name, v.line, v.kind, chain, reason, v.occurrence))
    return found


class ForbiddenContract(Contract):
    type_name = "forbidden"
    doc = ContractDoc(
        what="Checks that `source_modules` never import `forbidden_modules`, directly or through a "
        "chain of other modules (unless `allow_indirect_imports = true`). Forbidden modules may be "
        "external distributions, named by their top-level module (e.g. `sqlalchemy`).",
        why="Some dependencies must stay in one place: the web layer must not reach into the "
        "database driver, utilities must not depend on the ORM. One stray import makes the "
        "boundary meaningless and spreads the dependency through every importer.",
        example='[[tool.auditor.contracts]]\nid = "no-orm-in-api"\ntype = "forbidden"\n'
        'source_modules = ["shop.api", "shop.domain"]\nforbidden_modules = ["sqlalchemy", "shop.db"]\n\n'
        "# shop/api/views.py\nimport sqlalchemy  # violation",
        instead="Go through the module that owns the dependency (e.g. a repository in shop.db) and "
        "import only its public functions.",
    )

    def __init__(
        self,
        spec: ContractSpec,
        layers: Mapping[str, tuple[str, ...]],
        sources: tuple[str, ...],
        forbidden: tuple[str, ...],
        allow_indirect: bool,
    ) -> None:
        super().__init__(spec)
        self.layer_table = layers
        self.sources = sources
        self.forbidden = forbidden
        self.allow_indirect = allow_indirect

    @property
    def entries(self) -> tuple[str, ...]:
        return self.sources

    @classmethod
    def from_spec(cls, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> ForbiddenContract:
        read = OptionReader(spec, layers)
        sources = read.entries("source_modules", required=True)
        forbidden = read.entries("forbidden_modules", required=True)
        allow_indirect = read.boolean("allow_indirect_imports", False)
        read.finish()
        return cls(spec, layers, sources, forbidden, allow_indirect)

    def check(self, graph: ImportGraph) -> ContractResult:
        violations: list[Violation] = []
        unmatched: list[str] = []
        resolved_sources = []
        for entry in self.sources:
            mods = resolve_entry(graph, entry, self.layer_table)
            if not mods:
                unmatched.append(entry)
            resolved_sources.append((entry, mods))
        for target in self.forbidden:
            external = is_external_entry(graph, target, self.layer_table)
            target_mods = set() if external else resolve_entry(graph, target, self.layer_table)
            if (external and not any(external_matches(i, target) for i in graph.external_imports)) or (
                not external and not target_mods
            ):
                unmatched.append(target)
            for entry, mods in resolved_sources:
                reason = f"'{entry}' may not import '{target}'"
                if external:
                    violations += external_violations(
                        graph, mods, target, allow_indirect=self.allow_indirect, reason=reason
                    )
                else:
                    violations += find_violations(
                        graph, mods, target_mods, allow_indirect=self.allow_indirect, reason=reason
                    )
        return ContractResult(
            self.id, kept=not violations, violations=tuple(violations), unmatched=tuple(unmatched)
        )
