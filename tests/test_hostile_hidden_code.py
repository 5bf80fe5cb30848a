"""Code hidden from the scan: every file that may hold code and is not analysed shows in every
output, and the run is incomplete.

Reproduced before the fix: `app/api/my view.py` (loadable with importlib: spec_from_file_location)
was neither checked by the contracts nor scanned by semgrep, and no output said so. Two 9.5 MB
files handed to semgrep ran past 15 minutes (semgrep applies --max-target-bytes only to the files
it finds itself, not to targets named on its command line), and when its total timeout fired
every security finding was lost.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from hostile.cli import run_cli
from init_projects import write_files

from auditor.discover import discover
from auditor.security import scan_targets

BASE = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "import os\n",
    "app/domain/__init__.py": "",
    "app/domain/model.py": "import os\n",
}
HIDDEN = {
    "app/api/my view.py": "from app.api import views\n",  # a space: importlib loads it by path
    "app/api/settings.local.py": "import os\n",  # a dot in the stem
    "app/api/tab\tname.py": "import os\n",
    "app/domain/some dir/deep.py": "import os\n",  # a folder that is no module name
    "app/domain/v1.0/x.py": "import os\n",
}
SILENT = {
    "app/api/stub name.pyi": "x: int\n",  # a stub runs nothing
    "app/api/.ipynb_checkpoints/views-checkpoint.py": "import os\n",  # a hidden tool folder
    "app/api/notes.txt": "not code\n",
}
CONFIG = (
    '[tool.auditor]\npackages = ["app"]\npacks = []\n\n'
    '[tool.auditor.layers]\napi = ["app.api.**"]\ndomain = ["app.domain.**"]\n\n'
    '[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\nlayers = ["api", "domain"]\n'
)


def test_discovery_lists_python_files_it_cannot_name(tmp_path: Path) -> None:
    write_files(tmp_path, {**BASE, **HIDDEN, **SILENT})
    found = discover(tmp_path)
    errors = {e.path: e.message for e in found.errors}
    assert set(errors) == set(HIDDEN), errors
    assert "not a module name" in errors["app/api/my view.py"]
    assert "folder" in errors["app/domain/some dir/deep.py"]
    assert {f.rel_path for f in found.files} == set(BASE)


def test_excluded_or_ignored_hidden_files_are_not_listed(tmp_path: Path) -> None:
    write_files(tmp_path, {**BASE, **HIDDEN, ".gitignore": "*.local.py\nsome dir/\n"})
    found = discover(tmp_path, exclude=["app/api/my view.py", "app/api/tab*", "app/domain/v1.0"])
    assert found.errors == []


def test_a_fifo_gitignore_does_not_hang_the_walk(tmp_path: Path) -> None:
    write_files(tmp_path, BASE)
    os.mkfifo(tmp_path / ".gitignore")
    run = run_cli(["graph", "--format", "json", "--no-cache"], cwd=tmp_path, timeout=60)
    run.assert_clean(codes=(0,))


FORMATS = ("json", "sarif", "gitlab", "junit", "github", "markdown", "text")


@pytest.fixture(scope="module")
def hidden_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    root = write_files(tmp_path_factory.mktemp("hidden"), {**BASE, **HIDDEN, "pyproject.toml": CONFIG})
    outputs = {}
    for fmt in FORMATS:
        run = run_cli(["check", "--no-semgrep", "--no-cache", "--format", fmt], cwd=root, timeout=120)
        run.assert_clean(codes=(1,))
        outputs[fmt] = (run.code, run.stdout)
    report = root.parent / "report"
    run = run_cli(["audit", "--no-semgrep", "--no-cache", "--no-history", "--out", str(report)], cwd=root)
    run.assert_clean(codes=(1,))
    outputs["html"] = (run.code, (report / "index.html").read_text())
    allowed = run_cli(["check", "--no-semgrep", "--no-cache", "--allow-incomplete"], cwd=root)
    outputs["allowed"] = (allowed.code, allowed.stdout)
    return outputs


@pytest.mark.parametrize("fmt", [*FORMATS, "html"])
def test_hidden_files_show_in_every_output(hidden_outputs: dict[str, tuple[int, str]], fmt: str) -> None:
    code, text = hidden_outputs[fmt]
    assert code == 1  # incomplete: code nobody checked
    if fmt == "sarif":  # artifact locations are URIs
        text = unquote(text)
    for rel in ("my view.py", "settings.local.py", "deep.py", "x.py"):
        assert rel in text, f"{rel} missing from {fmt}"
    if fmt == "json":
        doc = json.loads(text)
        assert doc["run"]["incomplete"] is True
        assert {e["path"] for e in doc["errors"]} == set(HIDDEN)
    if fmt == "junit":
        ET.fromstring(text)
    if fmt == "text":
        assert re.search(r"^  app/api/my view\.py: not a module name", text, re.MULTILINE), text


def test_allow_incomplete_still_lists_them(hidden_outputs: dict[str, tuple[int, str]]) -> None:
    code, text = hidden_outputs["allowed"]
    assert code == 0 and "my view.py" in text and "incomplete run (allowed)" in text


# ---- what semgrep is handed: per-file and total size limits ---------------------------------


def test_scan_targets_apply_the_file_and_total_limits(tmp_path: Path) -> None:
    sizes = {"a.py": 500, "big.py": 2000, "c.py": 900, "d.py": 900, "e.py": 950}
    write_files(tmp_path, {f"app/{name}": "#" * (size - 1) + "\n" for name, size in sizes.items()})
    modules = {f"app.{name[:-3]}": f"app/{name}" for name in sizes}
    targets, skipped = scan_targets(tmp_path, None, modules.values(), max_file_bytes=1000, max_total_bytes=3000)
    assert targets == ["app/a.py", "app/c.py", "app/d.py"]  # smallest first, then by path
    reasons = {e.path: e.message for e in skipped}
    assert set(reasons) == {"app/big.py", "app/e.py"}
    assert reasons["app/big.py"] == (
        "not scanned by semgrep: 2,000 bytes, over [semgrep] max_target_bytes = 1,000"
    )
    assert reasons["app/e.py"] == (
        "not scanned by semgrep: the files before it total 2,300 bytes; "
        "[semgrep] max_total_bytes = 3,000"
    )


SEMGREP_CONFIG = (
    '[tool.auditor]\npackages = ["app"]\npacks = ["builtin:python-security"]\n\n'
    "[tool.auditor.semgrep]\nmax_target_bytes = 4000\nmax_total_bytes = 6000\n"
)
SECRET = 'api_key = "0123456789abcdef0123"\n'


def test_files_over_the_semgrep_limits_are_listed_and_the_run_is_incomplete(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": SEMGREP_CONFIG,
        "app/__init__.py": "",
        "app/small.py": SECRET,  # scanned: its finding is kept
        "app/huge.py": SECRET + "x = 1\n" * 1000,  # 6 KB: over the per-file limit
        "app/mid_a.py": SECRET + "y = 2\n" * 500,  # 3 KB each: the second is over the total
        "app/mid_b.py": SECRET + "y = 2\n" * 500,
    }
    write_files(tmp_path, files)
    run = run_cli(["check", "--no-cache", "--format", "json"], cwd=tmp_path, timeout=300)
    run.assert_clean(codes=(1,))
    doc = run.json()
    errors = {e["path"]: e["message"] for e in doc["errors"]}
    assert errors["app/huge.py"].startswith("not scanned by semgrep: ")
    assert "max_target_bytes = 4,000" in errors["app/huge.py"]
    assert "max_total_bytes = 6,000" in errors["app/mid_b.py"]
    assert doc["run"]["incomplete"] is True
    assert any("2 files not scanned by semgrep" in r for r in doc["run"]["incomplete_reasons"])
    found = {f["path"] for f in doc["findings"] if f["kind"] == "security"}
    assert found == {"app/small.py", "app/mid_a.py"}
    assert "not scanned by semgrep" in run.stderr  # the reason the exit code is 1
