import pytest
from contracts_graphs import make_graph, pairs, spec

from auditor.contracts.acyclic import elementary_cycles
from auditor.contracts.registry import CONTRACT_TYPES, build_contract
from auditor.domain import ChainHop, ConfigError


def check(graph, contract_type, table=None, **options):
    return build_contract(spec(contract_type, **options), table or {}).check(graph)


# -- forbidden ---------------------------------------------------------------------------------
def test_forbidden_direct_and_indirect():
    g = make_graph(
        "shop.utils.a -> shop.db.models @3", "shop.utils.b -> shop.helpers @4", "shop.helpers -> shop.db.x"
    )
    result = check(g, "forbidden", source_modules=["shop.utils"], forbidden_modules=["shop.db"])
    assert pairs(result) == {("shop.utils.a", "shop.db.models"), ("shop.utils.b", "shop.db.x")}
    indirect = next(v for v in result.violations if v.chain)
    assert indirect.line == 4 and indirect.chain[-1] == ChainHop("shop.helpers", "shop.db.x", 1)
    allowed = check(
        g,
        "forbidden",
        source_modules=["shop.utils"],
        forbidden_modules=["shop.db"],
        allow_indirect_imports=True,
    )
    assert pairs(allowed) == {("shop.utils.a", "shop.db.models")}


def test_forbidden_external_distribution_direct_and_through_a_gateway():
    g = make_graph(
        "shop.api.views -> !sqlalchemy @2",
        "shop.api.orders -> shop.db.session @5",
        "shop.db.session -> !sqlalchemy @1",
    )
    result = check(g, "forbidden", source_modules=["shop.api"], forbidden_modules=["sqlalchemy"])
    assert pairs(result) == {("shop.api.views", "sqlalchemy"), ("shop.api.orders", "sqlalchemy")}
    via = next(v for v in result.violations if v.chain)
    assert [h.imported for h in via.chain] == ["shop.db.session", "sqlalchemy"]
    direct_only = check(
        g,
        "forbidden",
        source_modules=["shop.api"],
        forbidden_modules=["sqlalchemy"],
        allow_indirect_imports=True,
    )
    assert pairs(direct_only) == {("shop.api.views", "sqlalchemy")}


def test_forbidden_reports_entries_matching_nothing():
    g = make_graph("shop.a -> shop.b")
    result = check(g, "forbidden", source_modules=["shop.a"], forbidden_modules=["shop.zzz"])
    assert result.kept and result.unmatched == ("shop.zzz",)


# -- independence ------------------------------------------------------------------------------
def test_independence_wildcard_members_direct_and_indirect():
    g = make_graph(
        "apps.a.views -> apps.b.models @8",
        "apps.c.x -> common.util",
        "common.util -> apps.a.views",
        "apps.b.models -> common.base",
    )
    result = check(g, "independence", modules=["apps.*"])
    assert pairs(result) == {("apps.a.views", "apps.b.models"), ("apps.c.x", "apps.a.views")}
    assert "'apps.a' and 'apps.b' must be independent" in {v.reason for v in result.violations}


# -- acyclic -----------------------------------------------------------------------------------
def test_acyclic_whole_graph_each_cycle_once_smallest_first():
    g = make_graph("m.a -> m.b @1", "m.b -> m.a @2", "m.b -> m.c @3", "m.c -> m.d @4", "m.d -> m.b @5")
    result = check(g, "acyclic")
    chains = [tuple(h.importer for h in v.chain) for v in result.violations]
    assert chains == [("m.a", "m.b"), ("m.b", "m.c", "m.d")]
    assert result.violations[0].reason == "import cycle: m.a -> m.b -> m.a"


def test_acyclic_ancestors_squash_children_and_recurse():
    g = make_graph(
        "p.x.one -> p.y.two @3",
        "p.y.three -> p.x @6",
        "p.z.a -> p.z.b",  # below p.z: checked one level down
        "p.z.b -> p.z.a",
    )
    result = check(g, "acyclic", ancestors=["p"])
    assert result.metadata["packages_with_cycles"] == ("p", "p.z")
    first = result.violations[0]
    assert first.reason == "cycle between children of p: p.x -> p.y -> p.x"
    assert (first.importer, first.imported, first.line) == ("p.x.one", "p.y.two", 3)
    shallow = check(g, "acyclic", ancestors=["p"], depth=0)
    assert shallow.metadata["packages_with_cycles"] == ("p",)


