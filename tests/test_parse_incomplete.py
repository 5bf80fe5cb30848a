"""A file that cannot be analysed is an `errors` entry AND makes the run incomplete.

Its imports and findings are unknown, so a clean verdict would be a lie: the run says so in
one line ("N files could not be analysed (see errors)") and exits 1 unless
`--allow-incomplete`. Files the config excludes are not modules, so not errors either.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from gitrepo import GitRepo

from auditor.cli.main import main
from auditor.parse import MAX_FILE_BYTES

PYPROJECT = '[tool.auditor]\npackages = ["pkg"]\n{extra}'
GOOD = {"pkg/__init__.py": "", "pkg/good.py": "import pkg\n"}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def check(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = main(["check", str(root), "--no-semgrep", "--no-cache", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_a_syntax_error_makes_the_run_incomplete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"pyproject.toml": PYPROJECT.format(extra=""), **GOOD, "pkg/bad.py": "def (:\n"})
    code, doc, err = check(capsys, tmp_path)
    assert code == 1
    assert [e["path"] for e in doc["errors"]] == ["pkg/bad.py"]
    assert doc["run"]["incomplete"] is True
    assert doc["run"]["incomplete_reasons"] == ["1 file could not be analysed (see errors)"]
    assert "auditor: incomplete run: 1 file could not be analysed (see errors)" in err
    code, doc, _ = check(capsys, tmp_path, "--allow-incomplete")
    assert code == 0 and doc["run"]["incomplete"] is True


def test_every_kind_of_unanalysable_file_counts_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("import os\n")
    root = tmp_path / "proj"
    write(
        root,
        {
            "pyproject.toml": PYPROJECT.format(extra=""),
            **GOOD,
            "pkg/syntax.py": "x = = 1\n",
            "pkg/encoding.py": b"x = '\xff\xfe'\n",
            "pkg/nul.py": b"import a\x00\n",
            "pkg/deep.py": "x = " + "-" * 2000 + "1\n",
            "pkg/big.py": b"#" * (MAX_FILE_BYTES + 1),
            "pkg/sub/also_bad.py": "def (:\n",  # in a folder without __init__.py
        },
    )
    (root / "pkg" / "escape.py").symlink_to(outside)
    os.mkfifo(root / "pkg" / "pipe.py")
    code, doc, _ = check(capsys, root)
    bad = ["big", "deep", "encoding", "escape", "nul", "pipe", "sub/also_bad", "syntax"]
    assert sorted(e["path"] for e in doc["errors"]) == [f"pkg/{name}.py" for name in bad]
    assert code == 1
    assert doc["run"]["incomplete_reasons"] == [f"{len(bad)} files could not be analysed (see errors)"]


def test_excluded_files_are_not_modules_nor_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": PYPROJECT.format(extra='exclude = ["pkg/fixtures/"]\n'),
            ".gitignore": "pkg/scratch.py\n",
            **GOOD,
            "pkg/fixtures/__init__.py": "",
            "pkg/fixtures/broken.py": "def (:\n",
            "pkg/scratch.py": "def (:\n",
        },
    )
    code, doc, _ = check(capsys, tmp_path)
    assert (code, doc["errors"], doc["run"]["incomplete"]) == (0, [], False)


def test_an_analysed_file_with_a_bad_relative_import_is_not_incomplete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file was parsed and its other imports are known: the error is about one import."""
    write(tmp_path, {"pyproject.toml": PYPROJECT.format(extra=""), **GOOD, "pkg/up.py": "from ... import x\n"})
    code, doc, _ = check(capsys, tmp_path)
    assert [e["path"] for e in doc["errors"]] == ["pkg/up.py"]
    assert (code, doc["run"]["incomplete"]) == (0, False)


def test_check_base_with_a_file_broken_on_both_sides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its findings are unknown on both sides: nothing flips to new or fixed because of it, and
    the run is incomplete."""
    config = (
        '[tool.auditor]\npackages = ["shop"]\n[tool.auditor.layers]\napi = ["shop.api"]\n'
        'domain = ["shop.domain"]\n[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\n'
        'layers = ["api", "domain"]\n'
    )
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        {"pyproject.toml": config, "shop/__init__.py": "", "shop/api/__init__.py": "",
         "shop/api/views.py": "", "shop/domain/__init__.py": "",
         "shop/domain/models.py": "from shop.api import views\n",
         "shop/domain/broken.py": "from shop.api import views\ndef (:\n",
         "shop/domain/user.py": "from shop.domain import broken\n"},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"shop/domain/broken.py": "from shop.api import views\n# edited\ndef (:\n"}, "still broken")
    capsys.readouterr()
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["status"]) for f in doc["findings"]] == [("shop/domain/models.py", "persisting")]
    assert doc["fixed"] == []
    assert [e["path"] for e in doc["errors"]] == ["shop/domain/broken.py"]
    assert code == 1 and doc["run"]["incomplete_reasons"] == ["1 file could not be analysed (see errors)"]
