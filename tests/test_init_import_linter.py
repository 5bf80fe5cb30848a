"""`auditor init --from-import-linter`: real-looking import-linter configs in each of its three
file formats become [tool.auditor] settings that load and that the contract registry accepts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import tomllib

from auditor.cli.main import main
from auditor.config import load_config
from auditor.config.import_linter import convert_import_linter, find_import_linter_config
from auditor.contracts import validate_contract_types

INI = """
    [importlinter]
    root_packages =
        shop
        shoplib
    exclude_type_checking_imports = True

    [importlinter:contract:layered]
    name = Shop layers
    type = layers
    layers =
        api
        services | workers
        (legacy)
        domain
    containers =
        shop
    ignore_imports =
        shop.domain.legacy -> shop.api.*
    exhaustive = true
    exhaustive_ignores = migrations

    [importlinter:contract:no-db-in-api]
    name = API must not touch the database
    type = forbidden
    source_modules =
        shop.api
    forbidden_modules =
        sqlalchemy
        shop.db
    allow_indirect_imports = True
    unmatched_ignore_imports_alerting = warn

    [importlinter:contract:apps]
    name = Apps are independent
    type = independence
    modules = shop.apps.*

    [importlinter:contract:siblings]
    name = No cycles between siblings
    type = acyclic_siblings
    ancestors = shop
    depth = 2

    [importlinter:contract:private]
    name = Private modules
    type = private_modules
"""

PYPROJECT = """
    [project]
    name = "shop"

    [tool.importlinter]
    root_package = "shop"

    [[tool.importlinter.contracts]]
    name = "Web is above the domain"
    type = "layers"
    layers = ["shop.web", "shop.domain"]
    broken_contract_guidance = "Keep HTTP out of the domain."

    [[tool.importlinter.contracts]]
    id = "protect-db"
    name = "Only repositories import the db"
    type = "protected"
    protected_modules = ["shop.db"]
    allowed_importers = ["shop.repositories"]
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def test_ini_contracts_and_options_carry_over(tmp_path: Path) -> None:
    conversion = convert_import_linter(write(tmp_path, ".importlinter", INI))
    settings = conversion.settings
    assert settings["packages"] == ["shop", "shoplib"]
    contracts = {c.value["id"]: c.value for c in settings["contracts"]}
    assert list(contracts) == ["layered", "no-db-in-api", "apps", "siblings"]
    assert contracts["layered"] == {
        "id": "layered",
        "type": "layers",
        "layers": ["api", "services | workers", "(legacy)", "domain"],
        "containers": ["shop"],
        "ignore_imports": ["shop.domain.legacy -> shop.api.*"],
        "exhaustive": True,
        "ignore_kinds": ["type_checking"],
    }
    assert contracts["no-db-in-api"]["allow_indirect_imports"] is True
    assert contracts["no-db-in-api"]["unmatched_ignore_imports_alerting"] == "warn"
    assert contracts["no-db-in-api"]["forbidden_modules"] == ["sqlalchemy", "shop.db"]
    assert contracts["apps"]["modules"] == ["shop.apps.*"]
    assert contracts["siblings"] == {
        "id": "siblings",
        "type": "acyclic",
        "ancestors": ["shop"],
        "depth": 2,
        "ignore_kinds": ["type_checking"],
    }
    assert conversion.notes == [
        "contract 'layered': option 'exhaustive_ignores' has no auditor equivalent; dropped",
        "contract 'private': type 'private_modules' is not supported; skipped",
    ]


def test_setup_cfg_is_found_only_with_an_importlinter_section(tmp_path: Path) -> None:
    write(tmp_path, "setup.cfg", "[metadata]\nname = shop\n")
    assert find_import_linter_config(tmp_path) is None
    write(tmp_path, "setup.cfg", "[metadata]\nname = shop\n\n" + textwrap.dedent(INI))
    assert find_import_linter_config(tmp_path) == tmp_path / "setup.cfg"


def test_pyproject_contracts_carry_over(tmp_path: Path) -> None:
    conversion = convert_import_linter(write(tmp_path, "pyproject.toml", PYPROJECT))
    first, second = (c.value for c in conversion.settings["contracts"])
    assert first == {
        "id": "web-is-above-the-domain",
        "type": "layers",
        "layers": ["shop.web", "shop.domain"],
        "guidance": "Keep HTTP out of the domain.",
    }
    assert second == {
        "id": "protect-db",
        "type": "protected",
        "modules": ["shop.db"],
        "allowed_importers": ["shop.repositories"],
    }


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_cli_appends_to_pyproject_and_the_result_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "pyproject.toml", PYPROJECT)
    code, out, _ = run_cli(capsys, "init", str(tmp_path), "--from-import-linter", "--no-baseline")
    assert code == 0 and "wrote" in out
    text = (tmp_path / "pyproject.toml").read_text()
    data = tomllib.loads(text)
    assert data["project"]["name"] == "shop" and data["tool"]["importlinter"]["root_package"] == "shop"
    assert "# from import-linter contract: Only repositories import the db" in text
    config = load_config(tmp_path)
    assert [c.id for c in config.contracts] == ["web-is-above-the-domain", "protect-db"]
    assert validate_contract_types(config) == []


def test_cli_converts_an_ini_file_into_auditor_toml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "lint.ini", INI)
    code, _, err = run_cli(
        capsys, "init", str(tmp_path), "--from-import-linter", str(source), "--no-baseline"
    )
    assert code == 0
    assert "type 'private_modules' is not supported" in err
    config = load_config(tmp_path)
    assert config.config_path == (tmp_path / "auditor.toml").resolve()
    assert len(config.contracts) == 4 and validate_contract_types(config) == []


def test_cli_never_clobbers_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        PYPROJECT + '\n[tool.auditor]\npackages = ["mine"]\n\n[tool.other]\nx = 1\n',
    )
    code, _, err = run_cli(capsys, "init", str(tmp_path), "--from-import-linter", "--no-baseline")
    assert code == 2
    assert "already has [tool.auditor]; use --force to replace it" in err
    assert load_config(tmp_path).packages == ("mine",)
    code, _, _ = run_cli(capsys, "init", str(tmp_path), "--from-import-linter", "--no-baseline", "--force")
    assert code == 0
    data = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert data["tool"]["auditor"]["packages"] == ["shop"] and data["tool"]["other"] == {"x": 1}


def test_cli_without_import_linter_config_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "init", str(tmp_path), "--from-import-linter", "--no-baseline")
    assert code == 2 and "no import-linter configuration" in err


def test_broken_ini_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, ".importlinter", "[importlinter]\nroot_package = shop\nroot_package = again\n")
    code, _, err = run_cli(
        capsys, "init", str(tmp_path), "--from-import-linter", str(source), "--no-baseline"
    )
    assert code == 2 and f"{source}:3: invalid INI" in err
