"""hash_files: unchanged files keep their hash without being read; any change is still seen."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from auditor.discover import discover
from auditor.parse import ParseCache, hash_files
from auditor.parse import hashing as hashing_module
from auditor.parse.hashing import content_hash
from auditor.support import filestat


def make_pkg(root: Path) -> None:
    pkg = root / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("import os\n")
    (pkg / "b.py").write_text("from pkg import a\n")


def hashes(root: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], list[str]]:
    """(hashes, rel paths actually read) of one run."""
    read: list[str] = []
    real = hashing_module.read_source

    def spy(f, errors):  # type: ignore[no-untyped-def]
        read.append(f.rel_path)
        return real(f, errors)

    monkeypatch.setattr(hashing_module, "read_source", spy)
    found = discover(root)
    with ParseCache(cache_dir) as cache:
        out = hash_files(str(found.root), found.files, cache)
    assert not out.errors
    return out.hashes, sorted(read)


def settle() -> None:
    """Let the clock move past the files' timestamps (RACY_NS is patched to 0 in these tests)."""
    time.sleep(0.02)


def test_an_unchanged_tree_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    make_pkg(tmp_path / "proj")
    settle()
    first, read_first = hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    second, read_second = hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    assert read_first == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]
    assert read_second == []
    assert first == second
    assert first["pkg/a.py"] == content_hash(b"import os\n")


def test_an_edit_is_seen_even_with_the_same_size_and_a_restored_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    make_pkg(tmp_path / "proj")
    target = tmp_path / "proj" / "pkg" / "a.py"
    settle()
    hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    before = target.stat()
    target.write_text("import re\n")  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime back-dated: ctime moves
    settle()
    after, read = hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    assert read == ["pkg/a.py"]
    assert after["pkg/a.py"] == content_hash(b"import re\n")


def test_a_file_changed_just_before_the_hash_was_taken_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The racy case: with the real RACY_NS, files written a moment ago are not trusted yet."""
    make_pkg(tmp_path / "proj")
    hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    _, read = hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    assert read == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]


def test_without_a_cache_every_file_is_read(tmp_path: Path) -> None:
    make_pkg(tmp_path / "proj")
    found = discover(tmp_path / "proj")
    out = hash_files(str(found.root), found.files, None)
    assert sorted(out.sources) == sorted(out.hashes) == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]


def test_deleted_files_are_forgotten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    make_pkg(tmp_path / "proj")
    settle()
    hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    (tmp_path / "proj" / "pkg" / "b.py").unlink()
    hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    with ParseCache(tmp_path / "cache") as cache:
        recorded = cache.file_stats(str(tmp_path / "proj"))
    assert sorted(Path(p).name for p in recorded) == ["__init__.py", "a.py"]


def test_signatures_of_a_sibling_directory_with_a_common_prefix_are_not_mixed_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/x/proj` must not see (or forget) the rows of `/x/proj2`."""
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    make_pkg(tmp_path / "proj")
    make_pkg(tmp_path / "proj2")
    settle()
    hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    hashes(tmp_path / "proj2", tmp_path / "cache", monkeypatch)
    _, read = hashes(tmp_path / "proj", tmp_path / "cache", monkeypatch)
    _, read2 = hashes(tmp_path / "proj2", tmp_path / "cache", monkeypatch)
    assert read == read2 == []


def test_another_package_selection_keeps_its_signatures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alternating `--package a` and `--package b` on one root must not re-hash each time."""
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    make_pkg(tmp_path / "proj")
    (tmp_path / "proj" / "other").mkdir()
    (tmp_path / "proj" / "other" / "__init__.py").write_text("")
    time.sleep(0.02)

    def read_for(package: str) -> list[str]:
        read: list[str] = []
        real = hashing_module.read_source
        monkeypatch.setattr(hashing_module, "read_source", lambda f, e: read.append(f.rel_path) or real(f, e))
        found = discover(tmp_path / "proj", packages=[package])
        with ParseCache(tmp_path / "cache") as cache:
            hash_files(str(found.root), found.files, cache)
        return read

    assert read_for("pkg") and read_for("other")
    assert read_for("pkg") == read_for("other") == []
