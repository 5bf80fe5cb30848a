"""10,000-deep brackets, expressions and call chains: one error entry each, never a crash or a hang."""

from __future__ import annotations

import pytest
from hostile.cli import run_cli
from hostile.corpus import write_deep_nesting


@pytest.fixture(scope="module")
def deep_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, list[str]], set[str]]:
    root = tmp_path_factory.mktemp("deep")
    paths = write_deep_nesting(root, depth=10_000)
    run = run_cli(["graph", "--format", "json", "--no-cache", "--jobs", "1"], cwd=root, timeout=90)
    run.assert_clean(codes=(0,))
    assert run.max_rss_mb < 1024
    doc = run.json()
    errors: dict[str, list[str]] = {}
    for e in doc["errors"]:
        errors.setdefault(e["path"], []).append(e["message"])
    return paths, errors, {m["path"] for m in doc["modules"]}


@pytest.mark.parametrize(
    "name",
    [
        "deep_parens",
        "deep_lists",
        "deep_unclosed",
        "deep_binop",
        "deep_unary",
        "deep_attribute_call",
        "deep_lambda",
    ],
)
def test_deep_input_is_one_error(
    deep_run: tuple[list[str], dict[str, list[str]], set[str]], name: str
) -> None:
    paths, errors, modules = deep_run
    path = f"big/{name}.py"
    assert path in paths
    assert path not in modules
    assert len(errors.get(path, [])) == 1, errors.get(path)
    message = errors[path][0]
    assert "nest" in message or "deep" in message or "syntax error" in message, message
