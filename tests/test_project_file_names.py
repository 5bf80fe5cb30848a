"""The state folder (`.auditor`) and the baseline file name are spelled once, in
auditor.domain.project_files; every other module uses the constants (docstrings may name them)."""

from __future__ import annotations

import ast
from pathlib import Path

import auditor
from auditor.domain.project_files import BASELINE_FILE, HISTORY_FILE, STATE_DIR

PACKAGE = Path(auditor.__file__).parent
HOME = PACKAGE / "domain" / "project_files.py"


def spelled(tree: ast.AST) -> list[int]:
    """Lines of string constants (not docstrings) that spell the folder or the baseline name."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            if BASELINE_FILE in text or text == STATE_DIR or STATE_DIR + "/" in text:
                lines.append(node.lineno)
    return lines


def test_the_names() -> None:
    assert STATE_DIR == ".auditor" and BASELINE_FILE == "auditor-baseline.json"
    assert f"{STATE_DIR}/history.sqlite" == HISTORY_FILE


def test_spelled_only_in_their_module() -> None:
    found = {
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if path != HOME
        for line in spelled(ast.parse(path.read_text("utf-8")))
    }
    assert found == set()
