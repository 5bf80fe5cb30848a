"""Coupling metrics for the architecture view and the history: package-level edges, fan-in/out.

Packages are aggregated at a fixed depth below each root package (default: root + 1 segment,
e.g. `shop.api`), so the report's graph stays readable on large codebases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from auditor.domain import Finding, FindingKind
from auditor.domain.run import ModuleMetrics, PackageEdge
from auditor.graph import ImportGraph
from auditor.graph.patterns import in_patterns


def package_of(module: str, depth: int) -> str:
    return ".".join(module.split(".")[:depth])


def layer_of(module: str, layers: Mapping[str, Sequence[str]]) -> str | None:
    """The first layer whose patterns cover `module` (see graph.patterns.in_patterns)."""
    for name, patterns in layers.items():
        if in_patterns(module, patterns):
            return name
    return None


def package_view(
    graph: ImportGraph,
    findings: Iterable[Finding],
    layers: Mapping[str, Sequence[str]],
    *,
    depth: int = 2,
) -> tuple[tuple[ModuleMetrics, ...], tuple[PackageEdge, ...], tuple[tuple[str, ...], ...]]:
    """Package-level metrics, edges (violating ones flagged) and module-level cycles."""
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
    cycles = tuple(tuple(c) for c in graph.strongly_connected_components())
    in_cycle = {package_of(m, depth) for c in cycles for m in c}
    metrics = tuple(
        ModuleMetrics(
            name=p,
            fan_in=fan_in[p],
            fan_out=fan_out[p],
            in_cycle=p in in_cycle,
            layer=layer_of(p, layers),
        )
        for p in packages
    )
    edges = tuple(
        PackageEdge(a, b, n, violating=(a, b) in violating_pairs) for (a, b), n in sorted(edge_counts.items())
    )
    return metrics, edges, cycles
