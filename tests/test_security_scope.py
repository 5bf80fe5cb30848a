"""Layer scoping: layer names -> files (import-linter semantics), and their semgrep path globs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from auditor.config.model import Location, SemgrepRuleRef
from auditor.security import files_for_layers
from auditor.security.scope import Scope, inactive_reason, path_globs, scope_for

MODULES = {
    "shop": "shop/__init__.py",
    "shop.api": "shop/api/__init__.py",
    "shop.api.views": "shop/api/views.py",
    "shop.api.v2.views": "shop/api/v2/views.py",
    "shop.apiary": "shop/apiary.py",
    "shop.db": "shop/db/__init__.py",
    "shop.db.queries": "shop/db/queries.py",
    "shop.settings": "shop/settings.py",
}


def test_a_layer_entry_covers_the_module_and_its_descendants() -> None:
    found = files_for_layers(["api"], {"api": ("shop.api",)}, MODULES)
    assert found == {"shop/api/__init__.py", "shop/api/views.py", "shop/api/v2/views.py"}


def test_double_star_covers_only_descendants() -> None:
    found = files_for_layers(["api"], {"api": ("shop.api.**",)}, MODULES)
    assert found == {"shop/api/views.py", "shop/api/v2/views.py"}


def test_several_layers_union_and_wildcards() -> None:
    layers = {"data": ("**.db",), "config": ("shop.settings",)}
    found = files_for_layers(["data", "config"], layers, MODULES)
    assert found == {"shop/db/__init__.py", "shop/db/queries.py", "shop/settings.py"}


def test_an_undefined_layer_covers_nothing_and_makes_the_entry_inactive() -> None:
    # no longer a ConfigError: a pack's boundary names a layer the project may not define
    assert files_for_layers(["dta"], {"data": ("shop.db",)}, MODULES) == set()
    entry = SemgrepRuleRef(path="r.yaml", pack="p", except_layers=("nope",), location=Location("pack.toml", 12))
    assert scope_for(entry, {"data": ("shop.db",)}, MODULES) == Scope(exclude=frozenset())
    assert inactive_reason(entry, {"data": ("shop.db",)}, MODULES) == "layer 'nope' is not defined"


def test_only_and_except_layers_give_include_and_exclude() -> None:
    layers = {"data": ("shop.db",)}
    only = scope_for(SemgrepRuleRef(path="r", pack="p", only_layers=("data",)), layers, MODULES)
    other = scope_for(SemgrepRuleRef(path="r", pack="p", except_layers=("data",)), layers, MODULES)
    assert only.admits("shop/db/queries.py") and not only.admits("shop/api/views.py")
    assert other.admits("shop/api/views.py") and not other.admits("shop/db/queries.py")
    assert scope_for(SemgrepRuleRef(path="r", pack="p"), layers, MODULES) == Scope()


def test_globs_collapse_whole_directories() -> None:
    chosen = files_for_layers(["api"], {"api": ("shop.api",)}, MODULES)
    assert path_globs(chosen, MODULES.values()) == ["/shop/api/"]
    partial = {"shop/api/views.py", "shop/settings.py"}
    assert path_globs(partial, MODULES.values()) == ["/shop/api/views.py", "/shop/settings.py"]


def _matches(glob: str, path: str) -> bool:
    return path.startswith(glob[1:]) if glob.endswith("/") else path == glob[1:]


@given(st.sets(st.sampled_from(sorted(MODULES.values()))))
def test_globs_cover_exactly_the_chosen_files(chosen: set[str]) -> None:
    globs = path_globs(chosen, MODULES.values())
    for path in MODULES.values():
        assert any(_matches(g, path) for g in globs) == (path in chosen)


def test_prefer_layers_scope_like_only_layers_when_defined_and_run_everywhere_otherwise() -> None:
    entry = SemgrepRuleRef(path="r", pack="p", prefer_layers=("api", "web"))
    scoped = scope_for(entry, {"api": ("shop.api",)}, MODULES)
    assert scoped.admits("shop/api/views.py") and not scoped.admits("shop/db/queries.py")
    assert inactive_reason(entry, {"api": ("shop.api",)}, MODULES) is None
    # no api/web layer (or one that covers no module): the rule runs everywhere, never inactive
    for layers in ({}, {"web": ("shop.web",)}):
        assert scope_for(entry, layers, MODULES) == Scope()
        assert inactive_reason(entry, layers, MODULES) is None
