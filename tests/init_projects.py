"""Helpers for the `auditor init` tests: write a project's files, run the CLI in-process."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from auditor.cli.main import main


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `auditor ARGV`; never a traceback."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err
