"""A warm `auditor check --no-semgrep` imports only what it uses: not the parser, not the semgrep
runner (nor its YAML parser), not the report renderers or the other commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NOT_ON_A_WARM_CHECK = (
    "libcst",
    "yaml",
    "auditor.parse.source",
    "auditor.security.runner",
    "auditor.security.render",
    "auditor.report.html",
    "auditor.cli.demo_cmd",
    "auditor.cli.audit_cmd",
    "auditor.cli.init_cmd",
)


def project(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "low.py").write_text("X = 1\n")
    (root / "pkg" / "high.py").write_text("from pkg import low\n")
    config = root / "auditor.toml"
    config.write_text(
        'packages = ["pkg"]\n\n[[contracts]]\nid = "layers"\ntype = "layers"\nlayers = ["pkg.high", "pkg.low"]\n'
    )
    return config


def test_a_warm_check_loads_neither_the_parser_nor_semgrep_nor_other_commands(tmp_path: Path) -> None:
    config = project(tmp_path / "proj")
    argv = ["check", str(tmp_path / "proj"), "--config", str(config), "--no-semgrep", "-q",
            "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
    code = (
        "import json, sys; from auditor.cli.main import main;"
        f"code = main({argv!r});"
        "print(json.dumps([code, sorted(sys.modules)]))"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # fills the cache
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    exit_code, modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert exit_code == 0
    assert "auditor.contracts.layers" in modules  # it did check the contract
    assert [m for m in NOT_ON_A_WARM_CHECK if m in modules] == []


NOT_ON_A_WARM_PREMERGE_CHECK = (
    *NOT_ON_A_WARM_CHECK,
    "auditor.attribution",  # nothing new to attribute, no guardrail removed
    "auditor.drift.baseline",  # the project has no baseline
    "importlib.resources",  # the built-in packs' folder is found without it
    "auditor.pipeline.agent_queries",  # no --only
)


def test_a_warm_premerge_check_without_new_findings_loads_no_attribution(tmp_path: Path) -> None:
    """`check --base main` of a branch that edits a module and adds no finding: neither the
    attribution engine nor the baseline reader is imported (the default built-in pack is loaded)."""
    from gitrepo import git_env

    root = tmp_path / "proj"
    project(root)
    env = git_env({"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@x"})
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "base")):
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    (root / "pkg" / "low.py").write_text("X = 2\n")
    argv = ["check", str(root), "--base", "main", "--no-semgrep", "-q", "--cache-dir", str(tmp_path / "cache")]
    code = (
        "import json, sys; from auditor.cli.main import main;"
        f"code = main({argv!r});"
        "print(json.dumps([code, sorted(sys.modules)]))"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    exit_code, modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert exit_code == 0
    assert "auditor.contracts.layers" in modules and "auditor.pipeline.guardrail_check" in modules
    assert [m for m in NOT_ON_A_WARM_PREMERGE_CHECK if m in modules] == []


def test_a_check_outside_any_repository_neither_loads_the_blame_engine_nor_runs_git(tmp_path: Path) -> None:
    """A folder with no `.git` at or above it: attribution is unavailable, said without the blame
    engine and without asking git (a `git` on PATH that would record being run is never run)."""
    import os

    import pytest

    from auditor.support.git import no_repository_at

    if not no_repository_at(tmp_path):
        pytest.skip("the temporary folder is inside a git repository here")
    config = project(tmp_path / "proj")
    (tmp_path / "proj" / "pkg" / "low.py").write_text("from pkg import high\n")  # a violation, on a line
    fake = tmp_path / "bin"
    fake.mkdir()
    ran = tmp_path / "git-ran"
    (fake / "git").write_text(f"#!/bin/sh\necho \"$@\" >> {ran}\nexit 128\n")
    (fake / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("GIT_DIR", None)
    argv = ["check", str(tmp_path / "proj"), "--config", str(config), "--no-semgrep", "--format", "json",
            "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
    code = (
        "import json, sys, io, contextlib; from auditor.cli.main import main;"
        f"out = io.StringIO();\nwith contextlib.redirect_stdout(out): code = main({argv!r})\n"
        "print(json.dumps([code, sorted(sys.modules), json.loads(out.getvalue())]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    exit_code, modules, report = json.loads(done.stdout.strip().splitlines()[-1])
    assert exit_code == 1 and [f["origin"] for f in report["findings"] if f["line"]] == ["unknown"]
    assert any("not a git repository" in w for w in report["run"]["warnings"])
    assert "auditor.attribution.engine" not in modules
    assert not ran.exists(), ran.read_text()
