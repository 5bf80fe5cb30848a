"""The audited code is data: plant code that would leave a marker file if anything imported or ran
it, in every place a careless tool might, run every command from inside the tree, and check that
no marker appears (and that the planted semgrep YAML is not picked up as a rule)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import GitRepo
from hostile.cli import CliRun, cli_env, run_cli

PLANTED_RULE = "planted-rule-from-the-audited-tree"


def _payload(markers: Path, name: str) -> str:
    return f"import pathlib\npathlib.Path({str(markers / name)!r}).write_text('executed')\n"


def plant(tree: Path, markers: Path) -> None:
    """Write the booby-trapped project: every file below would create markers/<name> if run."""
    trapped = {
        "app/__init__.py": "from app import mod\n",
        "app/__main__.py": "",
        "app/mod.py": "import app.api.views\n",
        "app/plugin.py": "def pytest_configure(config):\n    pass\n",
        "app/conftest.py": "",
        "app/api/__init__.py": "",
        "app/api/views.py": "from app.domain import model\nimport subprocess\nimport sys\nsubprocess.run('ls ' + sys.argv[1], shell=True)\n",
        "app/domain/__init__.py": "",
        "app/domain/model.py": "from app.api import views\n",  # an upward import: a finding
        "setup.py": "from setuptools import setup\nsetup()\n",
        "conftest.py": "pytest_plugins = ['app.plugin']\n",
        "sitecustomize.py": "",
        "usercustomize.py": "",
        "evil_backend.py": "def build_wheel(*a, **k):\n    return ''\n",
        "auditor/__init__.py": "",  # a package shadowing the auditor itself
        "auditor/cli/__init__.py": "",
        "auditor/cli/main.py": "def main():\n    return 0\n",
        "libcst/__init__.py": "",
        "networkx/__init__.py": "",
        "json/__init__.py": "",
        "tomli/__init__.py": "",
        "yaml/__init__.py": "",
        "jinja2/__init__.py": "",
        "semgrep/__init__.py": "",
        "packs/local/tests/case/fixture/__init__.py": "",
        "packs/local/tests/case/fixture/setup.py": "",
    }
    for rel, code in trapped.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_payload(markers, rel.replace("/", "__")) + code, encoding="utf-8")
    (tree / "evil.pth").write_text(
        f"import pathlib; pathlib.Path({str(markers / 'pth')!r}).write_text('executed')\n", encoding="utf-8"
    )
    (tree / "rules").mkdir()
    (tree / "rules" / "planted.yaml").write_text(
        f"rules:\n  - id: {PLANTED_RULE}\n    pattern: $X\n    message: planted\n"
        "    languages: [python]\n    severity: ERROR\n",
        encoding="utf-8",
    )
    (tree / ".semgrep.yml").write_text((tree / "rules" / "planted.yaml").read_text(), encoding="utf-8")
    (tree / "packs" / "local.toml").write_text(
        '[pack]\nname = "local"\nversion = "1.0.0"\n\n'
        '[[contracts]]\nid = "local-no-subprocess"\ntype = "forbidden"\n'
        'source_modules = ["fixture"]\nforbidden_modules = ["subprocess"]\n',
        encoding="utf-8",
    )
    (tree / "packs/local/tests/case/expected.toml").write_text(
        'packages = ["fixture"]\n\n[contracts.local-no-subprocess]\nmust_not = ["fixture -> subprocess"]\n',
        encoding="utf-8",
    )
    (tree / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "evil_backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "app"\nversion = "0.0.1"\n\n'
        '[tool.pytest.ini_options]\naddopts = "-p app.plugin"\n\n'
        '[tool.auditor]\npackages = ["app"]\npacks = ["builtin:python-security"]\n\n'
        '[tool.auditor.layers]\napi = ["app.api.**"]\ndomain = ["app.domain.**"]\n\n'
        '[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\nlayers = ["api", "domain"]\n',
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def trapped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, CliRun]]:
    base = tmp_path_factory.mktemp("never_execute")
    tree, markers = base / "tree", base / "markers"
    markers.mkdir()
    tree.mkdir()
    plant(tree, markers)
    repo = GitRepo(tree)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "booby-trapped project\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    # cwd = the tree for every command: a careless tool (or a `python -m` child) puts cwd on sys.path.
    # (PYTHONPATH is the user's choice and would load sitecustomize.py in any Python program.)
    env = cli_env()
    commands = {
        "graph": ["graph", "--format", "json"],
        "check": ["check", "--format", "json"],
        "audit": ["audit", "--out", str(base / "report"), "--no-semgrep"],
        "attribution": ["attribution", "--format", "json"],
        "rules validate": ["rules", "validate"],
        "rules list": ["rules", "list", "--format", "json"],
        "rules test": ["rules", "test", "packs/local.toml"],
        "rules explain": ["rules", "explain", "layered"],
        "baseline": ["baseline", "-o", str(base / "baseline.json")],
        "history": ["history", "--format", "json"],
        "init": ["init", "--force", "--no-semgrep"],
    }
    runs = {name: run_cli(args, cwd=tree, env=env, timeout=300) for name, args in commands.items()}
    return tree, markers, runs


def test_nothing_from_the_tree_ever_ran(trapped: tuple[Path, Path, dict[str, CliRun]]) -> None:
    _, markers, runs = trapped
    executed = sorted(p.name for p in markers.iterdir())
    assert executed == [], f"audited code was executed: {executed}"
    assert len(runs) == 11


@pytest.mark.parametrize(
    "name",
    ["graph", "check", "audit", "attribution", "rules validate", "rules list", "rules test",
     "rules explain", "baseline", "history", "init"],
)  # fmt: skip
def test_each_command_ran_cleanly(trapped: tuple[Path, Path, dict[str, CliRun]], name: str) -> None:
    run = trapped[2][name]
    run.assert_clean(codes=(0, 1))


def test_the_tree_was_really_analysed(trapped: tuple[Path, Path, dict[str, CliRun]]) -> None:
    """Guard against a vacuous pass: the trapped modules are in the graph and the upward
    import and the subprocess call were found."""
    _, _, runs = trapped
    graph = runs["graph"].json()
    names = {m["name"] for m in graph["modules"]}
    assert {"app", "app.mod", "app.__main__", "app.plugin", "app.conftest", "app.api.views"} <= names
    check = runs["check"].json()
    rules = {f["rule"] for f in check["findings"]}
    assert "layered" in rules, rules
    assert "command-injection" in rules, rules
    assert PLANTED_RULE not in json.dumps(check), "a semgrep YAML from the audited tree was loaded"
    assert runs["check"].code == 1
