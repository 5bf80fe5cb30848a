"""Ordering and banding for `auditor init`: nodes of a weighted import graph (weight = import
occurrences from one node to another) placed top (importers) to bottom (imported).

1. `order_minimising_upward`: a linear order with little upward weight — the condensation
   (strongly connected components) topologically, each component ordered with the greedy
   Eades-Lin-Smyth heuristic for a minimum feedback arc set, then improved by single moves.
2. `group_levels`: longest-path ranks over the edges that go downward in that order; nodes with
   no downward path between them share a rank.
3. `merge_levels`: contiguous ranks merged into at most `max_bands` bands, choosing the cuts
   that leave the least upward weight (dynamic programming; ties go to evenly sized bands).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

Weights = Mapping[tuple[str, str], int]


def order_minimising_upward(nodes: Iterable[str], weights: Weights) -> list[str]:
    """Order nodes top to bottom so that the total weight of edges b -> a with a above b is small."""
    g = nx.DiGraph()
    g.add_nodes_from(sorted(nodes))
    g.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items() if w > 0 and a != b)
    condensed = nx.condensation(g)
    order: list[str] = []
    for component in nx.lexicographical_topological_sort(
        condensed, key=lambda c: min(condensed.nodes[c]["members"])
    ):
        members = sorted(condensed.nodes[component]["members"])
        order.extend(members if len(members) == 1 else _greedy_fas_order(g.subgraph(members)))
    return _improve_by_moves(order, weights)


def _improve_by_moves(order: list[str], weights: Weights, passes: int = 10) -> list[str]:
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


def group_levels(order: list[str], weights: Weights) -> list[list[str]]:
    """Longest-path levels over the edges that go downward in `order`: nodes with no downward
    path between them share a level, so the contract forbids no more than today's order needs."""
    position = {n: i for i, n in enumerate(order)}
    below: dict[str, list[str]] = {n: [] for n in order}
    for (a, b), w in weights.items():
        if w > 0 and a in position and b in position and position[b] > position[a]:
            below[a].append(b)
    height: dict[str, int] = {}
    for node in reversed(order):
        height[node] = 1 + max((height[b] for b in below[node]), default=-1)
    levels: dict[int, list[str]] = {}
    for node in order:
        levels.setdefault(height[node], []).append(node)
    return [sorted(levels[h]) for h in sorted(levels, reverse=True)]


def upward_weight(bands: Sequence[Sequence[str]], weights: Weights) -> int:
    """Total weight of the edges from a lower band to a higher one."""
    band = {n: i for i, members in enumerate(bands) for n in members}
    return sum(w for (a, b), w in weights.items() if a in band and b in band and band[a] > band[b])


def merge_levels(levels: Sequence[Sequence[str]], weights: Weights, max_bands: int) -> list[list[str]]:
    """Contiguous levels merged into `max_bands` bands (levels kept when there are no more than
    that) with the least upward weight; among equal choices, the most even band sizes."""
    count = len(levels)
    if count <= max_bands:
        return [sorted(level) for level in levels]
    rank = {n: i for i, level in enumerate(levels) for n in level}
    # up[i][j]: weight of edges from level i up into level j (j < i)
    up = [[0] * count for _ in range(count)]
    for (a, b), w in weights.items():
        if a in rank and b in rank and rank[a] > rank[b]:
            up[rank[a]][rank[b]] += w
    # above[i][s]: weight from level i into the levels before s
    above = [[0] * (count + 1) for _ in range(count)]
    for i in range(count):
        for s in range(count):
            above[i][s + 1] = above[i][s] + up[i][s]
    sizes = [len(level) for level in levels]
    inf = (float("inf"), float("inf"))
    # best[k][j]: (upward, sum of squared band sizes) splitting levels [0, j) into k bands
    best: list[list[tuple[float, float]]] = [[inf] * (count + 1) for _ in range(max_bands + 1)]
    cut: list[list[int]] = [[0] * (count + 1) for _ in range(max_bands + 1)]
    best[0][0] = (0, 0)
    for k in range(1, max_bands + 1):
        for i in range(k - 1, count):  # band k holds levels [i, j)
            if best[k - 1][i] == inf:
                continue
            cost = size = 0
            for j in range(i + 1, count - (max_bands - k) + 1):
                cost += above[j - 1][i]
                size += sizes[j - 1]
                candidate = (best[k - 1][i][0] + cost, best[k - 1][i][1] + size * size)
                if candidate < best[k][j]:
                    best[k][j], cut[k][j] = candidate, i
    bands: list[list[str]] = []
    j = count
    for k in range(max_bands, 0, -1):
        i = cut[k][j]
        bands.append(sorted(n for level in levels[i:j] for n in level))
        j = i
    return bands[::-1]
