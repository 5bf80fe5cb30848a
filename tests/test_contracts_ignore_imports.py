"""`ignore_imports` entries that match no import fail their contract by default, as in
import-linter; `unmatched_ignore_imports_alerting = "warn" | "none"` relaxes that per contract,
and the import-linter converter keeps the option."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from contracts_graphs import config, make_graph, spec

from auditor.cli.main import main
from auditor.config.import_linter import convert_import_linter
from auditor.contracts import check_contracts
from auditor.domain import FindingKind, Severity

TODAY = dt.date(2026, 6, 1)
LAYERS = {"api": ("shop.api",), "domain": ("shop.domain",)}
GRAPH = make_graph(
    "shop.domain.models -> shop.api.views @7",
    "shop.domain.typing -> shop.api.schemas @3 type_checking",
)


def layered(**extra: object):  # type: ignore[no-untyped-def]
    return spec("layers", "layered", layers=["api", "domain"], severity=Severity.WARNING, **extra)


def test_unmatched_entry_is_a_finding_of_the_contract_by_default() -> None:
    c = layered(ignore_imports=["shop.domain.models -> shop.api.views", "shop.x -> shop.y"])
    out = check_contracts(GRAPH, config(c, layers=LAYERS), today=TODAY)
    [finding] = [f for f in out.findings if "ignore_imports" in f.message]
    assert finding.rule == "layered" and finding.kind is FindingKind.CONTRACT
    assert finding.severity is Severity.WARNING  # the contract's severity
    assert "'shop.x -> shop.y'" in finding.message and "matches no import" in finding.message
    assert out.kept == {"layered": False}
    assert out.warnings == ()


def test_entry_matching_an_import_another_filter_drops_is_not_unmatched() -> None:
    # the type_checking import is filtered by ignore_kinds, but the entry still names a real import
    c = layered(ignore_kinds=["type_checking"], ignore_imports=["shop.domain.typing -> shop.api.schemas"])
    out = check_contracts(GRAPH, config(c, layers=LAYERS), today=TODAY)
    assert not [f for f in out.findings if "ignore_imports" in f.message]


@pytest.mark.parametrize(
    ("alerting", "warnings"),
    [("warn", ("contract 'layered': ignore_imports 'shop.x -> shop.y' matched no import",)), ("none", ())],
)
def test_warn_and_none(alerting: str, warnings: tuple[str, ...]) -> None:
    c = layered(ignore_imports=["shop.x -> shop.y"], unmatched_ignore_imports_alerting=alerting)
    out = check_contracts(GRAPH, config(c, layers=LAYERS), today=TODAY)
    assert not [f for f in out.findings if "ignore_imports" in f.message]
    assert out.warnings == warnings


def _project(root: Path, contract: str) -> Path:
    (root / "shop" / "api").mkdir(parents=True)
    (root / "shop" / "domain").mkdir()
    for init in ("shop", "shop/api", "shop/domain"):
        (root / init / "__init__.py").write_text("")
    (root / "shop" / "domain" / "models.py").write_text("from shop.api import views\n")
    (root / "shop" / "api" / "views.py").write_text("")
    (root / "auditor.toml").write_text(
        textwrap.dedent(
            """
            packages = ["shop"]
            packs = []

            [[contracts]]
            id = "layered"
            type = "layers"
            layers = ["shop.api", "shop.domain"]
            ignore_imports = [
                "shop.domain.models -> shop.api.views",
                "shop.nothing -> shop.api",
            ]
            """
        ).lstrip()
        + contract
    )
    return root


def test_check_reports_the_entry_at_its_config_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, "")
    code = main(["check", str(root), "--format", "json", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    [finding] = report["findings"]
    assert code == 1
    assert (finding["rule"], finding["path"], finding["line"]) == ("layered", "auditor.toml", 10)
    assert "'shop.nothing -> shop.api'" in finding["message"]


def test_check_with_warn_passes_and_carries_a_run_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, 'unmatched_ignore_imports_alerting = "warn"\n')
    code = main(["check", str(root), "--format", "json", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["findings"] == []
    assert (
        "contract 'layered': ignore_imports 'shop.nothing -> shop.api' matched no import"
        in (report["run"]["warnings"])
    )


def test_bad_alerting_value_is_a_located_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, 'unmatched_ignore_imports_alerting = "loud"\n')
    assert main(["rules", "validate", str(root)]) == 2
    err = capsys.readouterr().err
    assert f"{root / 'auditor.toml'}:12:" in err
    assert "unmatched_ignore_imports_alerting must be one of error, warn, none, not 'loud'" in err


def test_converter_keeps_the_option_and_notes_what_it_drops(tmp_path: Path) -> None:
    source = tmp_path / ".importlinter"
    source.write_text(
        textwrap.dedent(
            """
            [importlinter]
            root_package = shop
            include_external_packages = True

            [importlinter:contract:one]
            name = One
            type = forbidden
            source_modules = shop.a
            forbidden_modules = shop.b
            ignore_imports = shop.a.x -> shop.b
            unmatched_ignore_imports_alerting = warn
            """
        )
    )
    conversion = convert_import_linter(source)
    [contract] = conversion.settings["contracts"]
    assert contract.value["unmatched_ignore_imports_alerting"] == "warn"
    [note] = conversion.notes
    assert note.startswith("session option 'include_external_packages'") and "dropped" in note


IMPORTLINTER = """
[importlinter]
root_package = shop

[importlinter:contract:layered]
name = Layered
type = layers
layers =
    shop.api
    shop.domain
ignore_imports =
    shop.domain.models -> shop.api.views
    shop.nothing -> shop.api
{alerting}
"""


@pytest.mark.parametrize(("alerting", "fails"), [("", True), ("warn", False), ("none", False)])
def test_same_verdict_as_import_linter_after_conversion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], alerting: str, fails: bool
) -> None:
    import subprocess
    import sys

    root = _project(tmp_path, "")
    (root / "auditor.toml").unlink()
    line = f"unmatched_ignore_imports_alerting = {alerting}" if alerting else ""
    (root / ".importlinter").write_text(IMPORTLINTER.format(alerting=line))
    lint_imports = Path(sys.executable).parent / "lint-imports"
    peer = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert (peer.returncode != 0) is fails, peer.stdout + peer.stderr
    if alerting == "warn":
        assert "No matches for ignored import shop.nothing -> shop.api." in peer.stdout

    assert main(["init", str(root), "--from-import-linter", "--no-baseline"]) == 0
    text = (root / "auditor.toml").read_text()
    (root / "auditor.toml").write_text("packs = []\n" + text)
    capsys.readouterr()
    code = main(["check", str(root), "--format", "json", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    assert (code == 1) is fails
    warned = [w for w in report["run"]["warnings"] if "'shop.nothing -> shop.api' matched no import" in w]
    assert bool(warned) is (alerting == "warn")
