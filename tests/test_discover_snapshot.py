"""A stored discovery is reused only while nothing the walk looked at changed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.discover import discover
from auditor.discover import snapshot as snapshot_module
from auditor.discover.model import Discovery
from auditor.parse import ParseCache
from auditor.support import filestat


def make_tree(root: Path) -> None:
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "plain").mkdir()  # no __init__: a namespace sub-package
    (root / "pkg" / "static" / "css").mkdir(parents=True)  # no module below: no package
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "a.py").write_text("")
    (root / "pkg" / "sub" / "__init__.py").write_text("")
    (root / "pkg" / "sub" / "b.py").write_text("")
    (root / "pkg" / "plain" / "c.py").write_text("")
    (root / "pkg" / "static" / "css" / "site.css").write_text("")


MODULES = ["pkg", "pkg.a", "pkg.plain.c", "pkg.sub", "pkg.sub.b"]


def shape(found: Discovery) -> tuple[object, ...]:
    return (
        [(f.rel_path, f.abs_path, f.module, f.is_package) for f in found.files],
        found.packages,
        found.source_roots,
        found.errors,
        found.namespace_packages,
    )


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[Discovery, bool]]:
    """discover_cached on tmp_path/proj: (result, whether it walked the tree)."""
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    walks: list[int] = []
    real = snapshot_module.discover

    def counting(*args: object, **kw: object) -> Discovery:
        walks.append(1)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot_module, "discover", counting)

    def go(**kw: object) -> tuple[Discovery, bool]:
        time.sleep(0.02)  # the clock moves past the files' timestamps (RACY_NS is 0 here)
        before = len(walks)
        with ParseCache(tmp_path / "cache") as cache:
            found = snapshot_module.discover_cached(tmp_path / "proj", cache, **kw)  # type: ignore[arg-type]
        assert shape(found) == shape(discover(tmp_path / "proj", **kw))  # type: ignore[arg-type]
        return found, len(walks) > before

    return go


def test_an_unchanged_tree_is_not_walked_again(
    tmp_path: Path, run: Callable[..., tuple[Discovery, bool]]
) -> None:
    make_tree(tmp_path / "proj")
    _, walked = run()
    assert walked
    found, walked = run()
    assert not walked
    assert [f.module for f in found.files] == MODULES
    assert found.namespace_packages == ("pkg.plain",)


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda p: (p / "pkg" / "new.py").write_text(""), "pkg.new"),
        (lambda p: (p / "pkg" / "plain" / "__init__.py").write_text(""), "pkg.plain"),
        (lambda p: (p / "pkg" / "static" / "css" / "x.py").write_text(""), "pkg.static.css.x"),
        (lambda p: (p / "pkg" / "sub" / "b.py").rename(p / "pkg" / "sub" / "d.py"), "pkg.sub.d"),
        (lambda p: (p / "pkg" / "sub").rename(p / "pkg" / "moved"), "pkg.moved.b"),
    ],
    ids=[
        "new file",
        "new __init__ in a plain directory",
        "new module deep in a folder of data",
        "renamed file",
        "renamed package",
    ],
)
def test_entry_changes_are_seen(
    tmp_path: Path,
    run: Callable[..., tuple[Discovery, bool]],
    change: Callable[[Path], object],
    expected: str,
) -> None:
    make_tree(tmp_path / "proj")
    run()
    run()
    change(tmp_path / "proj")
    found, walked = run()
    assert walked
    assert expected in {f.module for f in found.files}


def test_gitignore_edits_and_new_gitignores_are_seen(
    tmp_path: Path, run: Callable[..., tuple[Discovery, bool]]
) -> None:
    make_tree(tmp_path / "proj")
    (tmp_path / "proj" / ".gitignore").write_text("*.tmp\n")
    run()
    run()
    (tmp_path / "proj" / ".gitignore").write_text("*.tmp\na.py\n")  # an edit: no entry changes
    found, walked = run()
    assert walked and "pkg.a" not in {f.module for f in found.files}
    (tmp_path / "proj" / "pkg" / "sub" / ".gitignore").write_text("b.py\n")  # a new one, nested
    found, walked = run()
    assert walked and "pkg.sub.b" not in {f.module for f in found.files}


def test_options_are_part_of_the_key(tmp_path: Path, run: Callable[..., tuple[Discovery, bool]]) -> None:
    make_tree(tmp_path / "proj")
    run()
    run()
    found, walked = run(exclude=["pkg/sub/"])
    assert walked and "pkg.sub.b" not in {f.module for f in found.files}


def test_a_freshly_written_tree_is_walked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the real RACY_NS, directories changed a moment ago are not trusted yet."""
    make_tree(tmp_path / "proj")
    walks: list[int] = []
    real = snapshot_module.discover
    monkeypatch.setattr(snapshot_module, "discover", lambda *a, **k: walks.append(1) or real(*a, **k))
    for _ in range(2):
        with ParseCache(tmp_path / "cache") as cache:
            snapshot_module.discover_cached(tmp_path / "proj", cache)
    assert len(walks) == 2


def test_a_walk_that_met_a_symlink_is_not_stored(
    tmp_path: Path, run: Callable[..., tuple[Discovery, bool]]
) -> None:
    make_tree(tmp_path / "proj")
    (tmp_path / "outside.py").write_text("")
    (tmp_path / "proj" / "pkg" / "link.py").symlink_to(tmp_path / "outside.py")
    run()
    found, walked = run()
    assert walked
    assert "pkg/link.py" in {e.path for e in found.errors}


def test_a_damaged_stored_discovery_means_a_new_walk(
    tmp_path: Path, run: Callable[..., tuple[Discovery, bool]]
) -> None:
    import sqlite3

    from auditor.parse.cache import CACHE_FILE

    make_tree(tmp_path / "proj")
    run()
    run()
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        conn.execute('UPDATE discoveries SET discovery = \'{"checked_ns": "soon", "watched": 3}\'')
    found, walked = run()
    assert walked
    assert [f.module for f in found.files] == MODULES
