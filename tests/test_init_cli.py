"""`auditor init` end to end: infer a config from a project's graph, write it, baseline today's
findings, and the first `auditor check` exits 0; on real PyPI packages too."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from init_projects import run_cli, write_files

from auditor.config import load_config

FILES = {
    "shop/__init__.py": "",
    "shop/api/__init__.py": "",
    "shop/api/views.py": "from shop.services import orders\nfrom shop.auth import tokens\n",
    "shop/services/__init__.py": "",
    "shop/services/orders.py": "from shop.domain import models\nimport sqlalchemy\n",
    "shop/domain/__init__.py": "",
    "shop/domain/models.py": "X = 1\n",
    "shop/domain/legacy.py": "from shop.api import views\n",
    "shop/auth/__init__.py": "",
    "shop/auth/tokens.py": "",
}


def make_project(root: Path, pyproject: str | None = None) -> Path:
    write_files(root, FILES)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(textwrap.dedent(pyproject))
    return root


def test_init_infers_layers_and_lists_the_upward_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path, '[project]\nname = "shop"\n')
    code, out, err = run_cli(capsys, "init", str(root), "--no-baseline", "--no-cache")
    assert code == 0, err
    assert "3 layers inferred (top to bottom: api > services > domain-auth); 1 upward imports" in err
    text = (root / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "shop"\n')
    assert "# upward: domain-auth -> api (1 imports, e.g. shop.domain.legacy:1 -> shop.api.views)" in text
    config = load_config(root)
    assert config.packages == ("shop",)
    assert config.contracts[0].options["layers"] == ["api", "services", "domain-auth"]
    assert config.surfaces["auth"] == ("shop.auth", "shop.auth.**")
    code, out, _ = run_cli(capsys, "rules", "validate", str(root))
    assert code == 0 and out.startswith("ok: ")


def test_init_excludes_files_that_cannot_be_parsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path)
    (root / "shop" / "scaffold_template.py").write_text("def {{ name }}():\n    return {{ value }}\n")
    code, out, err = run_cli(capsys, "init", str(root), "--no-semgrep", "--no-cache")
    assert code == 0, err
    assert "1 files could not be analysed; written to `exclude`" in err
    text = (root / "auditor.toml").read_text()
    assert "# files that cannot be analysed, left out so that a run is complete:" in text
    assert "# shop/scaffold_template.py: " in text
    assert load_config(root).exclude == ("/shop/scaffold_template.py",)
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache", "--format", "json")
    assert code == 0, out + err
    report = json.loads(out)
    assert report["errors"] == [] and not report["run"]["incomplete"]


def test_init_refuses_an_existing_auditor_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path)
    (root / "auditor.toml").write_text('packages = ["mine"]\n')
    code, _, err = run_cli(capsys, "init", str(root), "--no-baseline", "--no-cache")
    assert code == 2 and "auditor.toml exists; use --force" in err
    assert (root / "auditor.toml").read_text() == 'packages = ["mine"]\n'


def test_init_then_check_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path)
    code, out, err = run_cli(capsys, "init", str(root), "--no-semgrep", "--no-cache")
    assert code == 0, err
    assert (root / "auditor.toml").is_file() and (root / "auditor-baseline.json").is_file()
    assert "baselined" in out
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache")
    assert code == 0, out + err
    # the upward import is known (baselined), not silently allowed: counted, listed with -v
    assert "1 baselined" in out and "shop.domain.legacy" not in out
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache", "-v")
    assert code == 0 and "shop.domain.legacy" in out


@pytest.mark.realpkg
@pytest.mark.slow
@pytest.mark.parametrize(
    ("distribution", "version"),
    [
        ("attrs", "24.2.0"),
        ("requests", "2.32.3"),
        ("sqlalchemy", "2.0.36"),
        ("flask", "3.1.0"),
        ("datasette", "0.65.1"),
    ],
)
def test_init_on_real_packages(
    distribution: str, version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import realpkgs

    source = realpkgs.unpacked(distribution, version)
    root = tmp_path / distribution
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("*.dist-info", ".complete"))
    (root / ".git").mkdir()  # stop the upward config search here
    # one package goes through the security rules too: init baselines their findings as well
    semgrep = [] if distribution == "requests" else ["--no-semgrep"]
    code, out, err = run_cli(capsys, "init", str(root), *semgrep)
    assert code == 0, err
    code, out, err = run_cli(capsys, "rules", "validate", str(root))
    assert code == 0, err
    code, out, err = run_cli(capsys, "check", str(root), *semgrep)
    assert code == 0, out + err
    (contract,) = [c for c in load_config(root).contracts if c.pack is None]
    assert 3 <= len(contract.options["layers"]) <= 7, contract.options["layers"]


def test_modules_no_pattern_can_name_stay_in_no_layer_and_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path)
    (root / "shop" / "0001_initial.py").write_text("from shop.api import views\n")
    (root / "shop" / "données.py").write_text("from shop.domain import models\n")
    (root / "shop" / "odd:name(x)|y.py").write_text("import shop.auth\n")
    code, out, err = run_cli(capsys, "init", str(root), "--no-baseline", "--no-semgrep", "--no-cache")
    assert code == 0, err
    text = (root / "auditor.toml").read_text()
    assert "# Also 3 modules in no layer, reported as info findings: shop.0001_initial, " in text
    assert "# In no layer because no module pattern can name them: shop.0001_initial, " in text
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache", "--format", "json")
    report = json.loads(out)
    (contract,) = [c for c in load_config(root).contracts if c.pack is None]
    mine = [f for f in report["findings"] if f["rule"] == contract.id]
    assert sorted(f["importer"] for f in mine if f["imported"] is None) == sorted(
        ["shop.0001_initial", "shop.données", "shop.odd:name(x)|y"]
    )
    code, out, err = run_cli(capsys, "init", str(root), "--force", "--no-semgrep", "--no-cache")
    assert code == 0, err
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache")
    assert code == 0, out + err


def test_init_baseline_records_the_commit_so_renames_are_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gitrepo import GitRepo

    repo = GitRepo(tmp_path / "repo")
    repo.commit(FILES, "main")
    code, _, err = run_cli(capsys, "init", str(repo.path), "--no-semgrep", "--no-cache")
    assert code == 0, err
    baseline = json.loads((repo.path / "auditor-baseline.json").read_text())
    assert baseline["commit"] == repo.head()
