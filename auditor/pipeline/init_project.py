"""`auditor init` without an import-linter config: propose a starter configuration from today's
import graph — root packages, a layers contract per root package ordered so that the fewest
imports go upward, review surfaces guessed from module names, and the built-in security pack.

Layer order: the packages directly below a root package, weighted by how many import
occurrences go from one to another; strongly connected groups are ordered with the greedy
Eades-Lin-Smyth heuristic for a minimum feedback arc set, the condensation topologically. The
imports that still go upward are listed so they can be baselined, not hidden.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from auditor.config.toml_writer import Commented
from auditor.graph.model import ImportGraph
from auditor.pipeline.options import RunOptions

NOT_ROOT_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks", "scripts"}
)
SURFACE_NAMES: Mapping[str, frozenset[str]] = {
    "auth": frozenset(
        {"auth", "authentication", "authorization", "security", "permissions", "oauth", "login", "jwt"}
    ),
    "data_models": frozenset({"models", "model", "schema", "entities"}),
    "api_contracts": frozenset({"api", "schemas", "serializers", "openapi"}),
}
MAX_SURFACE_PATTERNS = 20
SECURITY_PACK = "builtin:python-security"
BASELINE_FILE = "auditor-baseline.json"


@dataclass(frozen=True)
class UpwardImport:
    """Imports from a lower layer to a higher one that the inferred order does not allow."""

    importer_layer: str
    imported_layer: str
    count: int
    example: tuple[str, str, int]  # (importer module, imported module, line)


@dataclass
class LayerInference:
    package: str
    levels: list[list[str]]  # top to bottom; each level holds child names that may share it
    upward: list[UpwardImport] = field(default_factory=list)


def root_packages(graph: ImportGraph) -> tuple[str, ...]:
    """Top-level packages of the graph (tests/docs/... left out); top-level modules if none."""
    tops = {name.split(".")[0] for name in graph.modules}
    packages = sorted(
        t for t in tops if t in graph.modules and graph.modules[t].is_package and t not in NOT_ROOT_PACKAGES
    )
    if packages:
        return tuple(packages)
    return tuple(sorted(t for t in tops if t not in NOT_ROOT_PACKAGES))


def _child_of(module: str, package: str) -> str | None:
    prefix = package + "."
    if not module.startswith(prefix):
        return None
    return module[len(prefix) :].split(".")[0]


def child_weights(
    graph: ImportGraph, package: str
) -> tuple[list[str], Counter[tuple[str, str]], dict[tuple[str, str], tuple[str, str, int]]]:
    children = sorted({c for m in graph.modules if (c := _child_of(m, package)) is not None})
    weights: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], tuple[str, str, int]] = {}
    for imp in graph.imports():
        a, b = _child_of(imp.importer, package), _child_of(imp.imported, package)
        if a is None or b is None or a == b:
            continue
        weights[a, b] += 1
        examples.setdefault((a, b), (imp.importer, imp.imported, imp.line))
    return children, weights, examples


def order_minimising_upward(nodes: Iterable[str], weights: Mapping[tuple[str, str], int]) -> list[str]:
    """Order nodes top to bottom so that the total weight of edges b -> a with a above b is small."""
    g = nx.DiGraph()
    g.add_nodes_from(sorted(nodes))
    g.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items() if w > 0)
    condensed = nx.condensation(g)
    order: list[str] = []
    for component in nx.lexicographical_topological_sort(
        condensed, key=lambda c: min(condensed.nodes[c]["members"])
    ):
        members = sorted(condensed.nodes[component]["members"])
        order.extend(members if len(members) == 1 else _greedy_fas_order(g.subgraph(members)))
    return _improve_by_moves(order, weights)


def _improve_by_moves(
    order: list[str], weights: Mapping[tuple[str, str], int], passes: int = 10
) -> list[str]:
    """Local search: move single nodes to the position that strictly lowers the upward weight."""
    order = list(order)
    for _ in range(passes):
        improved = False
        for node in list(order):
            rest = [n for n in order if n != node]
            # cost(k): node inserted before rest[k]; nodes above it that it imports + nodes below
            # it that import it are upward imports
            cost = sum(weights.get((u, node), 0) for u in rest)
            best_k, best_cost = 0, cost
            for k, above in enumerate(rest, start=1):
                cost += weights.get((node, above), 0) - weights.get((above, node), 0)
                if cost < best_cost:
                    best_k, best_cost = k, cost
            current = order.index(node)
            current_cost = sum(weights.get((node, u), 0) for u in rest[:current]) + sum(
                weights.get((u, node), 0) for u in rest[current:]
            )
            if best_cost < current_cost:
                order = [*rest[:best_k], node, *rest[best_k:]]
                improved = True
        if not improved:
            break
    return order


def _greedy_fas_order(g: nx.DiGraph) -> list[str]:
    """Eades-Lin-Smyth: peel sinks to the bottom, sources to the top, else the node whose
    outgoing minus incoming weight is largest to the top."""
    work = nx.DiGraph(g)
    top: list[str] = []
    bottom: list[str] = []
    while work:
        changed = True
        while changed:
            changed = False
            for node in sorted(n for n in work if work.out_degree(n) == 0):
                bottom.insert(0, node)
                work.remove_node(node)
                changed = True
            for node in sorted(n for n in work if work.in_degree(n) == 0):
                top.append(node)
                work.remove_node(node)
                changed = True
        if work:
            best = max(sorted(work), key=lambda n: _weight_delta(work, n))
            top.append(best)
            work.remove_node(best)
    return top + bottom


def _weight_delta(g: nx.DiGraph, node: str) -> int:
    out_w = sum(d["weight"] for _, _, d in g.out_edges(node, data=True))
    in_w = sum(d["weight"] for _, _, d in g.in_edges(node, data=True))
    return int(out_w - in_w)


def group_levels(order: list[str], weights: Mapping[tuple[str, str], int]) -> list[list[str]]:
    """Longest-path levels over the edges that go downward in `order`: nodes with no downward
    path between them share a level (as `a : b` siblings), so the contract forbids no more than
    today's order needs."""
    position = {n: i for i, n in enumerate(order)}
    height: dict[str, int] = {}
    for node in reversed(order):
        below = [b for (a, b), w in weights.items() if a == node and w > 0 and position[b] > position[node]]
        height[node] = 1 + max((height[b] for b in below), default=-1)
    levels: dict[int, list[str]] = {}
    for node in order:
        levels.setdefault(height[node], []).append(node)
    return [sorted(levels[h]) for h in sorted(levels, reverse=True)]


