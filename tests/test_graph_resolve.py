"""Resolution with grimp's semantics, checked on small trees (and against grimp itself)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from auditor.domain import ImportKind
from auditor.graph.model import ImportGraph
from auditor.index.tree import build_graph


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def graph_of(root: Path, **kwargs: object) -> ImportGraph:
    return build_graph(root, use_cache=False, jobs=1, **kwargs)  # type: ignore[arg-type]


def edges(graph: ImportGraph, importer: str) -> dict[str, list[int]]:
    return {
        b: sorted(i.line for i in graph.imports_between(importer, b))
        for b in graph.directly_imported_by(importer)
    }


TREE = {
    "pkg/__init__.py": "from . import a\nfrom .sub import *\nfrom .a import helper\n",
    "pkg/a.py": """\
        import pkg.sub.deep
        import pkg.sub.missing
        import pkg.q.r.s
        from pkg.sub import deep, CONSTANT
        from pkg.sub.deep import thing as alias
        import pkg.sub.deep as d
        from pkg.nothere.x import y
        from .. import beyond
        import os.path, requests
        from django.db import models
        def helper(): pass
        """,
    "pkg/sub/__init__.py": "from .. import a\nfrom . import deep\nfrom .deep import x\n",
    "pkg/sub/deep.py": "from ... import too_far\nfrom ..a import helper\nfrom . import *\n",
}


def test_absolute_from_and_relative_resolution(tmp_path: Path) -> None:
    graph = graph_of(write_tree(tmp_path, TREE), include_external=True)
    assert edges(graph, "pkg.a") == {
        "pkg.sub.deep": [1, 4, 5, 6],  # import a.b.c -> a.b.c; from a.b import c (module) -> a.b.c
        "pkg.sub": [2, 4],  # missing module -> its existing parent; CONSTANT -> pkg.sub
    }  # pkg.q.r.s (line 3) and pkg.nothere.x (line 7): neither they nor their parents exist -> no edge
    assert edges(graph, "pkg") == {"pkg.a": [1, 3], "pkg.sub": [2]}
    assert edges(graph, "pkg.sub") == {"pkg.a": [1], "pkg.sub.deep": [2, 3]}
    assert edges(graph, "pkg.sub.deep") == {"pkg.a": [2], "pkg.sub": [3]}


def test_names_are_kept_for_public_interface_checks(tmp_path: Path) -> None:
    graph = graph_of(write_tree(tmp_path, TREE))
    by_line = {i.line: i.names for i in graph.imports_between("pkg.a", "pkg.sub")}
    assert by_line == {2: (), 4: ("CONSTANT",)}
    assert [i.names for i in graph.imports_between("pkg.a", "pkg.sub.deep") if i.line == 5] == [("thing",)]
    assert [i.names for i in graph.imports_between("pkg", "pkg.sub")] == [("*",)]


def test_beyond_top_level_is_reported_not_raised(tmp_path: Path) -> None:
    graph = graph_of(write_tree(tmp_path, TREE))
    assert [(e.path, e.message) for e in graph.errors] == [
        ("pkg/a.py", "line 8: relative import goes beyond the top-level package"),
        ("pkg/sub/deep.py", "line 1: relative import goes beyond the top-level package"),
    ]


def test_external_imports_are_squashed_and_separate(tmp_path: Path) -> None:
    root = write_tree(tmp_path, TREE)
    with_ext = graph_of(root, include_external=True)
    assert sorted((i.importer, i.imported, i.line, i.external) for i in with_ext.external_imports) == [
        ("pkg.a", "django", 10, True),
        ("pkg.a", "os", 9, True),
        ("pkg.a", "requests", 9, True),
    ]
    assert "os" not in with_ext.nx
    assert graph_of(root).external_imports == []


def test_kinds_are_carried_onto_edges(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "p/__init__.py": "",
            "p/x.py": "",
            "p/y.py": """\
                from typing import TYPE_CHECKING
                import p.x
                if TYPE_CHECKING:
                    from p import x
                def f():
                    from . import x
                try:
                    import p.x
                except ImportError:
                    pass
                import importlib
                importlib.import_module(".x", "p")
                """,
        },
    )
    graph = graph_of(root)
    assert [(i.line, i.kind) for i in graph.imports_between("p.y", "p.x")] == [
        (2, ImportKind.TOPLEVEL),
        (4, ImportKind.TYPE_CHECKING),
        (6, ImportKind.FUNCTION),
        (8, ImportKind.CONDITIONAL),
        (12, ImportKind.DYNAMIC),
    ]
    assert (
        graph.without_kinds(["type_checking", "function", "conditional", "dynamic"])
        .imports_between("p.y", "p.x")[0]
        .line
        == 2
    )


def test_namespace_package_modules_and_edges(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"ns/a/__init__.py": "import ns.b.m\nfrom ns import b\n", "ns/b/m.py": "from ns.a import thing\n"},
    )
    graph = graph_of(root, packages=["ns"])
    assert graph.modules["ns"].path == "" and graph.modules["ns"].is_package
    assert graph.modules["ns.b"].path == ""
    assert edges(graph, "ns.a") == {"ns.b.m": [1], "ns.b": [2]}
    assert edges(graph, "ns.b.m") == {"ns.a": [1]}


def test_packages_are_their_init_and_facts_by_module(tmp_path: Path) -> None:
    graph = graph_of(write_tree(tmp_path, TREE))
    assert graph.modules["pkg.sub"].path == "pkg/sub/__init__.py"
    assert graph.facts["pkg.sub"].is_package
    assert graph.descendants("pkg") == {"pkg.a", "pkg.sub", "pkg.sub.deep"}


def test_same_edges_as_grimp_on_the_small_tree(tmp_path: Path) -> None:
    tree = dict(TREE)
    tree["pkg/a.py"] = textwrap.dedent(tree["pkg/a.py"]).replace(
        "from .. import beyond\n", ""
    )  # grimp panics on it
    tree["pkg/sub/deep.py"] = "from ..a import helper\nfrom . import *\n"
    root = write_tree(tmp_path, tree)
    ours = graph_of(root).edge_pairs()
    code = (
        f"import sys, json; sys.path.insert(0, {str(root)!r}); import grimp;"
        "g = grimp.build_graph('pkg', cache_dir=None);"
        "print(json.dumps(sorted([a, b] for a in g.modules for b in g.find_modules_directly_imported_by(a))))"
    )
    import json

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert ours == {tuple(pair) for pair in json.loads(out)}


def test_imports_of_modules_in_folders_without_init_resolve_to_them(tmp_path: Path) -> None:
    """flask's layout: `src/flask/sansio/` has no __init__.py; its modules are modules, and
    imports of them land on them, not on the package above."""
    root = write_tree(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/helpers.py": "X = 1\n",
            "src/pkg/app.py": """\
                from .sansio.app import App
                from pkg.sansio import scaffold
                import pkg.sansio.app
                from pkg import sansio
                """,
            "src/pkg/sansio/app.py": "from ..helpers import X\nfrom .scaffold import Scaffold\n",
            "src/pkg/sansio/scaffold.py": "from . import app\n",
            "src/pkg/sansio/README.md": "not a module\n",
        },
    )
    graph = graph_of(root)
    assert graph.errors == []
    assert {name: (m.path, m.is_package) for name, m in graph.modules.items() if "sansio" in name} == {
        "pkg.sansio": ("", True),
        "pkg.sansio.app": ("src/pkg/sansio/app.py", False),
        "pkg.sansio.scaffold": ("src/pkg/sansio/scaffold.py", False),
    }
    assert edges(graph, "pkg.app") == {"pkg.sansio.app": [1, 3], "pkg.sansio.scaffold": [2], "pkg.sansio": [4]}
    assert edges(graph, "pkg.sansio.app") == {"pkg.helpers": [1], "pkg.sansio.scaffold": [2]}
    assert edges(graph, "pkg.sansio.scaffold") == {"pkg.sansio.app": [1]}
