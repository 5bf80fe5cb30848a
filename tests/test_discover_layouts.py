"""Discovery: layouts, root packages, ignores, symlinks, special files, unknown packages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.discover import discover
from auditor.domain import UsageError


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def modules(root: Path, **kwargs: object) -> dict[str, tuple[str, bool]]:
    found = discover(root, **kwargs)  # type: ignore[arg-type]
    return {f.module: (f.rel_path, f.is_package) for f in found.files}


def test_flat_layout_detects_root_packages(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "setup.py": "",
            "alpha/__init__.py": "",
            "alpha/core.py": "",
            "alpha/sub/__init__.py": "",
            "alpha/sub/deep.py": "",
            "alpha/not_a_package/loose.py": "",
            "beta/__init__.py": "",
            "docs/conf.py": "",
        },
    )
    found = discover(tmp_path)
    assert found.packages == ("alpha", "beta")
    assert found.source_roots == (".",)
    assert modules(tmp_path) == {
        "alpha": ("alpha/__init__.py", True),
        "alpha.core": ("alpha/core.py", False),
        "alpha.not_a_package.loose": ("alpha/not_a_package/loose.py", False),
        "alpha.sub": ("alpha/sub/__init__.py", True),
        "alpha.sub.deep": ("alpha/sub/deep.py", False),
        "beta": ("beta/__init__.py", True),
    }
    assert found.namespace_packages == ("alpha.not_a_package",)
    assert all(Path(f.abs_path) == tmp_path / f.rel_path for f in found.files)


def test_src_layout(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/app/__init__.py": "", "src/app/x.py": "", "tests/test_x.py": ""})
    found = discover(tmp_path)
    assert found.source_roots == ("src",)
    assert modules(tmp_path) == {"app": ("src/app/__init__.py", True), "app.x": ("src/app/x.py", False)}


def test_explicit_source_root_and_package(tmp_path: Path) -> None:
    write_tree(tmp_path, {"lib/one/__init__.py": "", "lib/two/__init__.py": ""})
    assert set(modules(tmp_path, source_roots=["lib"], packages=["two"])) == {"two"}


def test_default_skipped_dirs_gitignore_and_exclude(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "generated_*.py\n/pkg/secret/\n",
            "pkg/__init__.py": "",
            "pkg/keep.py": "",
            "pkg/generated_x.py": "",
            "pkg/secret/__init__.py": "",
            "pkg/build/__init__.py": "",
            "pkg/__pycache__/x.py": "",
            "pkg/vendor/__init__.py": "",
            "pkg/vendor/lib.py": "",
            "pkg/inner/__init__.py": "",
            "pkg/inner/.gitignore": "local.py\n",
            "pkg/inner/local.py": "",
            "pkg/inner/kept.py": "",
            ".venv/lib/__init__.py": "",
        },
    )
    assert set(modules(tmp_path, exclude=["pkg/vendor/"])) == {
        "pkg",
        "pkg.keep",
        "pkg.inner",
        "pkg.inner.kept",
    }


def test_pyi_rules(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "",
            "pkg/a.pyi": "",
            "pkg/only_stub.pyi": "",
            "pkg/stubbed/__init__.pyi": "",
        },
    )
    assert modules(tmp_path) == {
        "pkg": ("pkg/__init__.py", True),
        "pkg.a": ("pkg/a.py", False),
        "pkg.only_stub": ("pkg/only_stub.pyi", False),
        "pkg.stubbed": ("pkg/stubbed/__init__.pyi", True),
    }


def test_symlinks_out_of_tree_and_loops(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"evil.py": "import os\n", "evil_dir/__init__.py": ""})
    root = write_tree(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/real.py": ""})
    os.symlink(outside / "evil.py", root / "pkg" / "evil.py")
    os.symlink(outside / "evil_dir", root / "pkg" / "evil_dir")
    os.symlink(root / "pkg", root / "pkg" / "loop")
    os.symlink(root / "pkg" / "real.py", root / "pkg" / "alias.py")
    found = discover(root)
    assert {f.module for f in found.files} == {"pkg", "pkg.real", "pkg.alias"}
    assert [(e.path, e.message) for e in found.errors] == [
        ("pkg/evil.py", "symlink points outside the audited tree; skipped")
    ]


def test_special_files_and_py_directories(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/weird.py/__init__.py": ""})
    os.mkfifo(root / "pkg" / "pipe.py")
    found = discover(root)
    assert {f.module for f in found.files} == {"pkg"}
    assert sorted((e.path, e.message) for e in found.errors) == [
        ("pkg/pipe.py", "not a regular file; skipped"),
        ("pkg/weird.py", "a directory named like a module; skipped"),
    ]


def test_unknown_package_is_a_one_line_usage_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": ""})
    with pytest.raises(UsageError) as info:
        discover(tmp_path, packages=["nope"])
    assert str(info.value) == f"package 'nope' not found under {tmp_path} (looked in: {tmp_path / '.'})"


def test_no_package_at_all_is_an_empty_discovery(tmp_path: Path) -> None:
    """A project of plain scripts has no import graph, but its security scan still runs."""
    write_tree(tmp_path, {"script.py": ""})
    found = discover(tmp_path)
    assert found.files == [] and found.packages == () and found.errors == []


def test_named_namespace_package_and_top_level_module(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "src/ns/portion/__init__.py": "",
            "src/ns/portion/m.py": "",
            "src/ns/loose/x.py": "",
            "src/tool.py": "",
        },
    )
    found = discover(tmp_path, source_roots=["src"], packages=["ns", "tool"])
    assert {f.module for f in found.files} == {"ns.portion", "ns.portion.m", "ns.loose.x", "tool"}
    assert found.namespace_packages == ("ns", "ns.loose")


def test_folders_without_init_inside_a_package_are_namespace_sub_packages(tmp_path: Path) -> None:
    """Every .py/.pyi file under an audited package is a module (flask's `src/flask/sansio/`);
    a folder without `__init__` is a package only when some module lives below it."""
    write_tree(
        tmp_path,
        {
            ".gitignore": "generated/\n",
            "src/pkg/__init__.py": "",
            "src/pkg/app.py": "",
            "src/pkg/sansio/app.py": "",
            "src/pkg/sansio/types.pyi": "",
            "src/pkg/sansio/deeper/x.py": "",
            "src/pkg/sansio/deeper/regular/__init__.py": "",
            "src/pkg/sansio/deeper/regular/y.py": "",
            "src/pkg/tests/test_app.py": "",
            "src/pkg/static/css/site.css": "",
            "src/pkg/static/js/app.js": "",
            "src/pkg/templates/base.html": "",
            "src/pkg/node_modules/lib/x.py": "",
            "src/pkg/build/x.py": "",
            "src/pkg/generated/x.py": "",
            "src/pkg/vendored/x.py": "",
            "src/pkg/not-an-identifier/z.py": "",
        },
    )
    found = discover(tmp_path, exclude=["src/pkg/vendored/"])
    assert modules(tmp_path, exclude=["src/pkg/vendored/"]) == {
        "pkg": ("src/pkg/__init__.py", True),
        "pkg.app": ("src/pkg/app.py", False),
        "pkg.not-an-identifier.z": ("src/pkg/not-an-identifier/z.py", False),
        "pkg.sansio.app": ("src/pkg/sansio/app.py", False),
        "pkg.sansio.deeper.regular": ("src/pkg/sansio/deeper/regular/__init__.py", True),
        "pkg.sansio.deeper.regular.y": ("src/pkg/sansio/deeper/regular/y.py", False),
        "pkg.sansio.deeper.x": ("src/pkg/sansio/deeper/x.py", False),
        "pkg.sansio.types": ("src/pkg/sansio/types.pyi", False),
        "pkg.tests.test_app": ("src/pkg/tests/test_app.py", False),
    }
    assert found.namespace_packages == (
        "pkg.not-an-identifier",
        "pkg.sansio",
        "pkg.sansio.deeper",
        "pkg.tests",
    )
    assert found.errors == []
