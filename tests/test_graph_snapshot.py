"""Whole-graph snapshots: a warm build equals a fresh one, decodes nothing it does not need,
and any change to what the graph depends on gives a new snapshot."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.graph import snapshot
from auditor.graph.model import ImportGraph
from auditor.index import tree as index_tree
from auditor.parse import serialize
from auditor.parse.cache import CACHE_FILE, KEPT_SNAPSHOTS


def make_project(root: Path) -> None:
    pkg = root / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text('__all__ = ["a"]\nfrom . import a\n')
    (pkg / "a.py").write_text("import os\nfrom pkg.sub import b\n\ndef f():\n    import json\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("from ... import x\nfrom pkg import a\n")  # beyond top: error
    (pkg / "broken.py").write_text("def (:\n")
    (root / "ns" / "inner").mkdir(parents=True)
    (root / "ns" / "inner" / "m.py").write_text("import pkg.a\n")


def build(root: Path, cache: Path | None, *, external: bool = True) -> ImportGraph:
    return index_tree.build_graph(
        root, packages=("pkg", "ns"), cache_dir=cache, use_cache=cache is not None, include_external=external
    )


def view(graph: ImportGraph) -> tuple[object, ...]:
    return (
        sorted(graph.modules.values(), key=lambda m: m.name),
        list(graph.imports()),
        graph.external_imports,
        graph.errors,
        {name: graph.facts[name] for name in sorted(graph.facts)},
    )


def watch_decoding_forbid_resolution(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules whose facts get decoded from now on; resolving every file fails the test."""
    decoded: list[str] = []
    real_loads = serialize.loads

    def counting_loads(text: str, **kw: object) -> object:
        decoded.append(str(kw["module"]))
        return real_loads(text, **kw)  # type: ignore[arg-type]

    def no_resolution(*args: object, **kw: object) -> object:
        raise AssertionError("this build must not resolve every file's imports")

    monkeypatch.setattr(serialize, "loads", counting_loads)
    monkeypatch.setattr(index_tree, "build_import_graph", no_resolution)
    return decoded


def test_a_warm_graph_equals_a_fresh_one(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    fresh = build(tmp_path / "proj", None)
    build(tmp_path / "proj", tmp_path / "cache")
    warm = build(tmp_path / "proj", tmp_path / "cache")
    assert isinstance(warm.facts, snapshot.LazyFacts)
    assert view(warm) == view(fresh)
    assert [e.path for e in warm.errors] == ["pkg/broken.py", "pkg/sub/b.py"]


def test_a_warm_build_resolves_and_decodes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path / "proj")
    build(tmp_path / "proj", tmp_path / "cache")
    decoded = watch_decoding_forbid_resolution(monkeypatch)
    warm = build(tmp_path / "proj", tmp_path / "cache")
    assert decoded == []
    assert warm.facts["pkg"].all_names == ("a",)
    assert decoded == ["pkg"]  # only what was asked for


