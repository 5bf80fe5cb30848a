"""Definitions parsed on demand: review surfaces' public API run over run, and the function
that encloses a security finding.

The graph's facts hold no definitions: `audit` parses them for the modules in a surface only,
and `check` for the files with security findings, through the `file_definitions` cache.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from security_project import copy_fixture

from auditor.cli.main import main

CONFIG = 'packages = ["app"]\n\n[surfaces]\nauth = ["app.auth"]\n'
BEFORE = "import os\n\n\ndef login(user):\n    return user\n\n\nclass Session:\n    def open(self):\n        pass\n"
AFTER = (
    "import os\n\n\ndef login(user, password: str):\n    return user\n\n\nclass Session:\n"
    "    def open(self):\n        pass\n\n    def close(self):\n        pass\n"
)


def project(root: Path, *, surfaces: bool = True) -> None:
    (root / "app" / "auth").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "other.py").write_text("def helper(x):\n    return x\n")
    (root / "app" / "auth" / "__init__.py").write_text(BEFORE)
    (root / "auditor.toml").write_text(CONFIG if surfaces else 'packages = ["app"]\n')


def audit(root: Path, cache: Path) -> dict:
    assert main(["audit", str(root), "--no-semgrep", "--cache-dir", str(cache), "-q"]) == 0
    return json.loads((root / "auditor-report" / "report.json").read_text())


def defined_rows(cache: Path) -> int:
    with sqlite3.connect(cache / "cache.sqlite") as db:
        return int(db.execute("SELECT count(*) FROM file_definitions").fetchone()[0])


def test_signature_changes_in_a_surface_are_reported_with_their_lines(tmp_path: Path) -> None:
    root, cache = tmp_path / "proj", tmp_path / "cache"
    project(root)
    assert audit(root, cache)["api_changes"] == []
    assert defined_rows(cache) == 1  # app/auth/__init__.py only: no other module is in a surface
    (root / "app" / "auth" / "__init__.py").write_text(AFTER)
    changes = audit(root, cache)["api_changes"]
    assert [(c["name"], c["change"], c["before"], c["after"], c["line"]) for c in changes] == [
        ("Session.close", "added", None, "def close(self)", 12),
        ("login", "changed", "def login(user)", "def login(user, password: str)", 4),
    ]
    assert {c["path"] for c in changes} == {"app/auth/__init__.py"}


def test_no_surface_no_definitions_parsed(tmp_path: Path) -> None:
    root, cache = tmp_path / "proj", tmp_path / "cache"
    project(root, surfaces=False)
    audit(root, cache)
    assert defined_rows(cache) == 0


@pytest.mark.slow
def test_security_findings_name_their_enclosing_function(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    root, cache = copy_fixture("shopapp", tmp_path), tmp_path / "cache"
    (root / "auditor.toml").write_text('packages = ["shop"]\n')
    main(["check", str(root), "--cache-dir", str(cache), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    jwt = sorted((f["line"], f["extra"]) for f in findings if f["rule"] == "jwt-signature-not-verified")
    assert [(line, extra.get("enclosing"), extra.get("enclosing_kind")) for line, extra in jwt] == [
        (7, "claims", "function"),
        (12, "Tokens.peek", "function"),
    ]
    assert defined_rows(cache) == 1  # shop/auth/tokens.py, the one module with a finding in a scope


def test_a_warm_check_decodes_no_modules_facts(tmp_path: Path) -> None:
    """Definitions are looked up by the graph's module paths, not by reading every module's
    facts: a warm check on an unchanged tree leaves the snapshot's facts undecoded."""
    from auditor.graph.snapshot import LazyFacts
    from auditor.pipeline.analysis import analyse
    from auditor.pipeline.options import RunOptions

    root, cache = tmp_path / "proj", tmp_path / "cache"
    project(root)
    opts = RunOptions(root=root, cache_dir=cache, semgrep=False)
    analyse(opts)  # cold: fills the cache
    warm = analyse(opts)
    assert isinstance(warm.graph.facts, LazyFacts)
    assert warm.graph.facts._decoded == {}
    assert not isinstance(warm.graph.facts._texts, dict)  # the facts part not even JSON-decoded
