from auditor.domain import (
    FileDefinitions,
    Finding,
    FindingKind,
    Import,
    ImportKind,
    Module,
    Origin,
    Severity,
    fingerprint,
)
from auditor.domain.code import Definition
from auditor.domain.origin import FileAttribution, LineOrigin
from auditor.graph import ImportGraph, ModulePattern


def test_fingerprint_is_stable_and_part_sensitive():
    assert fingerprint("a", "b") == fingerprint("a", "b")
    assert fingerprint("a", "b") != fingerprint("ab", "")
    assert len(fingerprint("x")) == 20


def test_severity_order():
    assert Severity.ERROR.at_least(Severity.WARNING)
    assert not Severity.INFO.at_least(Severity.WARNING)


def test_finding_location():
    f = Finding("fp", "r", FindingKind.CONTRACT, Severity.ERROR, "m", path="a.py", line=3)
    assert f.location == "a.py:3"


def test_enclosing_definition_is_innermost():
    facts = FileDefinitions(
        "m.py", "h", (Definition("C", "class", 1, 10), Definition("C.f", "function", 3, 5))
    )
    assert facts.enclosing(4).qualname == "C.f"
    assert facts.enclosing(8).qualname == "C"
    assert facts.enclosing(15) is None


def test_span_origin_mixed():
    fa = FileAttribution("a.py", (LineOrigin(Origin.AI, agent="aider"), LineOrigin(Origin.HUMAN)))
    assert fa.span(1).origin is Origin.AI
    assert fa.span(1, 2).origin is Origin.MIXED
    assert fa.span(2, 2).origin is Origin.HUMAN


def test_module_patterns():
    assert ModulePattern("a.*").matches("a.b")
    assert not ModulePattern("a.*").matches("a.b.c")
    assert ModulePattern("a.**").matches("a.b.c")
    assert not ModulePattern("a.**").matches("a")
    assert ModulePattern("a.*.c").matches("a.x.c")


def _graph():
    mods = [Module(n, n.replace(".", "/") + ".py", False) for n in ("a", "b", "c", "d")]
    imps = [
        Import("a", "b", 1, ImportKind.TOPLEVEL),
        Import("b", "c", 2, ImportKind.FUNCTION),
        Import("c", "a", 3, ImportKind.TYPE_CHECKING),
        Import("a", "requests", 4, ImportKind.TOPLEVEL, True),
    ]
    return ImportGraph(mods, imps)


def test_graph_queries():
    g = _graph()
    assert g.shortest_chain({"a"}, {"c"}) == ["a", "b", "c"]
    assert g.strongly_connected_components() == [["a", "b", "c"]]
    assert g.only_kinds({"toplevel"}).shortest_chain({"a"}, {"c"}) is None
    assert [i.imported for i in g.external_imports] == ["requests"]
    assert g.direct_importers_of("b") == {"a"}


def test_layer_membership_covers_descendants():
    from auditor.graph.patterns import in_patterns, modules_in

    assert in_patterns("shop.api.views", ["shop.api"])
    assert in_patterns("shop.api", ["shop.api"])
    assert in_patterns("shop.api.v1.views", ["shop.api.*"])
    assert not in_patterns("shop.api", ["shop.api.**"])
    assert in_patterns("shop.api.x.y", ["shop.api.**"])
    assert modules_in(["shop.db"], ["shop.db", "shop.dbx", "shop.db.models"]) == {"shop.db", "shop.db.models"}
