"""`auditor init` inference on hand-built import graphs: root packages, layer order with the
fewest upward imports, the upward imports listed, surfaces from names, a config that loads."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.config import load_config
from auditor.config.toml_writer import render_table
from auditor.domain import Import, ImportKind, Module
from auditor.graph.model import ImportGraph
from auditor.pipeline.init_project import (
    group_levels,
    guess_surfaces,
    infer_layers,
    order_minimising_upward,
    propose_config,
    root_packages,
)


def make_graph(modules: list[str], edges: list[tuple[str, str]]) -> ImportGraph:
    names = set(modules)
    packages = {m.rsplit(".", 1)[0] for m in names if "." in m}
    mods = [Module(m, m.replace(".", "/") + ".py", m in packages) for m in sorted(names)]
    imports = [Import(a, b, i + 1, ImportKind.TOPLEVEL) for i, (a, b) in enumerate(edges)]
    return ImportGraph(mods, imports)


SHOP = [
    "shop",
    "shop.api",
    "shop.api.views",
    "shop.api.serializers",
    "shop.services",
    "shop.services.orders",
    "shop.domain",
    "shop.domain.models",
    "shop.db",
    "shop.db.session",
    "shop.auth",
    "shop.auth.tokens",
    "tests",
    "tests.test_api",
]


def shop_graph(extra: Sequence[tuple[str, str]] = ()) -> ImportGraph:
    edges = [
        ("shop.api.views", "shop.services.orders"),
        ("shop.api.serializers", "shop.services.orders"),
        ("shop.api.views", "shop.auth.tokens"),
        ("shop.services.orders", "shop.domain.models"),
        ("shop.services.orders", "shop.db.session"),
        ("shop.db.session", "shop.domain.models"),
        ("tests.test_api", "shop.api.views"),
        *extra,
    ]
    return make_graph(SHOP, edges)


def test_root_packages_leave_tests_out() -> None:
    assert root_packages(shop_graph()) == ("shop",)


def test_clean_graph_gives_levels_top_to_bottom_without_upward_imports() -> None:
    inference = infer_layers(shop_graph(), "shop")
    assert inference.levels == [["api"], ["services"], ["db"], ["auth", "domain"]]
    assert inference.upward == []


def test_one_upward_import_is_listed_and_does_not_flip_the_order() -> None:
    inference = infer_layers(shop_graph([("shop.domain.models", "shop.api.serializers")]), "shop")
    assert inference.levels == [["api"], ["services"], ["db"], ["auth", "domain"]]
    (upward,) = inference.upward
    assert (upward.importer_layer, upward.imported_layer, upward.count) == ("domain", "api", 1)
    assert upward.example == ("shop.domain.models", "shop.api.serializers", 8)


def test_cycle_is_broken_at_its_lightest_edge() -> None:
    # a -> b three times, b -> a once: a goes above b, and b -> a is the one upward import
    edges = [("p.a.x", "p.b.y")] * 3 + [("p.b.y", "p.a.x")]
    graph = make_graph(["p", "p.a", "p.a.x", "p.b", "p.b.y"], edges)
    inference = infer_layers(graph, "p")
    assert inference.levels == [["a"], ["b"]]
    assert [(u.importer_layer, u.imported_layer, u.count) for u in inference.upward] == [("b", "a", 1)]


def _upward_weight(order: list[str], weights: Counter[tuple[str, str]]) -> int:
    position = {n: i for i, n in enumerate(order)}
    return sum(w for (a, b), w in weights.items() if position[a] > position[b])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef"), st.integers(1, 5)),
        max_size=14,
    )
)
def test_order_is_near_optimal_on_small_graphs(edges: list[tuple[str, str, int]]) -> None:
    weights: Counter[tuple[str, str]] = Counter()
    for a, b, w in edges:
        if a != b:
            weights[a, b] += w
    nodes = sorted({n for pair in weights for n in pair})
    order = order_minimising_upward(nodes, weights)
    assert sorted(order) == nodes
    best = min((_upward_weight(list(p), weights) for p in itertools.permutations(nodes)), default=0)
    # greedy FAS heuristics are not exact; on these sizes they stay within 2x + 2 of the optimum
    assert _upward_weight(order, weights) <= 2 * best + 2
    if best == 0:  # acyclic: the order is a topological order
        assert _upward_weight(order, weights) == 0


def test_levels_group_nodes_without_a_path_between_them() -> None:
    weights = Counter({("a", "c"): 1, ("b", "c"): 1, ("c", "d"): 1})
    assert group_levels(["a", "b", "c", "d", "e"], weights) == [["a", "b"], ["c"], ["d", "e"]]


def test_surfaces_are_guessed_from_names() -> None:
    surfaces = guess_surfaces(shop_graph().modules)
    assert surfaces == {
        "auth": ["shop.auth", "shop.auth.**"],
        "data_models": ["shop.domain.models"],
        "api_contracts": ["shop.api", "shop.api.**"],
    }


def test_proposal_round_trips_through_toml_and_loads(tmp_path: Path) -> None:
    settings_, inferences = propose_config(shop_graph([("shop.domain.models", "shop.api.views")]), packs=())
    text = render_table("tool.auditor", settings_, ["generated"])
    assert tomllib.loads(text)["tool"]["auditor"]["packages"] == ["shop"]
    assert "# upward: domain -> api (1 imports, e.g. shop.domain.models:8 -> shop.api.views)" in text
    (tmp_path / "pyproject.toml").write_text(text)
    config = load_config(tmp_path)
    (contract,) = config.contracts
    assert contract.options["layers"] == ["api", "services", "db", "auth : domain"]
    assert config.layers["api"] == ("shop.api", "shop.api.**")
    assert len(inferences) == 1 and len(inferences[0].upward) == 1


def test_proposal_with_several_root_packages_prefixes_layer_names() -> None:
    graph = make_graph(["a", "a.x", "a.y", "b", "b.x", "b.y"], [("a.x", "a.y"), ("b.y", "b.x")])
    settings_, _ = propose_config(graph, packs=())
    layers = settings_["layers"]
    assert isinstance(layers, dict) and set(layers) == {"a-x", "a-y", "b-x", "b-y"}


def test_contract_types_accept_the_proposal(tmp_path: Path) -> None:
    from auditor.contracts import validate_contract_types

    settings_, _ = propose_config(shop_graph(), packs=("builtin:layered-web",))
    (tmp_path / "auditor.toml").write_text(render_table("", settings_))
    config = load_config(tmp_path)
    assert validate_contract_types(config) == []
    assert [p.name for p in config.packs] == ["layered-web"]


@pytest.mark.parametrize("package", ["nothing"])
def test_unknown_package_has_no_levels(package: str) -> None:
    assert infer_layers(shop_graph(), package).levels == []
