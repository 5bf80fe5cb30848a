"""Peer test: on real PyPI packages our internal edge set equals grimp's (non-dynamic imports).

Both tools only read files; grimp runs in a subprocess with the unpacked wheel on its sys.path,
so nothing of the package is imported into the test process. Differences we keep are
documented in docs/graph-semantics.md. Two show on these packages as modules grimp does not
see: modules in folders without `__init__.py` (flask's `flask/sansio/`), and stub-only
modules (attrs' `attr/_typing_compat.pyi`; grimp reads `.py` files only). So the comparison
is made on grimp's module set: our modules are grimp's plus exactly those (computed from the
files here), and our edges between grimp's modules equal grimp's edges. An import that grimp
would put on a parent package because its module is one of those would show up as a
difference (there is none). Django, SQLAlchemy and requests have neither: there the two
graphs are equal outright.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import realpkgs

PACKAGES = [
    ("django", "5.2", "django"),
    ("sqlalchemy", "2.0.36", "sqlalchemy"),
    ("requests", "2.32.3", "requests"),
    ("attrs", "24.2.0", "attr"),
    ("flask", "3.1.0", "flask"),
]


def grimp_graph(site: str, package: str) -> tuple[set[str], set[tuple[str, str]]]:
    """grimp's modules and internal edges."""
    code = (
        f"import sys, json; sys.path.insert(0, {site!r}); import grimp;"
        f"g = grimp.build_graph({package!r}, cache_dir=None);"
        "print(json.dumps([sorted(g.modules),"
        " [[a, b] for a in g.modules for b in g.find_modules_directly_imported_by(a)]]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    modules, edges = json.loads(out)
    return set(modules), {(a, b) for a, b in edges}


def modules_grimp_does_not_see(site: str, package: str) -> set[str]:
    """From the file tree: modules below a folder without `__init__` (and those folders), and
    stub-only modules (a `.pyi` without its `.py`; grimp reads `.py` files only)."""
    top = Path(site) / package
    found: set[str] = set()
    for path in top.rglob("*.py*"):
        if path.suffix not in (".py", ".pyi"):
            continue
        rel = path.relative_to(Path(site)).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        folders = [p for p in path.relative_to(top).parents if p != Path(".")]
        bare = [f for f in folders if not any((top / f / init).exists() for init in ("__init__.py", "__init__.pyi"))]
        found.update(".".join((package, *f.parts)) for f in bare)
        if bare or (path.suffix == ".pyi" and not path.with_suffix(".py").exists()):
            found.add(name)
    return found


def auditor_graph(site: str, package: str) -> dict[str, list[dict[str, object]]]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditor",
            "graph",
            site,
            "--package",
            package,
            "--no-cache",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data: dict[str, list[dict[str, object]]] = json.loads(out)
    return data


@pytest.mark.realpkg
@pytest.mark.slow
@pytest.mark.parametrize("distribution, version, package", PACKAGES, ids=[p[0] for p in PACKAGES])
def test_internal_edges_equal_grimp(distribution: str, version: str, package: str) -> None:
    site = str(realpkgs.unpacked(distribution, version))
    data = auditor_graph(site, package)
    ours = {
        (str(i["importer"]), str(i["imported"]))
        for i in data["imports"]
        if i["kind"] != "dynamic" and not i["external"]
    }
    their_modules, theirs = grimp_graph(site, package)
    assert len(theirs) > 0
    modules = {str(m["name"]) for m in data["modules"]}
    assert modules - their_modules == modules_grimp_does_not_see(site, package)
    assert their_modules <= modules
    on_their_modules = {(a, b) for a, b in ours if a in their_modules and b in their_modules}
    assert sorted(on_their_modules - theirs) == [] and sorted(theirs - on_their_modules) == []
    assert data["errors"] == []


@pytest.mark.realpkg
def test_flask_sansio_modules_are_in_the_graph() -> None:
    """flask 3.1.0 ships `flask/sansio/` without an `__init__.py`: its modules are modules,
    imports of them are edges to them (so security rules scan them and `check --base` sees
    their findings on both sides)."""
    site = str(realpkgs.unpacked("flask", "3.1.0"))
    data = auditor_graph(site, "flask")
    modules = {str(m["name"]): (m["path"], m["is_package"]) for m in data["modules"]}
    assert {name: row for name, row in modules.items() if name.startswith("flask.sansio")} == {
        "flask.sansio": ("", True),
        "flask.sansio.app": ("flask/sansio/app.py", False),
        "flask.sansio.blueprints": ("flask/sansio/blueprints.py", False),
        "flask.sansio.scaffold": ("flask/sansio/scaffold.py", False),
    }
    edges = {(i["importer"], i["imported"]) for i in data["imports"] if not i["external"]}
    assert {("flask.app", "flask.sansio.app"), ("flask.sansio.app", "flask.sansio.scaffold")} <= edges
