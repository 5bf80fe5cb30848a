"""Packaging: the rule packs (top-level rules/) and the report templates (reports/templates/) ship
as the data packages auditor._rules and auditor._templates, are found only through the installed
package, and a broken installation says so in one line (exit 2). The wheel's file list is pinned
in test_packaging_wheel.py; scripts/wheel_smoke.sh installs a real wheel and runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tomli as tomllib

import auditor
from auditor.cli.main import main

REPO = Path(__file__).resolve().parents[1]
DATA_PACKAGES = {"auditor._rules": "rules", "auditor._templates": "reports/templates"}


def test_pyproject_lists_every_package_under_auditor_and_maps_the_data_packages() -> None:
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "auditor").rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == on_disk | set(DATA_PACKAGES)
    for package, folder in DATA_PACKAGES.items():
        assert setuptools["package-dir"][package] == folder
        assert (REPO / folder / "__init__.py").is_file()  # a regular package: files() is a real folder


def test_data_is_found_through_the_installed_package_from_any_folder(tmp_path: Path) -> None:
    """Run from a folder outside the checkout, as a user would (an editable install maps the data
    packages to the checkout's folders; a wheel carries them)."""
    script = (
        "from importlib import resources\n"
        "from auditor.support.resources import rules_dir, templates_dir\n"
        "assert rules_dir() == resources.files('auditor._rules'), rules_dir()\n"
        "assert templates_dir() == resources.files('auditor._templates'), templates_dir()\n"
        "print(rules_dir()); print(templates_dir())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    rules, templates = (Path(line) for line in done.stdout.splitlines())
    assert (rules / "python-security.toml").is_file()
    assert (rules / "python-security" / "code-injection.yaml").is_file()
    assert (rules / "agents.toml").is_file()
    assert (templates / "index.html.j2").is_file()


def write_project(root: Path, packs: str) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "views.py").write_text("def run(user_input):\n    return eval(user_input)\n")
    (root / "auditor.toml").write_text(f'packages = ["app"]\npacks = [{packs}]\n')
    return root


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert f"the auditor at {Path(auditor.__file__).parent} has no " in lines[0]  # where its code is
    return lines[0]


def test_missing_rule_packs_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "p", '"builtin:python-security"')
    monkeypatch.setitem(sys.modules, "auditor._rules", None)  # an installation without the package
    capsys.readouterr()
    assert main(["check", str(project), "--no-semgrep", "--no-cache"]) == 2
    line = one_error_line(capsys)
    assert line.startswith("auditor: error: ") and "auditor._rules" in line and "rule packs" in line


def test_missing_templates_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "p", "")
    monkeypatch.setitem(sys.modules, "auditor._templates", None)
    capsys.readouterr()
    code = main(["audit", str(project), "--no-semgrep", "--no-cache", "--no-history", "-q", "--out", str(tmp_path / "r")])
    assert code == 2
    line = one_error_line(capsys)
    assert line.startswith("auditor: error: ") and "auditor._templates" in line and "templates" in line