def test_elementary_cycles_self_loop():
    g = make_graph("a.b -> a.b")
    assert elementary_cycles(g.nx) == [("a.b",)]


# -- allow_only / depends_on -------------------------------------------------------------------
def test_allow_only_internal_by_default_and_external_on_request():
    g = make_graph(
        "shop.domain.o -> shop.common.money",
        "shop.domain.o -> shop.domain.p",
        "shop.domain.o -> shop.services.mail @9",
        "shop.domain.o -> !requests @2",
        "shop.domain.o -> !os @1",
        "shop.domain.o -> !attrs @3",
    )
    result = check(g, "allow_only", source_modules=["shop.domain"], allowed_modules=["shop.common"])
    assert pairs(result) == {("shop.domain.o", "shop.services.mail")}
    alias = check(
        g,
        "depends_on",
        source_modules=["shop.domain"],
        allowed_modules=["shop.common", "attrs"],
        include_external=True,
    )
    assert pairs(alias) == {("shop.domain.o", "shop.services.mail"), ("shop.domain.o", "requests")}
    assert CONTRACT_TYPES["depends_on"] is CONTRACT_TYPES["allow_only"]


# -- protected ---------------------------------------------------------------------------------
def test_protected_internal_and_external():
    g = make_graph(
        "shop.db.repo -> shop.db.session",
        "shop.api.v -> shop.db.session @4",
        "shop.services.s -> shop.db.session",
        "shop.db.session -> !sqlalchemy",
        "shop.api.v -> !sqlalchemy @7",
        "shop.api.v -> !sqlalchemy @8",
    )
    internal = check(
        g, "protected", modules=["shop.db.session"], allowed_importers=["shop.services", "shop.db"]
    )
    assert pairs(internal) == {("shop.api.v", "shop.db.session")}
    external = check(g, "protected", modules=["sqlalchemy"], allowed_importers=["shop.db"])
    assert [(v.importer, v.line, v.occurrence) for v in external.violations] == [
        ("shop.api.v", 7, 0),
        ("shop.api.v", 8, 1),
    ]


# -- public_interface --------------------------------------------------------------------------
def test_public_interface_from_all_names_and_explicit_interface():
    g = make_graph(
        "shop.orders.c -> shop.billing [charge]",
        "shop.orders.c -> shop.billing @4 [refund_internal]",
        "shop.orders.c -> shop.billing.stripe_client @5",
        "shop.orders.d -> shop.billing.api @6",
        "shop.billing.api -> shop.billing.stripe_client",
        all_names={"shop.billing": ("charge", "api")},
    )
    result = check(g, "public_interface", modules=["shop.billing"])
    assert {(v.importer, v.imported, v.line) for v in result.violations} == {
        ("shop.orders.c", "shop.billing", 4),
        ("shop.orders.c", "shop.billing.stripe_client", 5),
    }
    explicit = check(g, "public_interface", modules=["shop.billing"], interface=["charge", "refund_internal"])
    assert {v.line for v in explicit.violations} == {5, 6}


def test_public_interface_without_all_is_reported_not_guessed():
    g = make_graph("x.a -> y.b")
    result = check(g, "public_interface", modules=["y"])
    assert result.kept and result.metadata["no_interface"] == ("y",)


@pytest.mark.parametrize(
    ("contract_type", "options", "message"),
    [
        ("forbidden", {"source_modules": ["a"]}, "missing option 'forbidden_modules'"),
        ("independence", {"modules": ["a"], "extra": 1}, "unknown option 'extra'"),
        ("acyclic", {"depth": -1}, "expects an integer >= 0"),
        ("allow_only", {"source_modules": ["a"]}, "missing option 'allowed_modules'"),
        ("protected", {"modules": ["a"]}, "missing option 'allowed_importers'"),
        ("public_interface", {"modules": ["a.*"], "interface": "x"}, None),
        ("nonsense", {}, "unknown contract type 'nonsense'"),
    ],
)
def test_type_specific_option_errors(contract_type, options, message):
    if message is None:
        assert build_contract(spec(contract_type, **options), {}).entries == ("a.*",)
        return
    with pytest.raises(ConfigError, match=message):
        build_contract(spec(contract_type, **options), {})
