"""The integration files (pre-commit hook, CI examples) are valid and use real CLI options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from auditor.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*") if p.suffix in (".yml", ".yaml", ".sh"))
COMMAND = re.compile(r"auditor (?:check|audit|history|baseline)\b[^\n|>;]*")


def _commands(text: str) -> list[str]:
    found = []
    for match in COMMAND.finditer(text):
        line = match.group(0).split("||")[0].strip()
        line = re.sub(r"\$\{?(\w+)\}?", r"\1", line)  # $BASE_REF -> BASE_REF: only parse shape
        found.append(line)
    return found


def test_pre_commit_hooks_are_valid():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} >= {"auditor-check"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["pass_filenames"] is False
        build_parser().parse_args(shlex.split(hook["entry"])[1:])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_command_lines_parse(path):
    text = path.read_text()
    if path.suffix != ".sh":
        yaml.safe_load(text)
    commands = _commands(text)
    assert commands, f"{path} runs no auditor command"
    for command in commands:
        build_parser().parse_args(shlex.split(command)[1:])


def test_pre_merge_workflow_handles_base_ref_safely():
    text = (ROOT / "examples/github-actions/auditor-pre-merge.yml").read_text()
    assert "fetch-depth: 0" in text and "upload-sarif" in text and "GITHUB_STEP_SUMMARY" in text
    run_blocks = [m.group(0) for m in re.finditer(r"run: [|]?[^\n]*(\n {10,}[^\n]*)*", text)]
    assert run_blocks and not any("${{" in block for block in run_blocks)  # no expression injection
