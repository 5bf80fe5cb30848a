"""`auditor attribution [PATH] [--format text|json]` on a real repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import GitRepo, isolate

from auditor.cli.main import main

CLAUDE = [("Co-Authored-By", "Claude Sonnet 4.5 <noreply@anthropic.com>")]


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate(monkeypatch)
    r = GitRepo(tmp_path / "repo")
    r.commit({"shop/__init__.py": "", "shop/api.py": "a = 1\nb = 2\n", "README.md": "x\n"}, "human start")
    r.commit({"shop/api.py": "a = 1\nb = 3\nc = 4\n", "shop/db.py": "q = 1\n"}, "agent", trailers=CLAUDE)
    r.commit({"shop/\x1b[31mred.py": "r = 1\n"}, "hostile file name")
    return r


def test_json_report(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attribution", str(repo.path), "--format", "json", "--no-cache"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files"]["shop/api.py"] == {
        "ai": 2,
        "human": 1,
        "mixed": 0,
        "unknown": 0,
        "unmarked": 1,  # line 1: a commit with no marker, human by default
        "total": 3,
        "ai_share": round(2 / 3, 4),
    }
    assert set(data["files"]) == {"shop/__init__.py", "shop/api.py", "shop/db.py", "shop/\x1b[31mred.py"}
    assert data["modules"]["shop"]["total"] == 0
    assert data["modules"]["shop.api"]["ai"] == 2
    assert data["by_agent"] == {"claude-code": 3}
    assert data["by_model"] == {"Claude Sonnet 4.5": 3}
    assert data["totals"]["ai"] == 3 and data["totals"]["human"] == 2
    assert data["totals"]["unmarked"] == 2  # every human line here rests on no marker
    assert data["available"] is True and data["shallow"] is False


def test_text_report_escapes_repository_strings(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["attribution", str(repo.path), "--cache-dir", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "shop/\\x1b[31mred.py" in out
    assert "claude-code" in out and "Claude Sonnet 4.5" in out
    row = next(line for line in out.splitlines() if line.startswith("shop/api.py"))
    assert row.split() == ["shop/api.py", "2", "1", "0", "0", "66.7"]
    assert "no marker: 2 of 5 lines (40.0%) are human by default" in out
    assert (tmp_path / "c" / "blame.sqlite").is_file()


def test_package_option_limits_files(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attribution", str(repo.path), "--format", "json", "--no-cache", "--package", "shop"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"shop/__init__.py", "shop/api.py", "shop/db.py"} <= set(data["files"])
    assert {"shop", "shop.api", "shop.db"} <= set(data["modules"])
    assert data["modules"]["shop.api"]["ai"] == 2


def test_bad_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attribution", str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err
