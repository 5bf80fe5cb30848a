import datetime as dt

import pytest
from contracts_graphs import config, make_graph, spec

from auditor.config.model import ExceptionSpec, Location
from auditor.contracts import check_contracts, validate_contract_types
from auditor.domain import ConfigError, FindingKind, Severity

TODAY = dt.date(2026, 6, 1)
LAYERS = {"api": ("shop.api",), "domain": ("shop.domain",)}


def layered(**extra):
    return spec("layers", "layered", layers=["api", "domain"], owner="@arch", guidance="Move it up.", **extra)


def exc(importer="shop.domain.*", imported="shop.api.views", expires=None, line=30, contract="layered"):
    return ExceptionSpec(
        contract,
        importer,
        imported,
        reason="legacy, SHOP-1",
        owner="@data",
        expires=expires,
        location=Location("/repo/pyproject.toml", line),
    )


GRAPH = make_graph(
    "shop.domain.models -> shop.api.views @7",
    "shop.domain.models -> shop.api.views @19",
    "shop.api.views -> shop.domain.models",
    "shop.domain.typing -> shop.api.schemas @3 type_checking",
)


def test_findings_one_per_occurrence_with_message_location_owner_and_guidance():
    out = check_contracts(GRAPH, config(layered(), layers=LAYERS), today=TODAY)
    contract = sorted((f for f in out.findings if f.severity is Severity.ERROR), key=lambda f: f.line or 0)
    assert [(f.path, f.line) for f in contract] == [
        ("shop/domain/typing.py", 3),
        ("shop/domain/models.py", 7),
        ("shop/domain/models.py", 19),
    ]
    f = contract[1]
    assert (
        f.message == "shop.domain.models imports shop.api.views (layer 'domain' may not import layer 'api')"
    )
    assert (f.rule, f.kind, f.owner, f.guidance, f.import_kind) == (
        "layered",
        FindingKind.CONTRACT,
        "@arch",
        "Move it up.",
        "toplevel",
    )
    assert len({g.fingerprint for g in contract}) == 3
    assert out.kept == {"layered": False}


def test_fingerprints_ignore_line_numbers():
    moved = make_graph("shop.domain.models -> shop.api.views @70", "shop.domain.models -> shop.api.views @90")
    before = check_contracts(GRAPH, config(layered(), layers=LAYERS), today=TODAY)
    after = check_contracts(moved, config(layered(), layers=LAYERS), today=TODAY)
    prints = lambda out: {f.fingerprint for f in out.findings if f.importer == "shop.domain.models"}  # noqa: E731
    assert prints(before) == prints(after)


def test_kind_filters():
    ignore = check_contracts(
        GRAPH, config(layered(ignore_kinds=["type_checking"]), layers=LAYERS), today=TODAY
    )
    assert {f.line for f in ignore.findings if f.severity is Severity.ERROR} == {7, 19}
    only = check_contracts(GRAPH, config(layered(only_kinds=["type_checking"]), layers=LAYERS), today=TODAY)
    assert {f.line for f in only.findings if f.severity is Severity.ERROR} == {3}


def test_ignore_imports_removes_edges_and_warns_when_unused():
    c = layered(
        ignore_imports=["shop.domain.* -> shop.api.schemas", "shop.x -> shop.y"],
        unmatched_ignore_imports_alerting="warn",
    )
    out = check_contracts(GRAPH, config(c, layers=LAYERS), today=TODAY)
    assert {f.line for f in out.findings if f.severity is Severity.ERROR} == {7, 19}
    assert out.warnings == ("contract 'layered': ignore_imports 'shop.x -> shop.y' matched no import",)


def test_valid_exception_suppresses_and_is_returned_separately():
    out = check_contracts(
        GRAPH, config(layered(), layers=LAYERS, exceptions=[exc(expires=TODAY)]), today=TODAY
    )
    assert {f.line for f in out.suppressed} == {7, 19}
    assert all("reason: legacy, SHOP-1" in (f.suppressed_by or "") for f in out.suppressed)
    assert not any(f.importer == "shop.domain.models" for f in out.findings)
    assert out.stale_exceptions == () and out.expired_exceptions == ()