def test_an_edit_gives_a_new_graph(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    build(tmp_path / "proj", tmp_path / "cache")
    (tmp_path / "proj" / "pkg" / "a.py").write_text("import pkg.sub\n")
    warm = build(tmp_path / "proj", tmp_path / "cache")
    assert view(warm) == view(build(tmp_path / "proj", None))
    assert warm.directly_imported_by("pkg.a") == {"pkg.sub"}


def test_the_key_covers_content_names_and_options(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    build(tmp_path / "proj", tmp_path / "cache")
    without = build(tmp_path / "proj", tmp_path / "cache", external=False)
    assert without.external_imports == []
    (tmp_path / "proj" / "pkg" / "a.py").rename(tmp_path / "proj" / "pkg" / "c.py")
    moved = build(tmp_path / "proj", tmp_path / "cache")
    assert "pkg.c" in moved.modules and "pkg.a" not in moved.modules
    assert view(moved) == view(build(tmp_path / "proj", None))


def test_a_damaged_snapshot_is_rebuilt(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    build(tmp_path / "proj", tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        conn.execute("UPDATE graph_snapshots SET graph = '{\"modules\": 7}'")
    warm = build(tmp_path / "proj", tmp_path / "cache")
    assert view(warm) == view(build(tmp_path / "proj", None))


def test_only_the_newest_snapshots_are_kept(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    for n in range(KEPT_SNAPSHOTS + 3):
        (tmp_path / "proj" / "pkg" / "a.py").write_text(f"X = {n}\n")
        build(tmp_path / "proj", tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        assert conn.execute("SELECT count(*) FROM graph_snapshots").fetchone()[0] == KEPT_SNAPSHOTS


def test_discovery_and_read_errors_are_reported_on_warm_runs(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    outside = tmp_path / "outside.py"
    outside.write_text("X = 1\n")
    (tmp_path / "proj" / "pkg" / "link.py").symlink_to(outside)
    cold = build(tmp_path / "proj", tmp_path / "cache")
    warm = build(tmp_path / "proj", tmp_path / "cache")
    assert warm.errors == cold.errors
    assert "pkg/link.py" in {e.path for e in warm.errors}


def test_an_edit_patches_the_latest_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path / "proj")
    build(tmp_path / "proj", tmp_path / "cache")
    (tmp_path / "proj" / "pkg" / "a.py").write_text("import pkg.sub.b\nfrom .. import y\n")  # + an error
    decoded = watch_decoding_forbid_resolution(monkeypatch)
    patched = build(tmp_path / "proj", tmp_path / "cache")
    assert set(decoded) == {"pkg.a"}  # the edited file only (its old and new facts)
    monkeypatch.undo()
    assert view(patched) == view(build(tmp_path / "proj", None))
    assert ("pkg/a.py", "line 2: relative import goes beyond the top-level package") in {
        (e.path, e.message) for e in patched.errors
    }
    # and the patched graph was stored: the same state again is a plain hit
    assert view(build(tmp_path / "proj", tmp_path / "cache")) == view(patched)


@pytest.mark.parametrize(
    "path, text",
    [
        ("pkg/sub/b.py", "from pkg import a\n"),  # its resolution error goes away
        ("pkg/a.py", "def (:\n"),  # no longer parses: the module set changes
        ("pkg/broken.py", "X = 1\n"),  # parses now: a new module
    ],
    ids=["error fixed", "now broken", "broken file fixed"],
)
def test_every_kind_of_edit_gives_the_graph_of_a_fresh_build(tmp_path: Path, path: str, text: str) -> None:
    make_project(tmp_path / "proj")
    build(tmp_path / "proj", tmp_path / "cache")
    (tmp_path / "proj" / path).write_text(text)
    assert view(build(tmp_path / "proj", tmp_path / "cache")) == view(build(tmp_path / "proj", None))


def test_a_warm_build_reads_no_facts_text_it_does_not_need(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facts texts follow the graph in the entry and are JSON-decoded only on the first
    access to a module's facts: a contract check reads none."""
    import json

    make_project(tmp_path / "proj")
    build(tmp_path / "proj", tmp_path / "cache")
    parsed: list[str] = []
    real = json.loads

    def measuring(text: str, *args: object, **kw: object) -> object:
        parsed.append(text)
        return real(text, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(json, "loads", measuring)
    warm = build(tmp_path / "proj", tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        (stored,) = conn.execute("SELECT graph FROM graph_snapshots").fetchone()
    graph_part, _, facts_part = stored.partition("\n")
    assert graph_part in parsed and facts_part not in parsed
    parsed.clear()
    assert view(warm) == view(build(tmp_path / "proj", None))  # facts read: decoded now
    assert facts_part in parsed


def test_a_snapshot_whose_facts_part_is_damaged_is_rebuilt(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    build(tmp_path / "proj", tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        (stored,) = conn.execute("SELECT graph FROM graph_snapshots").fetchone()
        graph_part, _, facts_part = stored.partition("\n")
        for damaged in (facts_part[:-3], facts_part.replace("pkg", "pkh", 1), ""):
            conn.execute("UPDATE graph_snapshots SET graph = ?", (graph_part + "\n" + damaged,))
            conn.commit()
            warm = build(tmp_path / "proj", tmp_path / "cache")
            assert view(warm) == view(build(tmp_path / "proj", None))
            conn.execute("UPDATE graph_snapshots SET graph = ?", (stored,))
            conn.commit()
