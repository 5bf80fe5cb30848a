"""The import graph: modules as nodes, every import occurrence kept on its edge.

Typed queries for the contract and report stages over plain adjacency dicts; the networkx
DiGraph (`.nx`, edges carrying `imports: list[Import]`) is built on first use, so a warm
`auditor check` that needs no graph algorithm never pays for importing networkx.
Filtering by import kind gives a new graph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from auditor.domain import AnalysisError, FileFacts, Import, ImportKind, Module
from auditor.graph.patterns import ModulePattern

if TYPE_CHECKING:
    import networkx as nx


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
        # by module name; kept as given, so a lazily decoding mapping stays lazy
        self.facts: Mapping[str, FileFacts] = facts if facts is not None else {}
        self.errors: list[AnalysisError] = list(errors)
        self.external_imports: list[Import] = []
        self._succ: dict[str, dict[str, list[Import]]] = {m: {} for m in self.modules}
        self._pred: dict[str, set[str]] = {m: set() for m in self.modules}
        self._nx: nx.DiGraph | None = None
        self._add_all(imports)

    def _add_all(self, imports: Iterable[Import]) -> None:
        """Each import occurrence appended to its edge, or to the external ones (nodes created
        as needed). One loop, no call per import: a warm run adds thousands."""
        succ, pred, external = self._succ, self._pred, self.external_imports
        for imp in imports:
            if imp.external:
                external.append(imp)
                continue
            a, b = imp.importer, imp.imported
            targets = succ.get(a)
            if targets is None:
                targets = succ[a] = {}
                pred[a] = set()
            if b not in succ:
                succ[b] = {}
                pred[b] = set()
            edge = targets.get(b)
            if edge is None:
                targets[b] = [imp]
            else:
                edge.append(imp)
            pred[b].add(a)

    def _add_edge(self, a: str, b: str, imports: Iterable[Import]) -> None:
        """Import occurrences of a -> b, appended to the edge (nodes created as needed)."""
        for node in (a, b):
            if node not in self._succ:
                self._succ[node] = {}
                self._pred[node] = set()
        self._succ[a].setdefault(b, []).extend(imports)
        self._pred[b].add(a)

    # -- basic access -------------------------------------------------------------------------
    @property
    def nx(self) -> nx.DiGraph:
        """A networkx view of the graph, built on first use (read it, do not mutate it)."""
        if self._nx is None:
            import networkx

            g = networkx.DiGraph()
            g.add_nodes_from(sorted(self._succ))
            for a, targets in self._succ.items():
                for b, imps in targets.items():
                    g.add_edge(a, b, imports=imps)
            self._nx = g
        return self._nx

    def __contains__(self, module: object) -> bool:
        return module in self.modules

    def has_node(self, module: str) -> bool:
        """In the graph: an audited module, or an import target (e.g. a missing module)."""
        return module in self._succ

    def successors(self, module: str) -> Iterable[str]:
        return self._succ.get(module, {}).keys()

    def predecessors(self, module: str) -> Iterable[str]:
        return self._pred.get(module, ())

    def __len__(self) -> int:
        return len(self.modules)

    def imports(self) -> Iterator[Import]:
        """Every internal import occurrence, in a stable order."""
        for a in sorted(self._succ):
            targets = self._succ[a]
            for b in sorted(targets):
                yield from targets[b]

    def imports_between(self, importer: str, imported: str) -> list[Import]:
        return list(self._succ.get(importer, {}).get(imported, ()))

    def edge_pairs(self) -> set[tuple[str, str]]:
        return {(a, b) for a, targets in self._succ.items() for b in targets}

    def directly_imported_by(self, module: str) -> set[str]:
        """Modules that `module` imports directly."""
        return set(self._succ.get(module, ()))

    def direct_importers_of(self, module: str) -> set[str]:
        """Modules that import `module` directly."""
        return set(self._pred.get(module, ()))

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

    def with_facts(self, facts: Mapping[str, FileFacts], errors: Iterable[AnalysisError]) -> ImportGraph:
        """The same modules and imports with other `facts` and `errors` (for files whose imports
        are unchanged). The edges are shared with this graph, not copied: a graph is never
        changed once built."""
        view = ImportGraph((), (), facts=facts, errors=errors)
        view.modules, view.external_imports = self.modules, self.external_imports
        view._succ, view._pred = self._succ, self._pred
        return view

    def same_imports_as(self, other: ImportGraph, importers: Collection[str]) -> bool:
        """Whether `other` has this graph's nodes and, for each of `importers`, the same import
        occurrences (internal ones edge by edge in order, and external ones): with every other
        importer's imports known to be the same, the two graphs are equal edge for edge."""
        if self._succ.keys() != other._succ.keys():
            return False
        if any(self._succ.get(m) != other._succ.get(m) for m in importers):
            return False
        wanted = set(importers)
        mine = [i for i in self.external_imports if i.importer in wanted]
        return mine == [i for i in other.external_imports if i.importer in wanted]

    # -- filtered views -----------------------------------------------------------------------
    def only_kinds(self, kinds: Collection[ImportKind | str]) -> ImportGraph:
        """A graph with only import occurrences of the given kinds (modules unchanged)."""
        wanted = {ImportKind(k) for k in kinds}
        if wanted == set(ImportKind) or self._only_of(wanted):
            return self  # nothing to leave out: the graph is its own view
        view = ImportGraph(self.modules.values(), (), facts=self.facts, errors=self.errors)
        view.external_imports = [i for i in self.external_imports if i.kind in wanted]
        for a, targets in self._succ.items():  # edge by edge: as _add_all would, without sorting
            for b, imps in targets.items():
                kept = [i for i in imps if i.kind in wanted]
                if kept:
                    view._add_edge(a, b, kept)
        return view

    def _only_of(self, kinds: set[ImportKind]) -> bool:
        """Whether every import occurrence (internal and external) is of one of `kinds`."""
        if any(i.kind not in kinds for i in self.external_imports):
            return False
        return all(i.kind in kinds for targets in self._succ.values() for imps in targets.values() for i in imps)

    def with_imports_of(
        self,
        importers: Collection[str],
        imports: Iterable[Import],
        *,
        facts: Mapping[str, FileFacts],
        errors: Iterable[AnalysisError],
    ) -> ImportGraph:
        """A graph where the internal imports of `importers` are replaced by the internal ones
        among `imports`, and every external import by the external ones among `imports` (same
        modules). The other importers' edges are copied, not re-added one import at a time."""
        gone = set(importers)
        view = ImportGraph(self.modules.values(), (), facts=facts, errors=errors)
        for a, targets in self._succ.items():
            if a not in gone:
                for b, imps in targets.items():
                    view._add_edge(a, b, imps)
        view._add_all(imports)
        return view

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
            if s in self._succ and s not in parent:
                parent[s] = None
                queue.append(s)
        while queue:
            node = queue.popleft()
            for nxt in sorted(self._succ[node]):
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
        stack = [s for s in sources if s in self._succ]
        while stack:
            node = stack.pop()
            for nxt in self._succ[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def strongly_connected_components(self) -> list[list[str]]:
        """Components with more than one module (or a self-import), each sorted, smallest first."""
        import networkx

        comps = []
        for comp in networkx.strongly_connected_components(self.nx):
            members = sorted(comp)
            if len(members) > 1 or members[0] in self._succ[members[0]]:
                comps.append(members)
        return sorted(comps, key=lambda c: (len(c), c))
