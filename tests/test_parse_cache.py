"""parse_files with the SQLite parse cache: hits, content changes, corruption, pool vs serial."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from auditor.discover import discover
from auditor.parse import ParseCache, parse_files
from auditor.parse import pool as pool_module
from auditor.parse import source as source_module
from auditor.parse.cache import CACHE_FILE


def make_pkg(root: Path, count: int = 3) -> None:
    pkg = root / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("from . import m0\n")
    for n in range(count):
        (pkg / f"m{n}.py").write_text(f"import os\nfrom pkg import m{(n + 1) % count}\nVALUE = {n}\n")
    (pkg / "broken.py").write_text("def (:\n")


def run(root: Path, cache_dir: Path | None, jobs: int | None = 1):  # type: ignore[no-untyped-def]
    found = discover(root)
    if cache_dir is None:
        return parse_files(root, found.files, cache=None, jobs=jobs)
    with ParseCache(cache_dir) as cache:
        return parse_files(root, found.files, cache=cache, jobs=jobs)


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = source_module.parse_source

    def spy(source: bytes, *, path: str, module: str, is_package: bool):  # type: ignore[no-untyped-def]
        seen.append(path)
        return real(source, path=path, module=module, is_package=is_package)

    monkeypatch.setattr(source_module, "parse_source", spy)  # files.py imports it at parse time
    return seen


def test_cache_hit_skips_parsing_and_gives_equal_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_pkg(tmp_path / "proj")
    cold_facts, cold_errors = run(tmp_path / "proj", tmp_path / "cache")
    assert (tmp_path / "cache" / CACHE_FILE).exists()
    seen = count_parses(monkeypatch)
    warm_facts, warm_errors = run(tmp_path / "proj", tmp_path / "cache")
    assert seen == []
    assert warm_facts == cold_facts
    assert warm_errors == cold_errors
    assert [e.path for e in warm_errors] == ["pkg/broken.py"]  # errors are cached too


def test_content_change_reparses_only_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_pkg(tmp_path / "proj")
    run(tmp_path / "proj", tmp_path / "cache")
    (tmp_path / "proj" / "pkg" / "m1.py").write_text("import json\n")
    seen = count_parses(monkeypatch)
    facts, _ = run(tmp_path / "proj", tmp_path / "cache")
    assert seen == ["pkg/m1.py"]
    assert [i.module for i in facts["pkg/m1.py"].imports] == ["json"]


def test_same_content_at_a_new_path_reuses_the_entry_with_the_new_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_pkg(tmp_path / "proj")
    run(tmp_path / "proj", tmp_path / "cache")
    (tmp_path / "proj" / "pkg" / "copy.py").write_bytes((tmp_path / "proj" / "pkg" / "m0.py").read_bytes())
    seen = count_parses(monkeypatch)
    facts, _ = run(tmp_path / "proj", tmp_path / "cache")
    assert seen == []
    assert (facts["pkg/copy.py"].module, facts["pkg/copy.py"].path) == ("pkg.copy", "pkg/copy.py")


def test_corrupt_cache_file_is_rebuilt_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pkg(tmp_path / "proj")
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    facts, _ = run(tmp_path / "proj", cache_dir)
    assert "pkg/m0.py" in facts
    assert "rebuilt" in capsys.readouterr().err
    with sqlite3.connect(cache_dir / CACHE_FILE) as conn:
        assert conn.execute("SELECT count(*) FROM file_facts").fetchone()[0] == 5


def test_two_caches_on_one_file_can_interleave(tmp_path: Path) -> None:
    make_pkg(tmp_path / "proj")
    found = discover(tmp_path / "proj")
    with ParseCache(tmp_path / "cache") as first, ParseCache(tmp_path / "cache") as second:
        facts_a, _ = parse_files(tmp_path / "proj", found.files, cache=first, jobs=1)
        facts_b, _ = parse_files(tmp_path / "proj", found.files, cache=second, jobs=1)
    assert facts_a == facts_b


def test_process_pool_gives_the_same_result_as_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_pkg(tmp_path / "proj", count=12)
    monkeypatch.setattr(pool_module, "SERIAL_BELOW", 2)
    pooled = run(tmp_path / "proj", None, jobs=2)
    serial = run(tmp_path / "proj", None, jobs=1)
    assert pooled == serial
    assert len(pooled[0]) == 13


def test_a_cache_hit_does_not_import_libcst(tmp_path: Path) -> None:
    import subprocess

    make_pkg(tmp_path / "proj")
    run(tmp_path / "proj", tmp_path / "cache")
    code = (
        "import sys; from pathlib import Path; from auditor.index.tree import build_graph;"
        f"build_graph(Path({str(tmp_path / 'proj')!r}), cache_dir=Path({str(tmp_path / 'cache')!r}));"
        "print('libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_two_concurrent_processes_share_one_cache(tmp_path: Path) -> None:
    import subprocess

    make_pkg(tmp_path / "proj", count=6)
    cmd = [
        sys.executable,
        "-m",
        "auditor",
        "graph",
        str(tmp_path / "proj"),
        "--cache-dir",
        str(tmp_path / "c"),
    ]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0]
    assert all("warning" not in err for _, err in outputs)


@pytest.mark.parametrize(
    "damage", ["not json", "[1, 2]", '{"other": 1}', '["a", "b", true, "h", 1, [[1]], null, []]']
)
def test_a_damaged_cache_entry_is_a_miss_and_is_overwritten(tmp_path: Path, damage: str) -> None:
    make_pkg(tmp_path / "proj")
    clean, _ = run(tmp_path / "proj", tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        conn.execute("UPDATE file_facts SET facts = ?", (damage,))
    again, errors = run(tmp_path / "proj", tmp_path / "cache")
    assert again == clean
    assert [e.path for e in errors] == ["pkg/broken.py"]
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        assert conn.execute("SELECT count(*) FROM file_facts WHERE facts = ?", (damage,)).fetchone()[0] == 0


def test_the_parser_version_names_what_the_parse_depends_on() -> None:
    from importlib.metadata import version

    from auditor import __version__
    from auditor.parse import serialize
    from auditor.parse.cache import PARSER_VERSION

    expected = (
        f"{__version__}+facts{serialize.FORMAT_VERSION}+libcst{version('libcst')}"
        f"+py{sys.version_info[0]}.{sys.version_info[1]}"
    )
    assert expected == PARSER_VERSION


@pytest.mark.parametrize(
    "component, before, after",
    [("python", (3, 10), (3, 12)), ("libcst", "1.8.0", "1.9.0"), ("facts", 3, 4)],
)
def test_a_cached_parse_error_does_not_survive_a_switch_of_what_parsed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, component: str, before: object, after: object
) -> None:
    """A file with 3.12 syntax failed to parse under an older setup (Python 3.10's guard, an
    older libcst): that cached error must not be served once the setup changes."""
    from auditor.domain import AnalysisError
    from auditor.parse import cache as cache_module

    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "generic.py").write_text("type Pair[T] = tuple[T, T]\nimport json\n")
    monkeypatch.setattr(cache_module, "PARSER_VERSION", cache_module.parser_version(**{component: before}))
    real = source_module.parse_source

    def older(source: bytes, *, path: str, module: str, is_package: bool):  # type: ignore[no-untyped-def]
        if b"type Pair" in source:
            return AnalysisError(path, "syntax error: line 1: invalid syntax")
        return real(source, path=path, module=module, is_package=is_package)

    monkeypatch.setattr(source_module, "parse_source", older)
    _, errors = run(root, tmp_path / "cache")
    assert [e.path for e in errors] == ["pkg/generic.py"]
    monkeypatch.setattr(source_module, "parse_source", real)
    _, errors = run(root, tmp_path / "cache")
    assert [e.path for e in errors] == ["pkg/generic.py"]  # the same setup: served from the cache

    monkeypatch.setattr(cache_module, "PARSER_VERSION", cache_module.parser_version(**{component: after}))
    seen = count_parses(monkeypatch)
    facts, errors = run(root, tmp_path / "cache")
    assert sorted(seen) == ["pkg/__init__.py", "pkg/generic.py"] and errors == []  # every file again
    assert [i.module for i in facts["pkg/generic.py"].imports] == ["json"]