def infer_layers(graph: ImportGraph, package: str) -> LayerInference:
    children, weights, examples = child_weights(graph, package)
    order = order_minimising_upward(children, weights)
    levels = group_levels(order, weights)
    rank = {child: i for i, level in enumerate(levels) for child in level}
    upward = [
        UpwardImport(a, b, count, examples[a, b])
        for (a, b), count in sorted(weights.items())
        if rank[a] > rank[b]
    ]
    upward.sort(key=lambda u: (-u.count, u.importer_layer, u.imported_layer))
    return LayerInference(package, levels, upward)


def guess_surfaces(module_names: Collection[str]) -> dict[str, list[str]]:
    """Review surfaces from module names: auth/security/permissions, models/schema, api/serializers."""
    names = sorted(module_names)
    has_children = {m.rsplit(".", 1)[0] for m in names if "." in m}
    surfaces: dict[str, list[str]] = {}
    for surface, words in SURFACE_NAMES.items():
        roots: list[str] = []
        for module in names:
            parts = module.split(".")
            for i, part in enumerate(parts[1:], start=1):
                if part in words:
                    root = ".".join(parts[: i + 1])
                    if not any(root == r or root.startswith(r + ".") for r in roots):
                        roots.append(root)
                    break
        patterns: list[str] = []
        for root in roots[:MAX_SURFACE_PATTERNS]:
            patterns.append(root)
            if root in has_children:
                patterns.append(f"{root}.**")
        if patterns:
            surfaces[surface] = patterns
    return surfaces


def layer_name(package: str, child: str, several_packages: bool) -> str:
    return f"{package}-{child}" if several_packages else child


def propose_config(
    graph: ImportGraph, packages: tuple[str, ...] = (), packs: tuple[str, ...] = (SECURITY_PACK,)
) -> tuple[dict[str, object], list[LayerInference]]:
    """The [tool.auditor] settings for `graph` (plain TOML-ready data) and the inferences behind them."""
    packages = packages or root_packages(graph)
    layers: dict[str, list[str]] = {}
    contracts: list[object] = []
    inferences = []
    several = len(packages) > 1
    for package in packages:
        inference = infer_layers(graph, package)
        inferences.append(inference)
        if len(inference.levels) < 2:
            continue
        has_children = {m.rsplit(".", 1)[0] for m in graph.modules if "." in m}
        entries = []
        for level in inference.levels:
            names = []
            for child in level:
                name = layer_name(package, child, several)
                module = f"{package}.{child}"
                layers[name] = [module, f"{module}.**"] if module in has_children else [module]
                names.append(name)
            entries.append(" : ".join(names))
        comments = [
            f"Inferred by `auditor init` from today's imports ({len(inference.upward)} upward dependencies)."
        ]
        comments += [
            f"upward: {u.importer_layer} -> {u.imported_layer} ({u.count} imports, e.g. {u.example[0]}:{u.example[2]} -> {u.example[1]})"
            for u in inference.upward[:10]
        ]
        contracts.append(
            Commented(
                {
                    "id": f"{package}-layers",
                    "type": "layers",
                    "layers": entries,
                    "ignore_kinds": ["type_checking"],
                },
                comments,
            )
        )
    settings: dict[str, object] = {"packages": list(packages)}
    if packs:
        settings["packs"] = list(packs)
    if layers:
        settings["layers"] = layers
    surfaces = guess_surfaces(graph.modules)
    if surfaces:
        settings["surfaces"] = surfaces
    if contracts:
        settings["contracts"] = contracts
    return settings, inferences


def build_project_graph(root: Path, opts: RunOptions) -> ImportGraph:
    """Today's import graph of the project under `root` (no config yet: everything discovered)."""
    from auditor.pipeline.graph_build import build_graph

    return build_graph(
        root,
        packages=opts.packages,
        cache_dir=opts.effective_cache_dir,
        use_cache=opts.use_cache,
        jobs=opts.jobs,
        include_external=True,
    )


def write_initial_baseline(opts: RunOptions) -> tuple[Path, int]:
    """Seam for the drift stage: analyse with the config just written and freeze every finding
    into ROOT/auditor-baseline.json, so the first `auditor check` exits 0 (returns path, count)."""
    from auditor.drift.baseline import write_baseline
    from auditor.pipeline.analysis import analyse

    analysis = analyse(opts, attribution="none")
    path = opts.root / BASELINE_FILE
    write_baseline(path, analysis.findings, reason="accepted as-is by `auditor init`", today=opts.today)
    return path, len(analysis.findings)
