"""One answer to "which layer is this module in": graph.patterns.layers_of, used by every stage.

Overlapping layers (`shop` and `shop.api`) put a module in both; tags and module rules list all
of them in declaration order, and a one-label display (the package view) shows the first.
"""

from __future__ import annotations

from auditor.domain import Finding, FindingKind, Import, ImportKind, Module, Severity
from auditor.graph import ImportGraph
from auditor.graph.patterns import LayerIndex, layers_of
from auditor.pipeline.metrics import package_view
from auditor.security.findings import layers_of as security_layers_of

OVERLAPPING = {"whole": ("shop",), "api": ("shop.api",), "children": ("shop.*",), "deep": ("shop.**",)}


def test_all_covering_layers_in_declaration_order() -> None:
    assert layers_of("shop.api.views", OVERLAPPING) == ("whole", "api", "children", "deep")
    assert layers_of("shop", OVERLAPPING) == ("whole",)  # `shop.*` and `shop.**` cover descendants only
    assert layers_of("shopping", OVERLAPPING) == ()  # a prefix of the name, not of the dotted path
    assert layers_of("other", {}) == ()


def test_index_memoises_the_same_answer() -> None:
    index = LayerIndex(OVERLAPPING)
    for module in ("shop", "shop.api", "shop.api.views", "shop.db", "other"):
        assert index(module) == layers_of(module, OVERLAPPING)
        assert index(module) is index(module)
    assert index.first("shop.api.views") == "whole" and index.first("other") is None


def test_stages_share_the_function() -> None:
    assert security_layers_of is layers_of


def test_package_view_labels_a_package_with_its_first_layer() -> None:
    names = ("shop.api.views", "shop.db.models")
    graph = ImportGraph(
        [Module(name, name.replace(".", "/") + ".py", False) for name in names],
        [Import("shop.api.views", "shop.db.models", 1, ImportKind.TOPLEVEL)],
    )
    finding = Finding(
        fingerprint="f", rule="r", kind=FindingKind.CONTRACT, severity=Severity.ERROR, message="m",
        importer="shop.api.views", imported="shop.db.models",
    )  # fmt: skip
    metrics, _edges, _cycles = package_view(graph, [finding], {"api": ("shop.api",), "whole": ("shop",)})
    assert {m.name: m.layer for m in metrics} == {"shop.api": "api", "shop.db": "whole"}
