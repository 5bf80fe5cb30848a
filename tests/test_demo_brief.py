"""The demo project commits its architecture brief (AGENTS.md), the repository keeps a copy as an
example, and `auditor demo` runs `auditor brief --check` on it."""

from __future__ import annotations

from pathlib import Path

from auditor.cli.main import main
from auditor.usecases.demo.project import BRIEF_FILE, create_demo_project

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "demo" / "AGENTS.md"


def test_the_committed_example_is_the_demo_projects_brief_and_is_current(tmp_path, capsys):
    demo = create_demo_project(tmp_path / "shop")
    committed = (demo.root / BRIEF_FILE).read_text(encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8") == committed  # regenerate: see examples/demo/README.md
    capsys.readouterr()
    assert main(["brief", str(demo.root), "--check", "--out", str(EXAMPLE)]) == 0
    assert main(["brief", str(demo.root), "--check"]) == 0
    assert "## Layers, top to bottom" in committed and "auditor check --base origin/main" in committed


def test_the_demo_shows_the_brief_check(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--no-semgrep"]) == 0
    err = capsys.readouterr().err
    assert f"auditor demo: brief --check: {tmp_path / 'shop' / BRIEF_FILE}: the architecture brief is up to date (passed)" in err
