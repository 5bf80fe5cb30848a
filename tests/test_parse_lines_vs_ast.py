"""Line tracking without PositionProvider: import lines and definition spans equal CPython's ast.

Run offline on this repository's own sources, and on Django 5.2 as a realpkg test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import realpkgs

from auditor.domain import FileDefinitions, FileFacts, ImportKind
from auditor.parse.source import parse_definitions, parse_source, run_with_big_stack

REPO = Path(__file__).resolve().parents[1]
Spans = dict[str, tuple[int, int]]


def ast_view(source: bytes) -> tuple[list[tuple[str, int]], Spans]:
    imports: list[tuple[str, int]] = []
    spans: Spans = {}

    def visit(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                imports.extend((a.name, child.lineno) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                imports.append((str(child.module), child.lineno))
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualname = ".".join([*scope, child.name])
                spans.setdefault(qualname, (child.lineno, child.end_lineno or child.lineno))
                visit(child, [*scope, child.name])
            else:
                visit(child, scope)

    visit(ast.parse(source), [])
    return sorted(imports), spans


def our_view(facts: FileFacts, found: FileDefinitions) -> tuple[list[tuple[str, int]], Spans]:
    imports = sorted((str(i.module), i.line) for i in facts.imports if i.kind != ImportKind.DYNAMIC)
    spans: Spans = {}
    for d in found.definitions:
        if d.kind != "assignment":
            spans.setdefault(d.qualname, (d.line, d.end_line))
    return imports, spans


def mismatches(files: list[Path]) -> list[str]:
    def work() -> list[str]:
        wrong = []
        for path in files:
            source = path.read_bytes()
            facts = parse_source(source, path=str(path), module="m", is_package=False)
            found = parse_definitions(source, path=str(path))
            if (
                not isinstance(facts, FileFacts)
                or not isinstance(found, FileDefinitions)
                or our_view(facts, found) != ast_view(source)
            ):
                wrong.append(str(path))
        return wrong

    return run_with_big_stack(work)


def test_lines_match_ast_on_this_repository() -> None:
    files = sorted((REPO / "auditor").rglob("*.py")) + sorted((REPO / "examples").rglob("*.py"))
    assert len(files) > 20
    assert mismatches(files) == []


@pytest.mark.realpkg
@pytest.mark.slow
def test_lines_match_ast_on_django() -> None:
    files = sorted((realpkgs.unpacked("django", "5.2") / "django").rglob("*.py"))
    assert len(files) > 800
    assert mismatches(files) == []
