"""The wheel and the sdist, built offline from a copy of the tree that also holds what the demo and
earlier runs leave behind: every file of rules/ and reports/templates/ is inside (as
auditor/_rules/... and auditor/_templates/...), nothing generated is.

Builds use this venv's setuptools (`pip wheel --no-deps --no-build-isolation --no-index`), so no
network is needed. scripts/wheel_smoke.sh goes further: it installs the wheel and runs it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from auditor import __version__

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DIST_INFO = f"drift_auditor-{__version__}.dist-info/"
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".cache", ".*_cache", "__pycache__", "*.egg-info", "build", "dist", ".auditor",
    "auditor-demo", "auditor-report",
)  # fmt: skip
# What running the demo, audits, tests and earlier builds leave in a checkout: never packaged.
GENERATED = {
    "auditor-demo/shop/__init__.py": "",
    "auditor-demo/shop/api/views.py": "X = 1\n",
    "auditor-demo/report/index.html": "<html></html>",
    "auditor-report/index.html": "<html></html>",
    "auditor-report/report.json": "{}",
    ".auditor/history.sqlite": "",
    ".auditor/cache/facts.db": "",
    "build/leftover/auditor/stray.py": "",
    ".cache/realpkgs/pkg/__init__.py": "",
    "rules/python-security/__pycache__/code-eval.cpython-311.pyc": "",
    "reports/templates/__pycache__/__init__.cpython-311.pyc": "",
}


def shipped_files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def pip_wheel(source: Path, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(out), str(source)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    (wheel,) = out.glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("tree") / "drift-auditor"
    shutil.copytree(REPO, copy, ignore=NOT_SOURCE)
    for rel, text in GENERATED.items():
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        (copy / rel).write_text(text)
    return copy


@pytest.fixture(scope="module")
def wheel_names(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return zipfile.ZipFile(pip_wheel(tree, tmp_path_factory.mktemp("dist"))).namelist()


def test_wheel_carries_every_rule_and_template_file(wheel_names: list[str]) -> None:
    names = set(wheel_names)
    rules = {n.removeprefix("auditor/_rules/") for n in names if n.startswith("auditor/_rules/")}
    templates = {n.removeprefix("auditor/_templates/") for n in names if n.startswith("auditor/_templates/")}
    assert rules == shipped_files(REPO / "rules")
    assert templates == shipped_files(REPO / "reports" / "templates")
    # the premise: semgrep rules with their test files, subfolders, the agent table, the README
    assert {"python-security/code-injection.yaml", "python-security/code-injection.py", "agents.toml"} <= rules
    assert {"README.md", "layered-web/tests/upward-imports/expected.toml"} <= rules
    assert "index.html.j2" in templates


def test_wheel_carries_the_code_and_nothing_generated(wheel_names: list[str]) -> None:
    expected = {
        *(f"auditor/{rel}" for rel in shipped_files(REPO / "auditor")),
        *(f"auditor/_rules/{rel}" for rel in shipped_files(REPO / "rules")),
        *(f"auditor/_templates/{rel}" for rel in shipped_files(REPO / "reports" / "templates")),
    }
    assert "auditor/py.typed" in expected and "auditor/cli/main.py" in expected
    assert sorted(n for n in wheel_names if not n.startswith(DIST_INFO)) == sorted(expected)


def test_sdist_carries_the_data_folders_and_builds_the_same_wheel(
    tree: Path, wheel_names: list[str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from setuptools import build_meta as b; print(b.build_sdist(sys.argv[1]))",
         str(tmp_path / "sdist")],
        cwd=tree, check=True, capture_output=True, text=True,
    )  # fmt: skip
    name = done.stdout.split()[-1]
    with tarfile.open(tmp_path / "sdist" / name) as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if m.isfile()}
        sdist.extractall(tmp_path / "unpacked", filter="data")
    assert {f"rules/{rel}" for rel in shipped_files(REPO / "rules")} <= members
    assert {f"reports/templates/{rel}" for rel in shipped_files(REPO / "reports" / "templates")} <= members
    assert not [m for m in members if m.startswith(("auditor-demo/", "auditor-report/", ".auditor/", "build/"))]
    assert not [m for m in members if m.startswith(".cache/") or m.endswith(".pyc")]
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    from_sdist = zipfile.ZipFile(pip_wheel(unpacked, tmp_path / "dist")).namelist()
    assert sorted(from_sdist) == sorted(wheel_names)
