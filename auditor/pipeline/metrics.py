"""The architecture view: package-level edges and fan-in/out, import cycles, layer rows.

Packages are aggregated at a fixed depth below each root package (default: root + 1 segment,
e.g. `shop.api`), so the report's graph stays readable on large codebases. Cycles stay at
module level: each one is a path of real imports, in import order.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from auditor.config.model import ContractSpec
from auditor.contracts.layers import parse_level
from auditor.contracts.search import hops
from auditor.domain import ChainHop, Finding, FindingKind
from auditor.graph import ImportGraph
from auditor.graph.patterns import LayerIndex

if TYPE_CHECKING:  # built only for the outputs that show them (package_view)
    from auditor.domain.run_views import ModuleMetrics, PackageEdge


def package_of(module: str, depth: int) -> str:
    return ".".join(module.split(".")[:depth])


def package_view(
    graph: ImportGraph,
    findings: Iterable[Finding],
    layers: Mapping[str, Sequence[str]],
    *,
    depth: int = 2,
) -> tuple[tuple[ModuleMetrics, ...], tuple[PackageEdge, ...], tuple[tuple[ChainHop, ...], ...]]:
    """Package-level metrics, edges (violating ones flagged) and module-level import cycles."""
    from auditor.domain.run_views import ModuleMetrics, PackageEdge

    violating_pairs = {
        (package_of(f.importer, depth), package_of(f.imported, depth))
        for f in findings
        if f.kind is FindingKind.CONTRACT and f.importer and f.imported
    }
    edge_counts: Counter[tuple[str, str]] = Counter()
    for importer, imported in graph.edge_pairs():
        a, b = package_of(importer, depth), package_of(imported, depth)
        if a != b:
            edge_counts[(a, b)] += len(graph.imports_between(importer, imported))
    packages = sorted({package_of(m, depth) for m in graph.modules})
    fan_out: Counter[str] = Counter()
    fan_in: Counter[str] = Counter()
    for a, b in edge_counts:
        fan_out[a] += 1
        fan_in[b] += 1
    components = graph.strongly_connected_components()
    in_cycle = {package_of(m, depth) for c in components for m in c}
    cycles = tuple(cycle for c in components for cycle in import_cycles(graph, c))
    label = LayerIndex(layers).first  # one label per package (graph.patterns.layers_of)
    metrics = tuple(
        ModuleMetrics(
            name=p,
            fan_in=fan_in[p],
            fan_out=fan_out[p],
            in_cycle=p in in_cycle,
            layer=label(p),
        )
        for p in packages
    )
    edges = tuple(
        PackageEdge(a, b, n, violating=(a, b) in violating_pairs) for (a, b), n in sorted(edge_counts.items())
    )
    return metrics, edges, cycles


def import_cycles(graph: ImportGraph, component: Sequence[str]) -> list[tuple[ChainHop, ...]]:
    """Import cycles through every module of one strongly connected component, each the hops of
    a real import path back to where it started (with the first line of each import).

    The first cycle starts at the smallest module; each next one at the smallest module no
    earlier cycle went through. Each is a shortest cycle through its start, so a component
    needs at most one cycle per module, never an enumeration of all its simple cycles.
    """
    members = set(component)
    covered: set[str] = set()
    cycles = []
    for start in sorted(members):
        if start in covered:
            continue
        ring = _shortest_ring(graph, start, members)
        covered.update(ring)
        cycles.append(hops(graph, ring))
    return cycles


def _shortest_ring(graph: ImportGraph, start: str, members: set[str]) -> list[str]:
    """[start, ..., start]: the fewest imports from `start` back to itself (breadth first,
    successors by name, so the answer is deterministic). `members` is start's component."""
    parent: dict[str, str] = {}
    queue: deque[str] = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph.successors(node)):
            if nxt == start:
                ring = [start, node]  # backwards, from the closing import
                while ring[-1] != start:
                    ring.append(parent[ring[-1]])
                return ring[::-1]
            if nxt in members and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    raise ValueError(f"{start} is on no cycle")  # a component member always is


def layer_rows(
    layers: Mapping[str, Sequence[str]], contracts: Sequence[ContractSpec]
) -> tuple[tuple[str, ...], ...]:
    """The declared layer order, top row first: the levels of the `layers` contracts (siblings
    `a | b` / `a : b` share a row), then the layers of the table that no contract orders.

    A later contract's levels are placed around the layers it shares with earlier ones (a level
    above a known layer goes just above it); one that shares none goes below everything so far.
    Levels of contracts with `containers` name modules, not layers, and are left out.
    """
    rows: list[list[str]] = []
    for contract in contracts:
        if contract.type != "layers" or contract.options.get("containers"):
            continue
        _merge_levels(rows, _levels(contract, layers))
    placed = {name for row in rows for name in row}
    rows += [[name] for name in layers if name not in placed]
    return tuple(tuple(row) for row in rows)


def _levels(contract: ContractSpec, layers: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """The contract's levels as lists of layer-table names (module names left out)."""
    levels = []
    seen: set[str] = set()
    raw = contract.options.get("layers")
    for text in raw if isinstance(raw, (list, tuple)) else ():
        try:
            members = parse_level(str(text)).members
        except ValueError:
            continue
        names = [m for m in dict.fromkeys(members) if m in layers and m not in seen]
        seen.update(names)
        if names:
            levels.append(names)
    return levels


def _merge_levels(rows: list[list[str]], levels: list[list[str]]) -> None:
    pending: list[list[str]] = []  # levels seen since the last level that shares a known layer
    last = None  # the row of that level
    for level in levels:
        known = [i for i, row in enumerate(rows) if set(row) & set(level)]
        if not known:
            pending.append(level)
            continue
        at = known[0]
        rows[at:at] = pending
        at += len(pending)
        pending = []
        rows[at] += [name for name in level if not any(name in row for row in rows)]
        last = at
    at = len(rows) if last is None else last + 1
    rows[at:at] = pending
