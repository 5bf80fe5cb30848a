"""`auditor init` inference on hand-built import graphs: units at sub-package granularity, a
handful of bands with the fewest upward imports, names from the modules and from the security
pack's layer roles, the upward imports counted as the contract counts them."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pathspec
import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.config import load_config
from auditor.config.toml_writer import render_table
from auditor.domain import AnalysisError, Finding, Import, ImportKind, Module
from auditor.graph.model import ImportGraph
from auditor.support.resources import rules_dir
from auditor.usecases.init.layers import (
    MAX_BANDS,
    ROLE_WORDS,
    LayerPlan,
    find_units,
    generic_name,
    infer_layer_plan,
    node_weights,
    role_of,
)
from auditor.usecases.init.order import group_levels, merge_levels, order_minimising_upward, upward_weight
from auditor.usecases.init.project import (
    contract_findings,
    exclude_pattern,
    guess_surfaces,
    propose_config,
    root_packages,
)


def make_graph(
    modules: Sequence[str], edges: Sequence[tuple[str, str]], kinds: Sequence[ImportKind] = ()
) -> ImportGraph:
    names = set(modules)
    packages = {m.rsplit(".", 1)[0] for m in names if "." in m}
    mods = [Module(m, m.replace(".", "/") + ".py", m in packages) for m in sorted(names)]
    imports = [
        Import(a, b, i + 1, kinds[i] if i < len(kinds) else ImportKind.TOPLEVEL)
        for i, (a, b) in enumerate(edges)
    ]
    return ImportGraph(mods, imports)


SHOP = [
    "shop",
    "shop.api",
    "shop.api.views",
    "shop.api.serializers",
    "shop.services",
    "shop.services.orders",
    "shop.domain",
    "shop.domain.entities",
    "shop.db",
    "shop.db.session",
    "shop.auth",
    "shop.auth.tokens",
    "tests",
    "tests.test_api",
]
SHOP_EDGES = [
    ("shop.api.views", "shop.services.orders"),
    ("shop.api.serializers", "shop.services.orders"),
    ("shop.api.views", "shop.auth.tokens"),
    ("shop.services.orders", "shop.domain.entities"),
    ("shop.services.orders", "shop.db.session"),
    ("shop.db.session", "shop.domain.entities"),
    ("tests.test_api", "shop.api.views"),
]


def upward_findings(graph: ImportGraph, plan: LayerPlan | None) -> list[Finding]:
    """The generated contract's violations (the shop graph's tests/ module is in no layer)."""
    assert plan is not None
    return [f for f in contract_findings(graph, plan, "c") if f.imported]


def shop_graph(extra: Sequence[tuple[str, str]] = ()) -> ImportGraph:
    return make_graph(SHOP, [*SHOP_EDGES, *extra])


def test_root_packages_leave_tests_out() -> None:
    assert root_packages(shop_graph()) == ("shop",)


def test_units_are_the_sub_packages_of_the_root_package() -> None:
    units, left_out = find_units(shop_graph(), ["shop"])
    assert [(u.module, u.has_children, u.size) for u in units] == [
        ("shop.api", True, 3),
        ("shop.auth", True, 2),
        ("shop.db", True, 2),
        ("shop.domain", True, 2),
        ("shop.services", True, 2),
    ]
    assert left_out == []
    assert units[0].patterns == ["shop.api", "shop.api.**"]


def test_units_descend_through_a_lone_sub_package() -> None:
    graph = make_graph(["corp", "corp.shop", "corp.shop.api", "corp.shop.db", "corp.shop.cli"], [])
    units, _ = find_units(graph, ["corp"])
    assert [u.module for u in units] == ["corp.shop.api", "corp.shop.cli", "corp.shop.db"]
    assert units[1].patterns == ["corp.shop.cli"]


def test_clashing_short_names_use_the_full_module_name() -> None:
    graph = make_graph(["a", "a.filters", "a.core", "b", "b.filters"], [])
    units, _ = find_units(graph, ["a", "b"])
    assert [u.name for u in units] == ["core", "a_filters", "b_filters"]


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("db", "data"),
        ("database", "data"),
        ("models", "data"),
        ("repositories", "data"),
        ("repository", "data"),
        ("dao", "data"),
        ("orm", "data"),
        ("api", "api"),
        ("views", "api"),
        ("routes", "api"),
        ("endpoints", "api"),
        ("handlers", "api"),
        ("web", "api"),
        ("clients", "clients"),
        ("integrations", "clients"),
        ("adapters", "clients"),
        ("gateways", "clients"),
        ("settings", "config"),
        ("config", "config"),
        ("conf", "config"),
        ("shell", "processes"),
        ("services", None),
        ("_config", None),
    ],
)
def test_module_names_map_to_the_pack_layer_roles(name: str, role: str | None) -> None:
    assert role_of(name) == role


def test_every_boundary_layer_of_the_security_pack_is_a_role_init_can_declare() -> None:
    pack = tomllib.loads((rules_dir() / "python-security.toml").read_text())
    boundary_layers = {n for entry in pack["semgrep"] for n in entry.get("except_layers", [])}
    assert boundary_layers and boundary_layers <= set(ROLE_WORDS)
    assert "layers" not in pack  # the pack declares none: init's roles are what turns them on


def test_clean_graph_gives_bands_top_to_bottom_with_role_names() -> None:
    plan = infer_layer_plan(shop_graph(), ["shop"])
    assert plan is not None
    assert plan.levels == ["api", "services", "data", "auth-domain"]
    assert plan.table == {
        "api": ["shop.api", "shop.api.**"],
        "services": ["shop.services", "shop.services.**"],
        "data": ["shop.db", "shop.db.**"],
        "auth-domain": ["shop.auth", "shop.auth.**", "shop.domain", "shop.domain.**"],
    }
    assert plan.layer_of("shop.db.session") == "data" and plan.layer_of("shop") is None


def test_units_of_one_role_share_a_layer() -> None:
    graph = make_graph(
        ["app", "app.web", "app.models", "app.db", "app.core"],
        [("app.web", "app.core"), ("app.core", "app.db"), ("app.db", "app.models")],
    )
    plan = infer_layer_plan(graph, ["app"])
    assert plan is not None
    assert plan.levels == ["api", "core", "data"]
    assert plan.table["data"] == ["app.db", "app.models"]


def test_one_upward_import_is_counted_and_does_not_flip_the_order() -> None:
    graph = shop_graph([("shop.domain.entities", "shop.api.serializers")])
    plan = infer_layer_plan(graph, ["shop"])
    assert plan is not None and plan.levels == ["api", "services", "data", "auth-domain"]
    (finding,) = upward_findings(graph, plan)
    assert (finding.importer, finding.imported, finding.line) == (
        "shop.domain.entities",
        "shop.api.serializers",
        8,
    )


def test_cycle_is_broken_at_its_lightest_edge() -> None:
    # a -> b three times, b -> a once: a goes above b, and b -> a is the one upward import
    edges = [("p.a.x", "p.b.y")] * 3 + [("p.b.y", "p.a.x")]
    graph = make_graph(["p", "p.a", "p.a.x", "p.b", "p.b.y"], edges)
    plan = infer_layer_plan(graph, ["p"])
    assert plan is not None and plan.levels == ["a", "b"]
    assert [(f.importer, f.imported) for f in upward_findings(graph, plan)] == [("p.b.y", "p.a.x")]


def test_import_of_the_root_package_weighs_as_imports_of_what_it_imports() -> None:
    # `from shop import x` in domain: shop/__init__ imports api, so the contract sees domain -> api
    graph = shop_graph([("shop", "shop.api.views"), ("shop.domain.entities", "shop")])
    units, _ = find_units(graph, ["shop"])
    weights = node_weights(graph, units)
    assert weights["shop.domain", "role:api"] == 1
    plan = infer_layer_plan(graph, ["shop"])
    assert plan is not None
    (finding,) = upward_findings(graph, plan)
    assert (finding.importer, finding.imported) == ("shop.domain.entities", "shop.api.views")
    assert [h.imported for h in finding.chain] == ["shop", "shop.api.views"]


def test_a_long_chain_is_merged_into_at_most_seven_bands_without_upward_imports() -> None:
    names = [f"p.m{i:02d}" for i in range(20)]
    graph = make_graph(["p", *names], list(itertools.pairwise(names)))
    plan = infer_layer_plan(graph, ["p"])
    assert plan is not None and len(plan.bands) == MAX_BANDS
    order = [u.module for layer in plan.layers for u in layer.units]
    assert order == names  # bands are contiguous runs of the chain, top first
    assert upward_findings(graph, plan) == []


def test_a_tangled_package_still_gets_three_to_seven_bands() -> None:
    names = [f"p.m{i:02d}" for i in range(40)]
    edges = [
        (names[i], names[j]) for i in range(40) for j in (i + 1, i + 3, (i * 7) % 40) if j < 40 and j != i
    ]
    edges += [(names[i], names[i - 5]) for i in range(5, 40, 6)]  # some imports back up
    plan = infer_layer_plan(make_graph(["p", *names], edges), ["p"])
    assert plan is not None and 3 <= len(plan.bands) <= MAX_BANDS


def test_star_with_nothing_below_gives_two_bands_and_a_single_unit_none() -> None:
    graph = make_graph(["p", "p.main", "p.a", "p.b"], [("p.main", "p.a"), ("p.main", "p.b")])
    plan = infer_layer_plan(graph, ["p"])
    assert plan is not None and plan.levels == ["main", "a-b"]
    assert infer_layer_plan(make_graph(["p", "p.only"], []), ["p"]) is None


def test_generic_names_prefer_big_public_units_and_avoid_role_names() -> None:
    graph = make_graph(["p", "p.data", "p.data.x", "p.data.y", "p.cli"], [("p.cli", "p.data.x")])
    plan = infer_layer_plan(graph, ["p"])
    assert plan is not None and plan.levels == ["cli", "data-modules"]  # `data` is the pack's role
    units, _ = find_units(make_graph(["p", "p._a", "p.b", "p.c", "p.c.x"], []), ["p"])
    assert generic_name(units) == "c-b-etc"


def _upward_weight(order: list[str], weights: Counter[tuple[str, str]]) -> int:
    position = {n: i for i, n in enumerate(order)}
    return sum(w for (a, b), w in weights.items() if position[a] > position[b])


WEIGHTED_EDGES = st.lists(
    st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef"), st.integers(1, 5)), max_size=14
)


def _weights(edges: list[tuple[str, str, int]]) -> Counter[tuple[str, str]]:
    weights: Counter[tuple[str, str]] = Counter()
    for a, b, w in edges:
        if a != b:
            weights[a, b] += w
    return weights


@settings(max_examples=60, deadline=None)
@given(WEIGHTED_EDGES)
def test_order_is_near_optimal_on_small_graphs(edges: list[tuple[str, str, int]]) -> None:
    weights = _weights(edges)
    nodes = sorted({n for pair in weights for n in pair})
    order = order_minimising_upward(nodes, weights)
    assert sorted(order) == nodes
    best = min((_upward_weight(list(p), weights) for p in itertools.permutations(nodes)), default=0)
    # greedy FAS heuristics are not exact; on these sizes they stay within 2x + 2 of the optimum
    assert _upward_weight(order, weights) <= 2 * best + 2
    if best == 0:  # acyclic: the order is a topological order
        assert _upward_weight(order, weights) == 0


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(1, 4)).filter(lambda e: e[0] != e[1]),
        max_size=20,
    ),
    st.integers(1, 4),
)
def test_merging_levels_finds_the_cuts_with_least_upward_weight(
    edges: list[tuple[int, int, int]], bands: int
) -> None:
    levels = [[f"n{i}"] for i in range(10)]
    weights: Counter[tuple[str, str]] = Counter()
    for a, b, w in edges:
        weights[f"n{a}", f"n{b}"] += w
    merged = merge_levels(levels, weights, bands)
    assert len(merged) == bands
    assert [n for band in merged for n in sorted(band, key=lambda x: int(x[1:]))] == [
        f"n{i}" for i in range(10)
    ]
    best = min(
        upward_weight(
            [[n for level in levels[i:j] for n in level] for i, j in itertools.pairwise((0, *cuts, 10))],
            weights,
        )
        for cuts in itertools.combinations(range(1, 10), bands - 1)
    )
    assert upward_weight(merged, weights) == best


def test_levels_group_nodes_without_a_path_between_them() -> None:
    weights = Counter({("a", "c"): 1, ("b", "c"): 1, ("c", "d"): 1})
    assert group_levels(["a", "b", "c", "d", "e"], weights) == [["a", "b"], ["c"], ["d", "e"]]


def test_surfaces_are_guessed_from_names() -> None:
    surfaces = guess_surfaces(shop_graph().modules)
    assert surfaces == {
        "auth": ["shop.auth", "shop.auth.**"],
        "data_models": ["shop.domain.entities"],
        "api_contracts": ["shop.api", "shop.api.**"],
    }
    assert guess_surfaces(["app", "models", "auth"], flat=True) == {
        "auth": ["auth"],
        "data_models": ["models"],
    }


def test_proposal_round_trips_through_toml_and_loads(tmp_path: Path) -> None:
    graph = shop_graph([("shop.domain.entities", "shop.api.views")])
    proposal = propose_config(graph, packs=())
    text = render_table("tool.auditor", proposal.settings, ["generated"])
    assert tomllib.loads(text)["tool"]["auditor"]["packages"] == ["shop"]
    assert "# 1 upward imports, counting every import kind but type_checking, as this contract does." in text
    assert "# upward: auth-domain -> api (1 imports, e.g. shop.domain.entities:8 -> shop.api.views)" in text
    (tmp_path / "pyproject.toml").write_text(text)
    config = load_config(tmp_path)
    (contract,) = config.contracts
    assert contract.id == "shop-layers" and contract.ignore_kinds == ("type_checking",)
    assert contract.options["layers"] == ["api", "services", "data", "auth-domain"]
    assert config.layers["data"] == ("shop.db", "shop.db.**")
    assert proposal.upward_total == 1


def test_comments_count_only_the_kinds_the_contract_counts() -> None:
    kinds = [ImportKind.TOPLEVEL] * (len(SHOP_EDGES) + 1) + [ImportKind.TYPE_CHECKING, ImportKind.FUNCTION]
    extra = [
        ("shop.services.orders", "shop.db.session"),
        ("shop.domain.entities", "shop.api.views"),
        ("shop.db.session", "shop.services.orders"),
    ]
    graph = make_graph(SHOP, [*SHOP_EDGES, *extra], kinds)
    proposal = propose_config(graph, packs=())
    assert proposal.upward_total == 1  # the function-level import; the TYPE_CHECKING one is not counted
    (upward,) = proposal.upward
    assert (upward.importer_layer, upward.imported_layer) == ("data", "services")


def test_several_root_packages_share_one_contract() -> None:
    graph = make_graph(
        ["a", "a.x", "a.y", "b", "b.x", "b.z"], [("b.z", "a.x"), ("a.x", "a.y"), ("b.x", "b.z")]
    )
    proposal = propose_config(graph, packs=())
    assert proposal.plan is not None and proposal.contract_id == "layers"
    assert proposal.plan.levels == ["b_x", "z", "a_x", "y"]


def test_unanalysable_files_are_excluded_with_their_reason() -> None:
    graph = shop_graph()
    graph.errors = [AnalysisError("shop/templates/app[1].py", "syntax error at line 1")]
    proposal = propose_config(graph, packs=())
    text = render_table("", proposal.settings)
    assert "# shop/templates/app[1].py: syntax error at line 1" in text
    (pattern,) = tomllib.loads(text)["exclude"]
    spec = pathspec.GitIgnoreSpec.from_lines([pattern])
    assert spec.match_file("shop/templates/app[1].py") and not spec.match_file("shop/templates/app1.py")


@pytest.mark.parametrize("path", ["a/*.py", "!x.py", "#y.py", "sp ace .py", "back\\slash.py", "new\nline.py"])
def test_exclude_patterns_match_exactly_their_path(path: str) -> None:
    pattern = exclude_pattern(path)
    assert "\n" not in pattern
    spec = pathspec.GitIgnoreSpec.from_lines([pattern])
    assert spec.match_file(path) and not spec.match_file("a/b.py") and not spec.match_file("other/" + path)


def test_contract_types_accept_the_proposal(tmp_path: Path) -> None:
    from auditor.contracts import validate_contract_types

    proposal = propose_config(shop_graph(), packs=("builtin:layered-web",))
    (tmp_path / "auditor.toml").write_text(render_table("", proposal.settings))
    config = load_config(tmp_path)
    assert validate_contract_types(config) == []
    assert [p.name for p in config.packs] == ["layered-web"]
