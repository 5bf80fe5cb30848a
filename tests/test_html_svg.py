"""Geometry of the report's inline SVG: layered graph layout, trend lines, bars."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from auditor.report.svg import _extent, _nice_ceiling, bar_rows, layered_layout, line_chart


def _y(layout, name: str) -> float:
    return next(n.y for n in layout.nodes if n.name == name)


def test_layer_rows_follow_the_declared_order_not_the_imports() -> None:
    edges = [
        ("shop.api", "shop.services", False, 3),
        ("shop.db", "shop.services", True, 1),  # would pull data above services
        ("shop.db", "shop.api", True, 1),
        ("shop.domain", "shop.db", True, 2),  # would pull domain above data
    ]
    layer_of = {
        "shop.api": "api",
        "shop.services": "services",
        "shop.db": "data",
        "shop.domain": "domain",
        "x": None,
    }
    layout = layered_layout(
        [*layer_of], edges, layer_of=layer_of, layer_rows=[("api",), ("services",), ("data",), ("domain",)]
    )
    assert layout.by_layer
    order = [_y(layout, n) for n in ("shop.api", "shop.services", "shop.db", "shop.domain", "x")]
    assert order == sorted(order) and len(set(order)) == 5
    assert [label for _, label in layout.rows] == ["api", "services", "data", "domain", "(no layer)"]
    violating = [e for e in layout.edges if e.violating]
    assert [(e.importer, e.imported) for e in violating] == [
        ("shop.db", "shop.api"),
        ("shop.db", "shop.services"),
        ("shop.domain", "shop.db"),
    ]


def test_layers_missing_from_the_rows_come_after_them_by_name() -> None:
    layer_of = {"a": "api", "z": "zeta", "b": "beta", "n": None}
    layout = layered_layout(list(layer_of), [], layer_of=layer_of, layer_rows=[("api",)])
    assert [label for _, label in layout.rows] == ["api", "beta", "zeta", "(no layer)"]


def test_siblings_share_a_row() -> None:
    layer_of = {"a": "api", "b": "auth", "c": "clients", "d": "data"}
    edges = [("a", "b", False, 1), ("a", "c", False, 1), ("b", "d", False, 1), ("c", "d", False, 1)]
    layout = layered_layout(
        list(layer_of), edges, layer_of=layer_of, layer_rows=[("api",), ("auth", "clients"), ("data",)]
    )
    assert _y(layout, "b") == _y(layout, "c")
    assert [label for _, label in layout.rows] == ["api", "auth, clients", "data"]
    b, c = (next(n for n in layout.nodes if n.name == k) for k in "bc")
    assert b.x + b.width <= c.x or c.x + c.width <= b.x  # no overlap in a row


def test_longest_path_ranks_without_layers_and_cycles_share_a_rank() -> None:
    edges = [
        ("a", "b", False, 1),
        ("b", "c", False, 1),
        ("c", "b", False, 1),
        ("a", "d", False, 1),
        ("d", "e", False, 1),
    ]
    layout = layered_layout(list("abcde"), edges, layer_of={}, layer_rows=[])
    assert not layout.by_layer
    assert _y(layout, "a") < _y(layout, "b") == _y(layout, "c")
    assert _y(layout, "d") < _y(layout, "e")
    assert layout.shown == layout.total == 5


def test_big_graphs_keep_every_violating_edge() -> None:
    names = [f"p{i:03d}" for i in range(400)]
    edges = [(names[i], names[(i * 7 + 1) % 400], False, i % 5 + 1) for i in range(400)]
    edges.append(("p399", "p398", True, 1))
    layout = layered_layout(names, edges, layer_of={}, layer_rows=[], max_nodes=50)
    assert layout.shown == 50 and layout.total == 400
    kept = {n.name for n in layout.nodes}
    assert {"p399", "p398"} <= kept
    assert all(e.importer in kept and e.imported in kept for e in layout.edges)


def test_line_chart_maps_values_into_the_plot() -> None:
    chart = line_chart({"ai": [0, 5, 10], "human": [2, 2, 2]}, ["r1", "r2", "r3"], class_by_name=True)
    ai = chart.series[0]
    assert ai.css_class == "o-ai" and ai.last == 10
    assert [d.y for d in ai.dots] == [chart.bottom, (chart.bottom + chart.top) / 2, chart.top]
    assert [d.x for d in ai.dots] == [chart.left, (chart.left + chart.right) / 2, chart.right]
    assert [label for _, label in chart.y_ticks] == ["0", "5", "10"]


@given(st.integers(min_value=2, max_value=60), st.integers(min_value=1, max_value=20))
def test_axis_labels_never_overlap_and_always_name_the_first_and_last_run(runs: int, chars: int) -> None:
    labels = [f"{i:0{chars}d}" for i in range(runs)]
    chart = line_chart({"ai": list(range(runs))}, labels, notes=[f"commit {i}" for i in range(runs)])
    ticks = chart.x_ticks
    assert (ticks[0].label, ticks[-1].label) == (labels[0], labels[-1])
    assert (ticks[0].anchor, ticks[-1].anchor) == ("start", "end")
    assert all(t.title == f"commit {labels.index(t.label)}" for t in ticks)
    spans = [_extent(t) for t in ticks]
    assert spans[0][0] >= chart.left and spans[-1][1] <= chart.right
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


@given(st.integers(min_value=1, max_value=10**9))
def test_nice_ceiling_is_a_round_upper_bound(value: int) -> None:
    top = _nice_ceiling(value)
    assert value <= top <= value * 10
    assert str(top).rstrip("0") in ("1", "2", "5")


def test_bars_are_proportional_and_empty_charts_are_flat() -> None:
    rows = bar_rows([("ai", 10.0, "10"), ("human", 5.0, "5"), ("mixed", 0.0, "0")])
    assert [r.width for r in rows] == [220.0, 110.0, 0.0]
    assert [r.width for r in bar_rows([("ai", 0.0, "0")])] == [0.0]
