"""The hostile file corpus through the CLI: each bad file is exactly one error with its reason,
everything else is analysed with the right import lines, and no run crashes or hangs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hostile.cli import CliRun, run_cli
from hostile.corpus import Case, restore_permissions, write_file_corpus

AS_ROOT = os.geteuid() == 0
PERMISSION_CASES = {"unreadable_file", "directory_without_x"}  # root reads them anyway
ROOT_READABLE = ("hostile/unreadable.py", "hostile/locked/")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Case]]]:
    root = tmp_path_factory.mktemp("hostile")
    cases = write_file_corpus(root)
    yield root, cases
    restore_permissions(root)


@pytest.fixture(scope="module")
def runs(corpus: tuple[Path, list[Case]]) -> dict[str, CliRun]:
    root, _ = corpus
    graph = ["graph", "--format", "json", "--include-external", "--cache-dir", str(root.parent / "cache")]
    return {
        "graph_cold": run_cli(graph, cwd=root, timeout=120),
        "graph_warm": run_cli(graph, cwd=root, timeout=120),  # errors and facts served by the cache
        "check": run_cli(["check", "--format", "json", "--no-semgrep", "--no-cache"], cwd=root, timeout=120),
    }


def _modules(doc: dict[str, Any]) -> dict[str, str]:
    return {m["path"]: m["name"] for m in doc["modules"]}


def _errors(doc: dict[str, Any], path: str) -> list[str]:
    return [e["message"] for e in doc["errors"] if e["path"] == path]


@pytest.mark.parametrize("name", ["graph_cold", "graph_warm", "check"])
def test_every_run_is_clean(runs: dict[str, CliRun], name: str) -> None:
    run = runs[name]
    run.assert_clean(codes=(0, 1))
    doc = run.json()
    assert doc["errors"], "the corpus has unanalysable files; the run must list them"


def test_cache_changes_nothing(runs: dict[str, CliRun]) -> None:
    assert runs["graph_cold"].json() == runs["graph_warm"].json()


def test_check_lists_the_same_errors_as_graph(runs: dict[str, CliRun]) -> None:
    graph = {(e["path"], e["message"]) for e in runs["graph_cold"].json()["errors"]}
    check_errors = [(e["path"], e["message"]) for e in runs["check"].json()["errors"]]
    assert len(check_errors) == len(set(check_errors)), "an error listed twice"
    assert set(check_errors) == graph


def _case_ids() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cases = write_file_corpus(Path(tmp))
        restore_permissions(Path(tmp))
    return [c.name for c in cases]


CASE_NAMES = _case_ids()


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_outcome(corpus: tuple[Path, list[Case]], runs: dict[str, CliRun], name: str) -> None:
    case = next(c for c in corpus[1] if c.name == name)
    if AS_ROOT and case.name in PERMISSION_CASES:
        pytest.skip("running as root: permission bits do not stop reading")
    doc = runs["graph_cold"].json()
    modules = _modules(doc)
    errors = _errors(doc, case.path)
    if case.expect == "error":
        assert len(errors) == 1, f"{case.path}: expected exactly one error, got {errors}"
        assert re.search(case.reason, errors[0]), f"{case.path}: {errors[0]!r} !~ {case.reason!r}"
        assert case.path not in modules
    elif case.expect == "absent":
        assert errors == [] and case.path not in modules
    else:
        assert errors == [], f"{case.path} should be analysed: {errors}"
        assert case.path in modules, f"{case.path} missing from modules"
        if case.imports is not None:
            name_ = modules[case.path]
            got = sorted((i["imported"], i["line"]) for i in doc["imports"] if i["importer"] == name_)
            assert got == sorted(case.imports)


def test_nothing_unexpected(corpus: tuple[Path, list[Case]], runs: dict[str, CliRun]) -> None:
    """Every module and error in the output is one of the cases: nothing is invented or doubled."""
    _, cases = corpus
    doc = runs["graph_cold"].json()
    expected_errors = {c.path for c in cases if c.expect == "error"}
    expected_modules = {c.path for c in cases if c.expect == "ok"}
    error_paths = [e["path"] for e in doc["errors"]]
    assert len(error_paths) == len(set(error_paths)), "a file reported twice"
    unexpected = set(error_paths) - expected_errors
    module_paths = set(_modules(doc)) - {""}  # "": a namespace package (a folder), not a file
    extra_modules = module_paths - expected_modules
    if AS_ROOT:
        extra_modules = {p for p in extra_modules if not p.startswith(ROOT_READABLE)}
    assert not unexpected and not extra_modules, (unexpected, extra_modules)


def test_unanalysable_files_do_not_fail_the_graph(runs: dict[str, CliRun]) -> None:
    assert runs["graph_cold"].code == 0


def test_graphml_and_dot_survive_hostile_names(corpus: tuple[Path, list[Case]], tmp_path: Path) -> None:
    root, _ = corpus
    graphml = run_cli(["graph", "--format", "graphml", "--no-cache"], cwd=root)
    graphml.assert_clean(codes=(0,))
    out = tmp_path / "g.graphml"
    out.write_text(graphml.stdout, encoding="utf-8")
    graph = nx.read_graphml(out)
    assert "hostile.quote'\"<script>" in graph.nodes
    dot = run_cli(["graph", "--format", "dot", "--no-cache"], cwd=root)
    dot.assert_clean(codes=(0,))
    node_lines = [line for line in dot.stdout.splitlines() if "<script>" in line]
    assert node_lines and all('\\"' in line for line in node_lines), node_lines


def test_dot_has_no_raw_terminal_escapes(corpus: tuple[Path, list[Case]]) -> None:
    root, _ = corpus
    dot = run_cli(["graph", "--format", "dot", "--no-cache"], cwd=root)
    dot.assert_clean(codes=(0,))
    assert "hostile.esc" in dot.stdout
    assert "\x1b" not in dot.stdout, "a terminal escape from a file name reached the dot output raw"
