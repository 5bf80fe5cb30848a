"""The report's architecture section: cycles as real import paths, rows in declared layer order."""

from __future__ import annotations

import dataclasses
import json

from contracts_graphs import config, make_graph, spec
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.domain.findings import ChainHop
from auditor.domain.run import RunInfo, RunResult
from auditor.domain.run_views import ModuleMetrics, PackageEdge
from auditor.pipeline.metrics import import_cycles, layer_rows, package_view
from auditor.report import render
from auditor.report.html import render_html
from auditor.report.html_view import build_view

# a imports c, c imports b, b imports a: alphabetical order (a, b, c) is not an import path
THREE_CYCLE = ("shop.a -> shop.c @3", "shop.c -> shop.b @5", "shop.b -> shop.a @7", "shop.x -> shop.a @1")
RING = (ChainHop("shop.a", "shop.c", 3), ChainHop("shop.c", "shop.b", 5), ChainHop("shop.b", "shop.a", 7))


def _assert_closed_import_path(graph, cycle: tuple[ChainHop, ...]) -> None:
    edges = graph.edge_pairs()
    assert cycle, "an empty cycle"
    for hop, following in zip(cycle, cycle[1:] + cycle[:1], strict=True):
        assert (hop.importer, hop.imported) in edges, f"{hop.importer} does not import {hop.imported}"
        assert hop.imported == following.importer, "the hops do not join up"
        lines = {i.line for i in graph.imports_between(hop.importer, hop.imported)}
        assert hop.line == min(lines)


def test_a_cycle_is_the_import_path_in_order_not_its_sorted_members() -> None:
    graph = make_graph(*THREE_CYCLE)
    metrics, _, cycles = package_view(graph, [], {}, depth=2)
    assert cycles == (RING,)
    _assert_closed_import_path(graph, cycles[0])
    assert {m.name: m.in_cycle for m in metrics} == {"shop": False, "shop.a": True, "shop.b": True,
                                                      "shop.c": True, "shop.x": False}  # fmt: skip


def test_a_self_import_is_a_cycle_of_one_hop() -> None:
    graph = make_graph("pkg.a -> pkg.a @2")
    assert package_view(graph, [], {})[2] == ((ChainHop("pkg.a", "pkg.a", 2),),)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(1, 50)), max_size=30))
def test_cycles_are_import_paths_that_pass_through_every_module_of_each_cycle(edges) -> None:
    graph = make_graph(*(f"m.n{a} -> m.n{b} @{line}" for a, b, line in edges))
    components = graph.strongly_connected_components()
    cycles = [c for comp in components for c in import_cycles(graph, comp)]
    for cycle in cycles:
        _assert_closed_import_path(graph, cycle)
    on_cycles = {hop.importer for c in cycles for hop in c}
    assert on_cycles == {m for comp in components for m in comp}


def _result(**kw: object) -> RunResult:
    return RunResult(info=RunInfo(tool_version="0.1.0", root="shop"), **kw)  # type: ignore[arg-type]


def test_cycles_show_as_import_paths_with_lines_in_html_and_json() -> None:
    result = _result(
        modules=(ModuleMetrics("shop.a", 1, 1, in_cycle=True),),
        package_edges=(PackageEdge("shop.a", "shop.c", 1),),
        cycles=(RING,),
    )
    (shown,) = build_view(result).architecture.cycles
    assert [(s.importer, s.imported, s.line) for s in shown] == [
        (h.importer, h.imported, h.line) for h in RING
    ]
    html = render_html(result)
    item = html.split('<ul class="cycles">', 1)[1].split("</ul>", 1)[0]
    text = " ".join(_strip_tags(item).split())
    assert text == "shop.a line 3 → shop.c line 5 → shop.b line 7 → shop.a"
    report = json.loads(render(result, "json"))
    assert report["cycles"] == [
        [
            {"importer": "shop.a", "imported": "shop.c", "line": 3},
            {"importer": "shop.c", "imported": "shop.b", "line": 5},
            {"importer": "shop.b", "imported": "shop.a", "line": 7},
        ]
    ]
    from auditor.report.writers.jsonreport import read_json_report

    assert read_json_report(render(result, "json")).cycles == (RING,)


