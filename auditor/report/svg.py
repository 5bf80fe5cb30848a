"""Geometry for the report's inline SVG: bars, trend lines and the layered package graph.

Only numbers and names come out of here; the templates draw the elements (and escape the
names). No chart library: the shapes are simple enough to lay out by hand.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

BAR_WIDTH = 220.0
CHAR_WIDTH = 7.0  # average glyph width of the 12px label font, for node boxes
NODE_HEIGHT = 26.0
ROW_GAP = 64.0
NODE_GAP = 18.0
MAX_GRAPH_NODES = 150
TICK_GAP = 12.0  # least space between two axis labels


@dataclass(frozen=True, slots=True)
class BarRow:
    label: str
    value: float
    text: str
    width: float  # pixels, proportional to the largest value of the chart


def bar_rows(values: Sequence[tuple[str, float, str]]) -> tuple[BarRow, ...]:
    top = max((v for _, v, _ in values), default=0.0)
    return tuple(
        BarRow(label, value, text, round(BAR_WIDTH * value / top, 1) if top > 0 else 0.0)
        for label, value, text in values
    )


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    value: int
    label: str
    note: str  # more about the point (the run's commit), for its tooltip


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str
    title: str  # the tooltip
    anchor: str = "middle"  # SVG text-anchor: the ends of the axis keep their labels inside


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    css_class: str
    points: str  # "x,y x,y ..." for <polyline points>
    dots: tuple[Dot, ...]
    last: int


@dataclass(frozen=True, slots=True)
class LineChart:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[tuple[float, str], ...]


def line_chart(
    series: Mapping[str, Sequence[int]],
    labels: Sequence[str],
    *,
    notes: Sequence[str] = (),
    width: float = 560.0,
    height: float = 200.0,
    class_by_name: bool = False,
) -> LineChart:
    """Series over runs; x is the run index, y starts at zero. `notes[i]` is the tooltip of
    run i's tick and dots."""
    left, right, top, bottom = 40.0, width - 40.0, 12.0, height - 28.0
    n = max(len(labels), 1)
    peak = max((max(v, default=0) for v in series.values()), default=0)
    y_max = _nice_ceiling(max(peak, 1))

    def x_at(i: int) -> float:
        return round(left + (right - left) * (i / (n - 1) if n > 1 else 0.5), 1)

    def y_at(v: int) -> float:
        return round(bottom - (bottom - top) * v / y_max, 1)

    drawn = []
    for index, (name, values) in enumerate(series.items()):
        dots = tuple(Dot(x_at(i), y_at(v), v, _at(labels, i), _at(notes, i)) for i, v in enumerate(values))
        drawn.append(
            Series(
                name=name,
                css_class=f"o-{name}" if class_by_name else f"s{index % 9}",
                points=" ".join(f"{d.x},{d.y}" for d in dots),
                dots=dots,
                last=values[-1] if values else 0,
            )
        )
    x_ticks = _x_ticks([x_at(i) for i in range(len(labels))], labels, notes)
    y_ticks = tuple((y_at(v), str(v)) for v in sorted({0, y_max // 2, y_max}))
    return LineChart(width, height, left, top, right, bottom, tuple(drawn), x_ticks, y_ticks)


def _x_ticks(xs: Sequence[float], labels: Sequence[str], notes: Sequence[str]) -> tuple[Tick, ...]:
    """Labels for the first and the last run (kept inside the axis) and for as many runs in
    between as fit without overlapping."""
    last = len(labels) - 1
    if last < 1:
        return tuple(
            Tick(x, label, _at(notes, i)) for i, (x, label) in enumerate(zip(xs, labels, strict=True))
        )
    ends = {0: "start", last: "end"}
    ticks = [
        Tick(x, label, _at(notes, i), ends.get(i, "middle"))
        for i, (x, label) in enumerate(zip(xs, labels, strict=True))
    ]
    chosen = [ticks[0]]
    for tick in ticks[1:last]:
        lo, hi = _extent(tick)
        if lo >= _extent(chosen[-1])[1] + TICK_GAP and hi + TICK_GAP <= _extent(ticks[last])[0]:
            chosen.append(tick)
    return (*chosen, ticks[last])


def _extent(tick: Tick) -> tuple[float, float]:
    width = CHAR_WIDTH * len(tick.label)
    start = {"start": tick.x, "end": tick.x - width}.get(tick.anchor, tick.x - width / 2)
    return start, start + width


def _at(values: Sequence[str], i: int) -> str:
    return values[i] if i < len(values) else ""


def _nice_ceiling(value: int) -> int:
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


@dataclass(frozen=True, slots=True)
class GraphNode:
    name: str
    x: float
    y: float
    width: float
    layer: str

    @property
    def cx(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True, slots=True)
class GraphEdge:
    importer: str
    imported: str
    path: str  # SVG path data
    violating: bool
    count: int


@dataclass(frozen=True, slots=True)
class GraphLayout:
    width: float
    height: float
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    rows: tuple[tuple[float, str], ...]  # (y, row label): the layer name or the rank
    shown: int
    total: int
    by_layer: bool  # rows are declared layers (else longest-path ranks)


def layered_layout(
    names: Sequence[str],
    edges: Sequence[tuple[str, str, bool, int]],
    *,
    layer_of: Mapping[str, str | None],
    layer_rows: Sequence[Sequence[str]],
    max_nodes: int = MAX_GRAPH_NODES,
) -> GraphLayout:
    """Rows top to bottom: declared layer rows in order (unlayered last), else longest-path ranks.

    Within a row, nodes are ordered by the barycentre of their neighbours (a few sweeps), which
    keeps edge crossings low for the small package graphs this view is for.
    """
    kept = _keep(names, edges, max_nodes)
    kept_edges = [e for e in edges if e[0] in kept and e[1] in kept and e[0] != e[1]]
    by_layer = any(layer_of.get(n) for n in kept)
    if by_layer:
        rank, labels = _layer_ranks(kept, layer_of, layer_rows)
    else:
        rank = _longest_path_ranks(kept, kept_edges)
        labels = {r: f"rank {r}" for r in set(rank.values())}
    rows_of: dict[int, list[str]] = defaultdict(list)
    for n in sorted(kept):
        rows_of[rank[n]].append(n)
    used = sorted(rows_of)
    _order_rows(rows_of, used, kept_edges)
    nodes: dict[str, GraphNode] = {}
    width = 0.0
    for row_index, r in enumerate(used):
        x = 110.0
        y = 16.0 + row_index * ROW_GAP
        for n in rows_of[r]:
            w = max(40.0, CHAR_WIDTH * len(n) + 16.0)
            nodes[n] = GraphNode(n, round(x, 1), y, round(w, 1), layer_of.get(n) or "")
            x += w + NODE_GAP
        width = max(width, x)
    ports = _ports(nodes, kept_edges)
    drawn = tuple(
        _edge(nodes[a], nodes[b], v, c, ports[("out", a, b)], ports[("in", a, b)])
        for a, b, v, c in sorted(kept_edges)
    )
    rows = tuple((16.0 + i * ROW_GAP + NODE_HEIGHT / 2, labels.get(r, str(r))) for i, r in enumerate(used))
    return GraphLayout(
        width=round(max(width, 200.0), 1),
        height=round(16.0 + len(used) * ROW_GAP, 1),
        nodes=tuple(nodes[n] for r in used for n in rows_of[r]),
        edges=drawn,
        rows=rows,
        shown=len(kept),
        total=len(set(names)),
        by_layer=by_layer,
    )


def _keep(names: Sequence[str], edges: Sequence[tuple[str, str, bool, int]], limit: int) -> set[str]:
    everything = set(names) | {e[0] for e in edges} | {e[1] for e in edges}
    if len(everything) <= limit:
        return everything
    degree: dict[str, int] = defaultdict(int)
    must: set[str] = set()
    for a, b, violating, count in edges:
        degree[a] += count
        degree[b] += count
        if violating:
            must.update((a, b))
    ranked = sorted(everything - must, key=lambda n: (-degree[n], n))
    return set(sorted(must)[:limit]) | set(ranked[: max(0, limit - len(must))])


def _layer_ranks(
    nodes: set[str], layer_of: Mapping[str, str | None], layer_rows: Sequence[Sequence[str]]
) -> tuple[dict[str, int], dict[int, str]]:
    """Rows by layer, in the declared order (a row's sibling layers share it); layers missing
    from `layer_rows` follow by name, then the packages in no layer."""
    row_of = {name: i for i, row in enumerate(layer_rows) for name in row}
    present = {layer_of.get(n) or "" for n in nodes} - {""}
    for name in sorted(present - set(row_of)):
        row_of[name] = max(row_of.values(), default=-1) + 1
    bottom = max(row_of.values(), default=-1) + 1
    rank = {n: row_of.get(layer_of.get(n) or "", bottom) for n in nodes}
    in_row: dict[int, list[str]] = defaultdict(list)
    for row in [*layer_rows, *([name] for name in sorted(present))]:
        for name in row:
            if name in present and name not in in_row[row_of[name]]:
                in_row[row_of[name]].append(name)
    labels = {r: ", ".join(names) for r, names in in_row.items()}
    labels[bottom] = "(no layer)"
    return rank, labels


def _longest_path_ranks(nodes: set[str], edges: Sequence[tuple[str, str, bool, int]]) -> dict[str, int]:
    """Importers above what they import; a cycle's members share one rank."""
    g: nx.DiGraph = nx.DiGraph()
    g.add_nodes_from(nodes)
    g.add_edges_from((a, b) for a, b, _, _ in edges)
    dag = nx.condensation(g)
    level: dict[int, int] = {}
    for c in nx.topological_sort(dag):
        preds = list(dag.predecessors(c))
        level[c] = max((level[p] + 1 for p in preds), default=0)
    mapping = dag.graph["mapping"]
    return {n: level[mapping[n]] for n in nodes}


def _order_rows(
    rows: dict[int, list[str]], used: list[int], edges: Sequence[tuple[str, str, bool, int]]
) -> None:
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b, _, _ in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for _ in range(4):
        position = {n: i for r in used for i, n in enumerate(rows[r])}
        for r in used:
            row = rows[r]
            by_centre = functools.partial(_centre, row=row, position=position, neighbours=neighbours)
            rows[r] = sorted(row, key=by_centre)


def _centre(
    n: str, row: list[str], position: Mapping[str, int], neighbours: Mapping[str, list[str]]
) -> tuple[float, str]:
    """Barycentre of a node's neighbours in other rows (its own index when it has none)."""
    linked = [position[m] for m in neighbours[n] if m in position and m not in row]
    return (sum(linked) / len(linked) if linked else float(row.index(n)), n)


def _ports(
    nodes: Mapping[str, GraphNode], edges: Sequence[tuple[str, str, bool, int]]
) -> dict[tuple[str, str, str], float]:
    """Spread each node's outgoing and incoming edges along its box, ordered by the other end's x."""
    ends: dict[tuple[str, str], list[tuple[float, str, str]]] = defaultdict(list)
    for a, b, _, _ in edges:
        ends[("out", a)].append((nodes[b].cx, a, b))
        ends[("in", b)].append((nodes[a].cx, a, b))
    ports: dict[tuple[str, str, str], float] = {}
    for (side, name), items in ends.items():
        node = nodes[name]
        items.sort()
        for i, (_, a, b) in enumerate(items):
            share = (i + 1) / (len(items) + 1)
            ports[(side, a, b)] = round(node.x + node.width * (0.2 + 0.6 * share), 1)
    return ports


def _edge(a: GraphNode, b: GraphNode, violating: bool, count: int, x1: float, x2: float) -> GraphEdge:
    if a.y == b.y:  # same row: arc above
        y = a.y
        d = f"M{x1},{y} C{x1},{y - 30} {x2},{y - 30} {x2},{y}"
    else:
        downward = a.y < b.y  # the expected direction: importer above what it imports
        y1 = a.y + NODE_HEIGHT if downward else a.y
        y2 = b.y if downward else b.y + NODE_HEIGHT
        mid = round((y1 + y2) / 2, 1)
        d = f"M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}"
    return GraphEdge(a.name, b.name, d, violating, count)
