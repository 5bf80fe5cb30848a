"""auditor's own import contracts (`[tool.auditor]` in pyproject.toml) encode its layering: the
CLI on top, the use cases over the engine over the index, the domain at the bottom; and the
project keeps them (the self-audit passes)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from auditor.cli.main import main

REPO = Path(__file__).resolve().parents[1]


def own_config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["auditor"]


def test_layers_in_order() -> None:
    config = own_config()
    contract = next(c for c in config["contracts"] if c["id"] == "auditor-layers")
    assert contract["layers"] == [
        "cli", "mcp", "usecases", "pipeline", "index", "report", "drift", "checks", "config", "graph", "parse",
        "discover", "foundation",
    ]  # fmt: skip
    assert config["layers"]["usecases"] == ["auditor.usecases"] and config["layers"]["index"] == ["auditor.index"]
    assert "auditor.domain" in config["layers"]["foundation"]


def test_every_package_is_in_a_layer() -> None:
    covered = {p for patterns in own_config()["layers"].values() for p in patterns}
    packages = {f"auditor.{d.name}" for d in (REPO / "auditor").iterdir() if (d / "__init__.py").exists()}
    assert packages <= covered


def test_the_graph_comes_from_the_index() -> None:
    contract = next(c for c in own_config()["contracts"] if c["id"] == "graph-through-the-index")
    assert {"auditor.parse", "auditor.discover"} <= set(contract["forbidden_modules"])


def test_self_audit_passes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    code = main(["check", str(REPO), "--no-semgrep", "--no-cache"])
    out = capsys.readouterr().out
    assert code == 0, out