def test_expired_exception_stops_suppressing_and_is_reported_at_its_line():
    out = check_contracts(
        GRAPH, config(layered(), layers=LAYERS, exceptions=[exc(expires=dt.date(2026, 5, 31))]), today=TODAY
    )
    assert not out.suppressed
    [expired] = [f for f in out.findings if f.kind is FindingKind.EXCEPTION]
    assert expired.severity is Severity.WARNING and expired.rule == "layered"
    assert (expired.path, expired.line) == ("pyproject.toml", 30)
    assert "expired on 2026-05-31" in expired.message
    assert out.expired_exceptions == ("layered: shop.domain.* -> shop.api.views",)


def test_exception_matching_nothing_is_stale():
    stale = exc(importer="shop.domain.gone", imported="shop.api.*")
    unknown = exc(contract="nope")
    out = check_contracts(GRAPH, config(layered(), layers=LAYERS, exceptions=[stale, unknown]), today=TODAY)
    messages = sorted(f.message for f in out.findings if f.kind is FindingKind.EXCEPTION)
    assert messages == [
        "exception 'layered: shop.domain.gone -> shop.api.*' matches no finding (stale): remove it",
        "exception 'nope: shop.domain.* -> shop.api.views' names no declared contract (stale): remove it",
    ]
    assert len(out.stale_exceptions) == 2


def test_coverage_findings_are_info_and_listed_for_rule_health():
    g = make_graph("shop.api.v -> shop.domain.m", "shop.jobs.run -> shop.domain.m")
    out = check_contracts(g, config(layered(), layers=LAYERS), today=TODAY)
    info = [f for f in out.findings if f.severity is Severity.INFO]
    assert {f.importer for f in info} == {"shop.jobs", "shop.jobs.run"}
    assert "shop.jobs.run is in no layer of contract 'layered'" in {f.message for f in info}
    assert out.uncovered_modules == ("shop.jobs", "shop.jobs.run")  # "shop" only contains layers
    assert out.kept == {"layered": True}
    assert out.health().uncovered_modules == out.uncovered_modules


def test_contracts_that_match_nothing_are_listed():
    g = make_graph("shop.api.v -> shop.domain.m")
    c = spec("forbidden", "ghost", source_modules=["shop.ghost"], forbidden_modules=["shop.api"])
    out = check_contracts(g, config(c), today=TODAY)
    assert out.unmatched_contracts == ("ghost",)
    assert out.unmatched_entries == ("ghost: shop.ghost",)


def test_validate_contract_types_collects_one_error_per_contract():
    cfg = config(
        spec("layers", "a", layers=["api"], bogus=1, key_lines={"bogus": 14}),
        spec("teleport", "b"),
        spec("layers", "c", layers=["api"], ignore_kinds=["sometimes"]),
        spec("forbidden", "d", source_modules=["x"], forbidden_modules=["y"], ignore_imports=["x y"]),
        layered(),
        layers=LAYERS,
    )
    errors = validate_contract_types(cfg, check_common=True)
    assert len(validate_contract_types(cfg)) == 2  # the loader reports kinds and ignore_imports
    assert [str(e) for e in errors] == [
        "pyproject.toml:14: contract 'a' (layers): unknown option 'bogus' "
        "(expected one of: allow_indirect_imports, containers, exhaustive, layers)",
        "pyproject.toml:10: contract 'b' (teleport): unknown contract type 'teleport' (expected one of: acyclic, "
        "allow_only, depends_on, forbidden, independence, layers, protected, public_interface)",
        "pyproject.toml:10: contract 'c' (layers): ignore_kinds: unknown import kind 'sometimes' (expected one of: "
        "conditional, dynamic, function, toplevel, type_checking)",
        "pyproject.toml:10: contract 'd' (forbidden): ignore_imports: 'x y' is not an import expression "
        "(expected 'importer -> imported')",
    ]
    with pytest.raises(ConfigError):
        check_contracts(GRAPH, cfg, today=TODAY)
