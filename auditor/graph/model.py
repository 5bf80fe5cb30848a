"""The import graph: modules as nodes, every import occurrence kept on its edge.

A thin, typed wrapper over a networkx DiGraph with the queries the contract and report stages
need. Edges carry `imports: list[Import]`; filtering by import kind gives a new graph view.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping

import networkx as nx

from auditor.domain import AnalysisError, FileFacts, Import, ImportKind, Module
from auditor.graph.patterns import ModulePattern


class ImportGraph:
    def __init__(
        self,
        modules: Iterable[Module],
        imports: Iterable[Import],
        *,
        facts: Mapping[str, FileFacts] | None = None,
        errors: Iterable[AnalysisError] = (),
    ) -> None:
        self.modules: dict[str, Module] = {m.name: m for m in modules}
        self.facts: dict[str, FileFacts] = dict(facts or {})  # by module name
        self.errors: list[AnalysisError] = list(errors)
        self.external_imports: list[Import] = []
        self._g: nx.DiGraph = nx.DiGraph()
        self._g.add_nodes_from(sorted(self.modules))
        for imp in imports:
            self._add(imp)

    def _add(self, imp: Import) -> None:
        if imp.external:
            self.external_imports.append(imp)
            return
        if self._g.has_edge(imp.importer, imp.imported):
            self._g.edges[imp.importer, imp.imported]["imports"].append(imp)
        else:
            self._g.add_edge(imp.importer, imp.imported, imports=[imp])

    # -- basic access -------------------------------------------------------------------------
    @property
    def nx(self) -> nx.DiGraph:
        """The underlying networkx graph (read it, do not mutate it)."""
        return self._g

    def __contains__(self, module: object) -> bool:
        return module in self.modules

    def __len__(self) -> int:
        return len(self.modules)

    def imports(self) -> Iterator[Import]:
        """Every internal import occurrence, in a stable order."""
        for a, b in sorted(self._g.edges):
            yield from self._g.edges[a, b]["imports"]

    def imports_between(self, importer: str, imported: str) -> list[Import]:
        if not self._g.has_edge(importer, imported):
            return []
        return list(self._g.edges[importer, imported]["imports"])

    def edge_pairs(self) -> set[tuple[str, str]]:
        return set(self._g.edges)

    def directly_imported_by(self, module: str) -> set[str]:
        """Modules that `module` imports directly."""
        return set(self._g.successors(module)) if module in self._g else set()

    def direct_importers_of(self, module: str) -> set[str]:
        """Modules that import `module` directly."""
        return set(self._g.predecessors(module)) if module in self._g else set()

    def children(self, package: str) -> set[str]:
        prefix = package + "."
        return {m for m in self.modules if m.startswith(prefix) and "." not in m[len(prefix) :]}

    def descendants(self, package: str) -> set[str]:
        prefix = package + "."
        return {m for m in self.modules if m.startswith(prefix)}

    def match(self, pattern: str | ModulePattern) -> set[str]:
        """Modules matching a module pattern (`a.b`, `a.*`, `a.**`)."""
        pat = pattern if isinstance(pattern, ModulePattern) else ModulePattern(pattern)
        if not pat.has_wildcard:
            return {pat.text} if pat.text in self.modules else set()
        return {m for m in self.modules if pat.matches(m)}

    # -- filtered views -----------------------------------------------------------------------
    def only_kinds(self, kinds: Collection[ImportKind | str]) -> ImportGraph:
        """A graph with only import occurrences of the given kinds (modules unchanged)."""
        wanted = {ImportKind(k) for k in kinds}
        if wanted == set(ImportKind):
            return self
        kept = [i for i in self.imports() if i.kind in wanted]
        kept += [i for i in self.external_imports if i.kind in wanted]
        return ImportGraph(self.modules.values(), kept, facts=self.facts, errors=self.errors)

    def without_kinds(self, kinds: Collection[ImportKind | str]) -> ImportGraph:
        unwanted = {ImportKind(k) for k in kinds}
        return self.only_kinds(set(ImportKind) - unwanted)

    # -- chains and cycles --------------------------------------------------------------------
    def shortest_chain(
        self,
        sources: Collection[str],
        targets: Collection[str],
        *,
        avoid: Collection[str] = (),
        ignore_edges: Collection[tuple[str, str]] = (),
    ) -> list[str] | None:
        """The shortest module chain from any source to any target (one multi-source BFS).

        `avoid` modules may not appear inside the chain; `ignore_edges` are not followed.
        Returns [source, ..., target] or None.
        """
        target_set = set(targets)
        avoid_set = set(avoid)
        ignored = set(ignore_edges)
        parent: dict[str, str | None] = {}
        queue: deque[str] = deque()
        for s in sorted(sources):
            if s in self._g and s not in parent:
                parent[s] = None
                queue.append(s)
        while queue:
            node = queue.popleft()
            for nxt in sorted(self._g.successors(node)):
                if nxt in parent or (node, nxt) in ignored:
                    continue
                parent[nxt] = node
                if nxt in target_set:
                    chain = [nxt]
                    cur: str | None = node
                    while cur is not None:
                        chain.append(cur)
                        cur = parent[cur]
                    return chain[::-1]
                if nxt not in avoid_set:
                    queue.append(nxt)
        return None

    def reachable_from(self, sources: Collection[str]) -> set[str]:
        seen: set[str] = set()
        stack = [s for s in sources if s in self._g]
        while stack:
            node = stack.pop()
            for nxt in self._g.successors(node):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def strongly_connected_components(self) -> list[list[str]]:
        """Components with more than one module (or a self-import), each sorted, smallest first."""
        comps = []
        for comp in nx.strongly_connected_components(self._g):
            members = sorted(comp)
            if len(members) > 1 or self._g.has_edge(members[0], members[0]):
                comps.append(members)
        return sorted(comps, key=lambda c: (len(c), c))
