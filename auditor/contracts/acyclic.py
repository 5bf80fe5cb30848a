"""`acyclic`: no import cycles among the children of given packages, or in the whole graph."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from auditor.config.model import ContractSpec
from auditor.contracts.base import Contract, ContractDoc, ContractResult, OptionReader, Violation
from auditor.contracts.search import occurrences
from auditor.domain import ChainHop, Import
from auditor.graph.model import ImportGraph

if TYPE_CHECKING:
    import networkx as nx

DEFAULT_DEPTH = 10  # as import-linter's acyclic_siblings


def _shortest_path(adj: Mapping[str, list[str]], start: str, goal: str) -> list[str] | None:
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in adj.get(node, ()):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


def elementary_cycles(g: nx.DiGraph) -> list[tuple[str, ...]]:
    """For every edge inside a strongly connected component, the shortest cycle through it.

    Each cycle once (rotated to start at its smallest node), smallest first. This covers every
    edge that takes part in a cycle without enumerating all simple cycles (which can explode).
    """
    import networkx  # imported when a cycle check runs, not at every start

    found: set[tuple[str, ...]] = set()
    for comp in networkx.strongly_connected_components(g):
        members = set(comp)
        adj = {n: sorted(m for m in g.successors(n) if m in members) for n in sorted(members)}
        for u in sorted(members):
            for v in adj[u]:
                back = [u] if u == v else _shortest_path(adj, v, u)
                if back is None:
                    continue
                cycle = [u, *back[:-1]] if u != v else [u]
                pivot = cycle.index(min(cycle))
                found.add(tuple(cycle[pivot:] + cycle[:pivot]))
    return sorted(found, key=lambda c: (len(c), c))


def _top(module: str, package: str) -> str:
    depth = package.count(".") + 2
    return ".".join(module.split(".")[:depth])


class AcyclicContract(Contract):
    type_name = "acyclic"
    doc = ContractDoc(
        what="Checks that there are no import cycles. With `ancestors`, the children of each listed "
        "package (each child with everything below it, as import-linter's acyclic_siblings) must "
        "not import each other in a cycle, and so on down `depth` levels (default 10); without "
        "`ancestors`, no module-level cycle anywhere. Each cycle is reported once, smallest first.",
        why="Modules in a cycle cannot be understood, tested or extracted one at a time, and import "
        "order starts to matter: cycles are where partially initialised modules and layering "
        "violations hide.",
        example='[[tool.auditor.contracts]]\nid = "no-cycles"\ntype = "acyclic"\n'
        'ancestors = ["shop"]\n\n# shop/orders/service.py\nfrom shop.billing import invoice\n'
        "# shop/billing/invoice.py\nfrom shop.orders import service  # cycle orders -> billing -> orders",
        instead="Decide which side is lower and move the shared part down into it (or into a new "
        "module both import), or pass the dependency in instead of importing it.",
    )

    def __init__(
        self,
        spec: ContractSpec,
        layers: Mapping[str, tuple[str, ...]],
        ancestors: tuple[str, ...],
        depth: int,
    ) -> None:
        super().__init__(spec)
        self.layer_table = layers
        self.ancestors = ancestors
        self.depth = depth

    @property
    def entries(self) -> tuple[str, ...]:
        return self.ancestors

    @classmethod
    def from_spec(cls, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> AcyclicContract:
        read = OptionReader(spec, layers)
        ancestors = read.entries("ancestors", required=False, allow_layer_names=False)
        depth = read.integer("depth", DEFAULT_DEPTH)
        read.finish()
        return cls(spec, layers, ancestors, depth)

    def check(self, graph: ImportGraph) -> ContractResult:
        violations: list[Violation] = []
        unmatched: list[str] = []
        packages_with_cycles: list[str] = []
        tree = _PackageTree(graph.modules)  # one pass: children() per package was O(modules) each
        if not self.ancestors:
            for cycle in elementary_cycles(graph.nx):
                violations.append(self._module_cycle(graph, cycle))
        for entry in self.ancestors:
            matched = sorted(graph.match(entry))
            if not matched:
                unmatched.append(entry)
            for ancestor in matched:
                self._check_package(graph, ancestor, self.depth, violations, packages_with_cycles, tree)
        return ContractResult(
            self.id,
            kept=not violations,
            violations=tuple(violations),
            unmatched=tuple(unmatched),
            metadata={"packages_with_cycles": tuple(dict.fromkeys(packages_with_cycles))},
        )

    def _module_cycle(self, graph: ImportGraph, cycle: tuple[str, ...]) -> Violation:
        ring = [*cycle, cycle[0]]
        hops = tuple(ChainHop(a, b, occurrences(graph, a, b)[0].line) for a, b in itertools.pairwise(ring))
        first = occurrences(graph, ring[0], ring[1])[0]
        return Violation(
            ring[0], ring[1], first.line, first.kind.value, hops, "import cycle: " + " -> ".join(ring)
        )

    def _check_package(
        self,
        graph: ImportGraph,
        package: str,
        depth: int,
        out: list[Violation],
        broken: list[str],
        tree: _PackageTree,
    ) -> None:
        children = sorted(tree.children.get(package, ()))
        if len(children) >= 2:
            import networkx

            squashed = networkx.DiGraph()
            squashed.add_nodes_from(children)
            witness: dict[tuple[str, str], Import] = {}
            for importer in sorted(tree.below.get(package, ())):
                a = _top(importer, package)
                for imported in graph.successors(importer):
                    if not imported.startswith(package + "."):
                        continue
                    b = _top(imported, package)
                    if a == b:
                        continue
                    imp = occurrences(graph, importer, imported)[0]
                    best = witness.get((a, b))
                    if best is None or (imp.importer, imp.imported, imp.line) < (
                        best.importer,
                        best.imported,
                        best.line,
                    ):
                        witness[(a, b)] = imp
                    squashed.add_edge(a, b)
            cycles = elementary_cycles(squashed)
            if cycles:
                broken.append(package)
            for cycle in cycles:
                ring = [*cycle, cycle[0]]
                hops = tuple(
                    ChainHop(witness[(a, b)].importer, witness[(a, b)].imported, witness[(a, b)].line)
                    for a, b in itertools.pairwise(ring)
                )
                first = witness[(ring[0], ring[1])]
                out.append(
                    Violation(
                        first.importer,
                        first.imported,
                        first.line,
                        first.kind.value,
                        hops,
                        f"cycle between children of {package}: " + " -> ".join(ring),
                    )
                )
        if depth > 0:
            for child in children:
                self._check_package(graph, child, depth - 1, out, broken, tree)


class _PackageTree:
    """Direct children and all descendants of every package, built in one pass over the modules."""

    def __init__(self, modules: Iterable[str]) -> None:
        self.children: dict[str, set[str]] = {}
        self.below: dict[str, set[str]] = {}
        for module in modules:
            parent, dot, _ = module.rpartition(".")
            if dot:
                self.children.setdefault(parent, set()).add(module)
            name = module
            while "." in name:
                name = name.rpartition(".")[0]
                self.below.setdefault(name, set()).add(module)
