"""Big and deep inputs through `auditor graph`: each is analysed or reported as exactly one error,
in bounded time and with the whole process tree under 1 GB peak memory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hostile.cli import CliRun, run_cli
from hostile.corpus import (
    write_dense_statements,
    write_huge_file,
    write_long_line,
    write_many_imports,
)

MEMORY_LIMIT_MB = 1024
GRAPH = ["graph", "--format", "json", "--include-external", "--no-cache"]


def _graph(root: Path, timeout: float = 120) -> CliRun:
    run = run_cli(GRAPH, cwd=root, timeout=timeout)
    run.assert_clean(codes=(0,))
    assert run.max_rss_mb < MEMORY_LIMIT_MB, f"peak RSS {run.max_rss_mb:.0f} MB"
    return run


def _outcome(run: CliRun, path: str) -> tuple[list[str], bool]:
    doc = run.json()
    errors = [e["message"] for e in doc["errors"] if e["path"] == path]
    analysed = any(m["path"] == path for m in doc["modules"])
    assert len(errors) + analysed == 1, f"{path}: errors={errors} analysed={analysed}"
    return errors, analysed


def test_20_mb_file_is_reported_and_memory_stays_bounded(tmp_path: Path) -> None:
    path = write_huge_file(tmp_path, megabytes=20)
    errors, _ = _outcome(_graph(tmp_path), path)
    assert errors and re.search(r"larger than \d+ MB", errors[0])


def test_one_megabyte_line_is_analysed_with_right_lines(tmp_path: Path) -> None:
    path = write_long_line(tmp_path, megabytes=1)
    run = _graph(tmp_path)
    _, analysed = _outcome(run, path)
    assert analysed
    imports = [(i["imported"], i["line"]) for i in run.json()["imports"] if i["importer"] == "big.long_line"]
    assert imports == [("os", 2)]


@pytest.mark.slow
def test_100k_imports_in_one_file(tmp_path: Path) -> None:
    path = write_many_imports(tmp_path, count=100_000)
    run = _graph(tmp_path, timeout=120)
    errors, analysed = _outcome(run, path)
    if analysed:
        count = sum(1 for i in run.json()["imports"] if i["importer"] == "big.many_imports")
        assert count == 100_000
    else:
        assert re.search(r"too (many|large|big)", errors[0]), errors


@pytest.mark.slow
def test_dense_megabyte_of_statements_stays_under_the_memory_limit(tmp_path: Path) -> None:
    """Before the token budget, this 1 MB file took parse_source to 2.2 GB and 24 s."""
    path = write_dense_statements(tmp_path)
    run = _graph(tmp_path, timeout=120)
    errors, analysed = _outcome(run, path)
    assert analysed or re.search(r"too (many|large|big)", errors[0]), errors


@pytest.mark.realpkg
@pytest.mark.parametrize(("package", "version"), [("django", "5.2"), ("sqlalchemy", "2.0.36")])
def test_budgets_reject_no_real_file(package: str, version: str) -> None:
    """The token and depth budgets (auditor/parse/budget.py) leave every real file alone."""
    import ast

    import realpkgs

    from auditor.parse.budget import depth_problem, token_budget_problem
    from auditor.parse.source import decode_source

    files = sorted(Path(realpkgs.unpacked(package, version)).rglob("*.py"))
    assert len(files) > 100
    rejected = []
    for path in files:
        try:
            text = decode_source(path.read_bytes())
            tree = ast.parse(text)
        except (ValueError, SyntaxError):
            continue  # not this test's business (template files with syntax errors)
        problem = token_budget_problem(text) or depth_problem(tree)
        if problem:
            rejected.append(f"{path.name}: {problem}")
    assert rejected == []
