"""Writing configs: the TOML writer round-trips any strings, and adding [tool.auditor] to a
pyproject.toml keeps everything else byte for byte."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.config.pyproject_edit import append_section, remove_tool_auditor
from auditor.config.toml_writer import Commented, render_table
from auditor.domain.errors import ConfigError

text = st.text(max_size=20)
scalars = st.one_of(text, st.booleans(), st.integers(-(2**31), 2**31))
flat = st.dictionaries(text, st.one_of(scalars, st.lists(text, max_size=4)), max_size=4)


@settings(max_examples=200, deadline=None)
@given(
    flat,
    st.dictionaries(text, st.lists(text, max_size=3), max_size=3),
    st.lists(flat, max_size=3),
    st.lists(text, max_size=3),
)
def test_render_round_trips(
    top: dict[str, Any], layers: dict[str, list[str]], contracts: list[dict[str, Any]], comments: list[str]
) -> None:
    table: dict[str, Any] = {k: v for k, v in top.items() if k not in ("layers", "contracts")}
    table["layers"] = layers
    if contracts:
        table["contracts"] = [Commented(c, comments) for c in contracts]
    rendered = render_table("tool.auditor", table, comments)
    expected = dict(table)
    if contracts:
        expected["contracts"] = contracts
    assert tomllib.loads(rendered)["tool"]["auditor"] == expected


PYPROJECT = """\
[project]
name = "shop"  # keep this comment

[tool.auditor]
packages = ["old"]

[[tool.auditor.contracts]]
id = "old"
type = "acyclic"

[tool.auditor.layers]
api = ["shop.api"]

[tool.ruff]
line-length = 100
"""


def test_remove_tool_auditor_keeps_the_other_tables() -> None:
    stripped = remove_tool_auditor(PYPROJECT)
    assert stripped == '[project]\nname = "shop"  # keep this comment\n\n[tool.ruff]\nline-length = 100\n'


def test_append_refuses_then_replaces_with_force() -> None:
    section = render_table("tool.auditor", {"packages": ["new"]})
    with pytest.raises(ConfigError, match=r"already has \[tool.auditor\]; use --force"):
        append_section(PYPROJECT, section, replace=False)
    updated = append_section(PYPROJECT, section, replace=True)
    data = tomllib.loads(updated)
    assert data["tool"]["auditor"] == {"packages": ["new"]}
    assert data["tool"]["ruff"] == {"line-length": 100}
    assert updated.startswith('[project]\nname = "shop"  # keep this comment\n')


def test_append_to_a_pyproject_without_tool_auditor() -> None:
    original = textwrap.dedent("""\
        [project]
        name = "shop"
    """)
    updated = append_section(original, render_table("tool.auditor", {"packages": ["shop"]}), replace=False)
    assert updated.startswith(original)
    assert tomllib.loads(updated)["tool"]["auditor"]["packages"] == ["shop"]


def test_inline_tool_table_cannot_be_edited_safely() -> None:
    original = "tool = { black = { line-length = 88 } }\n"
    with pytest.raises(ConfigError, match=r"could not add|invalid TOML"):
        append_section(original, render_table("tool.auditor", {"packages": ["x"]}), replace=False)
