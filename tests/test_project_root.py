"""The project root is the folder of the configuration, found upward from PATH (default: the
current directory) and bounded by the git root; without a configuration, the nearest folder
upward with pyproject.toml / setup.py / setup.cfg, else the git top-level, else PATH. Cache,
baseline, history and the default report folder live under that root whatever the cwd."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import GitRepo

from auditor.cli.main import main
from auditor.config.project_root import locate_project
from auditor.support.cache_home import project_cache_dir

CONFIG = """
[tool.auditor]
packages = ["shop"]
packs = []

[[tool.auditor.contracts]]
id = "layered"
type = "layers"
layers = ["shop.api", "shop.domain"]
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def shop(root: Path, config: str | None = CONFIG) -> Path:
    files = {
        "shop/__init__.py": "",
        "shop/api/__init__.py": "",
        "shop/api/views.py": "from shop.domain import models\n",
        "shop/domain/__init__.py": "",
        "shop/domain/models.py": "from shop.api import views\n",
        "shop/domain/sub/__init__.py": "",
    }
    if config is not None:
        files["pyproject.toml"] = config
    return write(root, files)


# -- where the root is ---------------------------------------------------------------------------
def test_config_in_a_parent_is_the_root(tmp_path: Path) -> None:
    root = shop(tmp_path / "proj")
    found = locate_project(root / "shop" / "domain" / "sub")
    assert (found.root, found.config_file) == (root, root / "pyproject.toml")


def test_auditor_toml_wins_in_its_folder_and_a_pyproject_without_tool_auditor_is_passed(
    tmp_path: Path,
) -> None:
    root = write(tmp_path / "proj", {"auditor.toml": "packs = []\n", "lib/pyproject.toml": "[project]\n"})
    found = locate_project(root / "lib")
    assert (found.root, found.config_file) == (root, root / "auditor.toml")


def test_without_config_the_nearest_project_marker_is_the_root(tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {"setup.cfg": "[metadata]\n", "pkg/sub/__init__.py": ""})
    write(tmp_path, {"pyproject.toml": "[project]\n"})
    found = locate_project(root / "pkg" / "sub")
    assert (found.root, found.config_file) == (root, None)


def test_without_config_or_marker_the_git_top_level_is_the_root(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    write(repo.path, {"pkg/sub/__init__.py": ""})
    assert locate_project(repo.path / "pkg" / "sub").root == repo.path


def test_the_search_stops_at_the_git_root(tmp_path: Path) -> None:
    write(tmp_path, {"auditor.toml": "packs = []\n", "setup.py": ""})
    repo = GitRepo(tmp_path / "repo")
    write(repo.path, {"pkg/__init__.py": ""})
    found = locate_project(repo.path / "pkg")
    assert (found.root, found.config_file) == (repo.path, None)


def test_with_nothing_around_path_is_the_root(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": ""})
    assert locate_project(tmp_path / "pkg").root == tmp_path / "pkg"


# -- commands run from a subfolder ---------------------------------------------------------------
def _findings(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, list[tuple[str, str, int]]]:
    code = main(argv)
    report = json.loads(capsys.readouterr().out)
    return code, sorted((f["fingerprint"], f["path"], f["line"]) for f in report["findings"])


def _auditor_dirs(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob(".auditor"))


def test_check_from_a_subfolder_equals_check_at_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shop(tmp_path / "proj")
    at_root = _findings(capsys, ["check", str(root), "--format", "json"])
    assert at_root[0] == 1 and len(at_root[1]) == 1
    monkeypatch.chdir(root / "shop" / "domain" / "sub")
    assert _findings(capsys, ["check", "--format", "json"]) == at_root
    assert _findings(capsys, ["check", ".", "--format", "json"]) == at_root
    assert _auditor_dirs(root) == []  # the cache is the root's, in the user's cache folder
    assert (project_cache_dir(root) / "cache.sqlite").is_file()


def test_config_less_check_from_a_subfolder_uses_the_marker_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shop(tmp_path / "proj", config="[project]\nname = 'shop'\n")
    at_root = _findings(capsys, ["check", str(root), "--format", "json", "--no-semgrep"])
    monkeypatch.chdir(root / "shop" / "domain")
    assert _findings(capsys, ["check", "--format", "json", "--no-semgrep"]) == at_root
    assert _auditor_dirs(root) == []
    assert (project_cache_dir(root) / "cache.sqlite").is_file()
    assert not project_cache_dir(root / "shop" / "domain").exists()


def test_baseline_and_audit_from_a_subfolder_live_at_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shop(tmp_path / "proj")
    sub = root / "shop" / "domain" / "sub"
    monkeypatch.chdir(sub)
    assert main(["baseline"]) == 0
    assert (root / "auditor-baseline.json").is_file() and not (sub / "auditor-baseline.json").exists()
    capsys.readouterr()
    code, _ = _findings(capsys, ["check", "--format", "json"])
    assert code == 0  # the baseline at the root was read

    assert main(["audit"]) == 0
    capsys.readouterr()
    report = json.loads((root / "auditor-report" / "report.json").read_text())
    assert {f["status"] for f in report["findings"]} == {"baselined"}
    assert (root / ".auditor" / "history.sqlite").is_file()
    assert _auditor_dirs(root) == [Path(".auditor")]
    assert not (sub / "auditor-report").exists()

    # what the user types on the command line stays relative to the cwd
    assert main(["audit", "--out", "here", "--no-history"]) == 0
    assert (sub / "here" / "report.json").is_file()
    assert main(["check", "-o", "out.json", "--format", "json"]) == 0
    assert (sub / "out.json").is_file()
    assert main(["check", "--baseline", "none.json", "--format", "json"]) == 2  # cwd-relative, missing
    assert _auditor_dirs(root) == [Path(".auditor")]


def test_with_config_given_a_config_file_above_path_does_not_move_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `auditor check copy --config auditor.toml` with the file in copy's parent (as the Django
    # benchmark runs it): the root is found as without a config, here PATH itself
    work = shop(tmp_path / "work", config=None)
    (work / "auditor.toml").write_text('packages = ["shop"]\npacks = []\n')
    copy = work / "copy"
    copy.mkdir()
    (work / "shop").rename(copy / "shop")
    assert locate_project(copy, find_config=False).root == copy
    code = main(["check", str(copy), "--config", str(work / "auditor.toml"), "--format", "json"])
    assert code == 0, capsys.readouterr().err
    assert _auditor_dirs(work) == []
    assert (project_cache_dir(copy) / "cache.sqlite").is_file()
    assert not project_cache_dir(work).exists()
