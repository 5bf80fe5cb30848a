"""Layer scoping: layer names -> files (import-linter semantics), and their semgrep path globs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.config.model import Location, SemgrepRuleRef
from auditor.domain import ConfigError
from auditor.security import files_for_layers
from auditor.security.scope import Scope, path_globs, scope_for

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


def test_unknown_layer_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"unknown layer 'dta' \(known layers: data\)"):
        files_for_layers(["dta"], {"data": ("shop.db",)}, MODULES)


def test_unknown_layer_in_a_pack_entry_points_at_the_entry() -> None:
    entry = SemgrepRuleRef(
        path="r.yaml", pack="p", except_layers=("nope",), location=Location("pack.toml", 12)
    )
    with pytest.raises(ConfigError) as info:
        scope_for(entry, {"data": ("shop.db",)}, MODULES)
    assert str(info.value).startswith("pack.toml:12: ")
    assert "unknown layer 'nope'" in str(info.value)


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
