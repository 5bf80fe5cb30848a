import pytest
from contracts_graphs import make_graph, pairs, spec

from auditor.contracts.layers import LayersContract, parse_level
from auditor.contracts.registry import build_contract
from auditor.domain import ChainHop, ConfigError

LAYERS = {"api": ("shop.api",), "services": ("shop.services",), "domain": ("shop.domain",)}


def layers(graph, *levels, table=LAYERS, **options):
    return build_contract(spec("layers", layers=list(levels), **options), table).check(graph)


def test_lower_layer_importing_higher_is_a_violation_with_line_and_reason():
    g = make_graph("shop.domain.models -> shop.api.views @7", "shop.api.views -> shop.domain.models @3")
    result = layers(g, "api", "services", "domain")
    assert not result.kept
    [v] = result.violations
    assert (v.importer, v.imported, v.line, v.kind) == ("shop.domain.models", "shop.api.views", 7, "toplevel")
    assert v.reason == "layer 'domain' may not import layer 'api'"
    assert v.direct


def test_downward_imports_keep_the_contract():
    g = make_graph("shop.api.views -> shop.services.orders", "shop.services.orders -> shop.domain.models")
    assert layers(g, "api", "services", "domain").kept


def test_indirect_chain_through_unlayered_module_counts_unless_allowed():
    g = make_graph(
        "shop.domain.models -> shop.utils.helpers @4",
        "shop.utils.helpers -> shop.utils.web @9",
        "shop.utils.web -> shop.api.views @2",
    )
    result = layers(g, "api", "domain")
    [v] = result.violations
    assert v.imported == "shop.api.views" and v.line == 4
    assert v.chain == (
        ChainHop("shop.domain.models", "shop.utils.helpers", 4),
        ChainHop("shop.utils.helpers", "shop.utils.web", 9),
        ChainHop("shop.utils.web", "shop.api.views", 2),
    )
    assert layers(g, "api", "domain", allow_indirect_imports=True).kept


def test_chain_through_another_layer_is_reported_only_at_its_own_pair():
    # services -> data is legal; data -> api is the violation; services -> api is not a route
    g = make_graph("shop.services.b -> shop.data.d", "shop.data.d -> shop.api.c")
    result = layers(g, "api", "services", "domain", "shop.data")
    assert pairs(result) == {("shop.data.d", "shop.api.c")}


def test_layer_names_and_module_patterns_mix_and_patterns_cover_descendants():
    g = make_graph("shop.domain.x.y -> shop.api.v", "shop.infra.db -> shop.api.v")
    result = layers(g, "api", "domain", "shop.infra")
    assert pairs(result) == {("shop.domain.x.y", "shop.api.v"), ("shop.infra.db", "shop.api.v")}


def test_uncovered_modules_are_those_in_no_layer():
    g = make_graph("shop.api.v -> shop.domain.m", "shop.misc -> shop.domain.m")
    result = layers(g, "api", "domain")
    assert result.uncovered == ("shop.misc",)  # the root package merely contains the layers


def test_containers_repeat_the_layering_inside_each_package():
    g = make_graph(
        "app.orders.domain -> app.orders.views @5",
        "app.billing.views -> app.billing.domain",
        "app.billing.domain -> app.orders.views",  # across containers: not this contract's business
    )
    result = layers(g, "views", "domain", table={}, containers=["app.orders", "app.billing"])
    assert pairs(result) == {("app.orders.domain", "app.orders.views")}
    assert "layer 'app.orders.domain' may not import layer 'app.orders.views'" in result.violations[0].reason


def test_independent_siblings_may_not_import_each_other_but_non_independent_may():
    g = make_graph("shop.a -> shop.b @3", "shop.c -> shop.d")
    assert pairs(layers(g, "shop.a | shop.b", table={})) == {("shop.a", "shop.b")}
    assert layers(g, "shop.c : shop.d", table={}).kept


def test_optional_layers_may_match_nothing_others_are_reported_unmatched():
    g = make_graph("shop.api.v -> shop.domain.m")
    result = layers(g, "api", "(shop.ghost)", "shop.missing", "domain")
    assert result.kept
    assert result.unmatched == ("shop.missing",)


def test_exhaustive_containers_flag_unlisted_children():
    g = make_graph("app.views -> app.domain", modules=["app.extra"])
    result = layers(g, "views", "domain", table={}, containers=["app"], exhaustive=True)
    assert not result.kept
    assert result.unlisted == ("app.extra",)


def test_parse_level_syntax():
    assert parse_level("a | b").independent
    assert not parse_level("a : b").independent
    assert parse_level("(a)").optional
    with pytest.raises(ValueError):
        parse_level("a | b : c")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"layers": ["api"], "colour": "red"}, "unknown option 'colour'"),
        ({"layers": "api | b : c"}, "mixes '|' and ':'"),
        ({"layers": ["api", "no such thing"]}, "neither a module pattern nor a layer name"),
        ({"layers": [1, 2]}, "expects a list of layers"),
        ({"layers": ["api"], "containers": ["shop"]}, "relative to each container"),
        ({"layers": ["shop.a"], "exhaustive": True}, "'exhaustive' needs 'containers'"),
        ({"layers": ["shop.a"], "allow_indirect_imports": "yes"}, "expects true or false"),
        ({}, "missing option 'layers'"),
    ],
)
def test_option_errors_name_the_key_line_and_what_was_expected(options, message):
    lines = {k: 20 + i for i, k in enumerate(options)}
    with pytest.raises(ConfigError) as info:
        LayersContract.from_spec(spec("layers", key_lines=lines, **options), LAYERS)
    assert message in str(info.value)
    assert str(info.value).startswith("pyproject.toml:")
    assert info.value.line in {*lines.values(), 10}