def _strip_tags(markup: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", markup)


# ---- layer rows ------------------------------------------------------------------------------

TABLE = {
    "domain": ("shop.domain.**",),
    "extra": ("shop.extra.**",),  # in no layers contract: after the ordered layers
    "data": ("shop.db.**",),
    "clients": ("shop.clients.**",),
    "auth": ("shop.auth.**",),
    "api": ("shop.api.**",),
    "services": ("shop.services.**",),
}


def test_layer_rows_follow_the_layers_contract_then_the_unordered_layers() -> None:
    layered = spec("layers", "layered", layers=["api", "services", "auth : clients", "(data)", "domain"])
    other = spec("forbidden", "f", source_modules=["api"], forbidden_modules=["shop.db"])
    cfg = config(other, layered, layers=TABLE)
    assert layer_rows(cfg.layers, cfg.contracts) == (
        ("api",),
        ("services",),
        ("auth", "clients"),
        ("data",),
        ("domain",),
        ("extra",),
    )


def test_layer_rows_merge_several_contracts_and_skip_container_layers() -> None:
    first = spec("layers", "l1", layers=["api", "domain"])
    contained = spec("layers", "l2", layers=["views", "models"], containers=["shop.apps.*"])
    # services and auth sit above domain, data below it; clients has a contract of its own
    second = spec("layers", "l3", layers=["services | auth", "domain", "data"])
    third = spec("layers", "l4", layers=["clients", "shop.vendor"])
    cfg = config(first, contained, second, third, layers=TABLE)
    assert layer_rows(cfg.layers, cfg.contracts) == (
        ("api",),
        ("services", "auth"),
        ("domain",),
        ("data",),
        ("clients",),
        ("extra",),
    )


def test_architecture_rows_are_the_declared_layers_top_to_bottom() -> None:
    layer_of = {
        "shop.api": "api",
        "shop.services": "services",
        "shop.auth": "auth",
        "shop.clients": "clients",
        "shop.db": "data",
        "shop.domain": "domain",
        "shop.extra": "extra",
        "shop": None,
    }
    # the imports alone would put data above services and domain above clients
    edges = (
        PackageEdge("shop.api", "shop.services", 2),
        PackageEdge("shop.db", "shop.services", 1, violating=True),
        PackageEdge("shop.db", "shop.api", 1, violating=True),
        PackageEdge("shop.domain", "shop.clients", 1, violating=True),
        PackageEdge("shop.auth", "shop.clients", 1),
    )
    result = _result(
        modules=tuple(ModuleMetrics(n, 0, 0, layer=layer) for n, layer in layer_of.items()),
        package_edges=edges,
        layers=dict(TABLE),
        layer_rows=(("api",), ("services",), ("auth", "clients"), ("data",), ("domain",), ("extra",)),
    )
    graph = build_view(result).architecture.graph
    assert [label for _, label in graph.rows] == [
        "api",
        "services",
        "auth, clients",
        "data",
        "domain",
        "extra",
        "(no layer)",
    ]
    y = {n.name: n.y for n in graph.nodes}
    assert y["shop.api"] < y["shop.services"] < y["shop.auth"] == y["shop.clients"] < y["shop.db"]
    assert y["shop.db"] < y["shop.domain"] < y["shop.extra"] < y["shop"]


def test_without_declared_rows_the_layer_table_order_is_used() -> None:
    result = _result(
        modules=(ModuleMetrics("p.low", 0, 1, layer="low"), ModuleMetrics("p.high", 1, 0, layer="high")),
        package_edges=(PackageEdge("p.low", "p.high", 1),),
        layers={"high": ("p.high",), "low": ("p.low",)},
    )
    graph = build_view(dataclasses.replace(result)).architecture.graph
    assert [label for _, label in graph.rows] == ["high", "low"]
