"""`auditor init` on a flat project (a few top-level modules and scripts, no package): the
importable top-level modules become root packages, layers are inferred over them, scripts that
are not module names are left out with a comment, and the first check exits 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from init_projects import run_cli, write_files

from auditor.config import load_config
from auditor.usecases.init.project import top_level_modules

FLAT = {
    "app.py": (
        "import models\nimport db\n\ndef create():\n    conn = db.connect()\n"
        "    conn.execute('select 1')\n    return conn\n"
    ),
    "models.py": "class User: ...\n",
    "db.py": "import sqlite3\nimport models\n\ndef connect():\n    return sqlite3.connect(':memory:')\n",
    "cli.py": "import app\n\nif __name__ == '__main__':\n    app.create()\n",
    "run-server.py": "import app\napp.create()\n",
    "2to3_fix.py": "print('one-off')\n",
    "setup.py": "from setuptools import setup\nsetup()\n",
    "tests/__init__.py": "",
    "tests/test_app.py": "import app\n",
    "README.md": "a flat project\n",
}


def test_top_level_modules_leave_scripts_and_tooling_out(tmp_path: Path) -> None:
    modules, left_out = top_level_modules(write_files(tmp_path, FLAT))
    assert modules == ["app", "cli", "db", "models"]
    assert dict(left_out) == {
        "2to3_fix.py": "a script, not an importable module name",
        "run-server.py": "a script, not an importable module name",
        "setup.py": "build or test tooling",
    }


def test_init_configures_a_flat_project_and_the_first_check_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_files(tmp_path / "flat", FLAT)
    code, out, err = run_cli(capsys, "init", str(root), "--no-semgrep", "--no-cache")
    assert code == 0, err
    assert "no package: configured the 4 top-level modules as root packages" in err
    config = load_config(root)
    assert config.packages == ("app", "cli", "db", "models")
    (contract,) = [c for c in config.contracts if c.pack is None]
    assert contract.options["layers"] == ["cli", "app", "data"]
    assert config.layers["data"] == ("db", "models")
    text = (root / "auditor.toml").read_text()
    assert "# top-level modules; left out: 2to3_fix.py (a script, not an importable module name)" in text
    assert "run-server.py (a script, not an importable module name)" in text
    assert "# 0 upward imports" in text
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache", "--format", "json")
    assert code == 0, out + err
    report = json.loads(out)
    assert len(report["modules"]) == 4 and not report["run"]["incomplete"]


def test_flat_project_with_an_upward_import_is_baselined(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_files(tmp_path / "flat", FLAT)
    (root / "models.py").write_text("def owner():\n    import app\n    return app\n")
    code, out, err = run_cli(capsys, "init", str(root), "--no-semgrep", "--no-cache")
    assert code == 0, err
    assert "# upward: data -> app (1 imports, e.g. models:2 -> app)" in (root / "auditor.toml").read_text()
    assert "baselined 1 findings" in out
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache")
    assert code == 0, out + err


def test_nothing_to_configure_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "run-me.py").write_text("print(1)\n")
    code, _, err = run_cli(capsys, "init", str(tmp_path), "--no-cache")
    assert code == 2
    assert "no Python package" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_flat_db_module_is_the_data_layer_of_the_security_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_files(tmp_path / "flat", FLAT)
    code, out, err = run_cli(capsys, "init", str(root), "--no-cache")
    assert code == 0, err
    code, out, err = run_cli(capsys, "check", str(root), "--no-cache", "--format", "json")
    assert code == 0, out + err
    boundary = [f for f in json.loads(out)["findings"] if f["rule"].endswith("boundary-database-access")]
    # database access is allowed in db.py (the `data` layer), reported (and baselined) in app.py
    assert {f["path"] for f in boundary} == {"app.py"}
    assert {f["status"] for f in boundary} == {"baselined"}
