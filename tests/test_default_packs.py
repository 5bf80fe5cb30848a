"""Defaults that do not pass silently: no `packs` key means the built-in security pack, `packs = []`
opts out, and a project with no configuration at all is checked with discovered packages and the
default pack, with a one-line hint on stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.cli.main import main
from auditor.config import load_config

DEFAULT_PACK = "python-security"
HINT = (
    "auditor: no configuration found; using discovered packages and builtin:python-security "
    "(run `auditor init` to write one)"
)
RISKY = (
    "import subprocess\n\nimport yaml\n\n\ndef run(x, data):\n"
    "    subprocess.run('tar czf ' + x, shell=True)\n    return yaml.load(data)\n"
)


@pytest.fixture(autouse=True)
def _quiet_semgrep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    monkeypatch.setenv("SEMGREP_SEND_METRICS", "off")


def _project(root: Path, config: str | None) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "jobs.py").write_text(RISKY)
    if config is not None:
        (root / "auditor.toml").write_text(config)
    return root


def test_no_packs_key_means_the_security_pack(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, 'packages = ["app"]\n'))
    assert [p.name for p in config.packs] == [DEFAULT_PACK]
    assert config.semgrep_rules


def test_empty_packs_opts_out(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, 'packages = ["app"]\npacks = []\n'))
    assert config.packs == () and config.semgrep_rules == ()


def test_no_config_at_all_means_the_security_pack(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, None))
    assert config.config_path is None
    assert [p.name for p in config.packs] == [DEFAULT_PACK]


def test_check_without_config_reports_the_risky_calls_and_hints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.environ.get("AUDITOR_SEMGREP"):
        pytest.skip("a stand-in semgrep is configured")
    root = _project(tmp_path, None)
    code = main(["check", str(root), "--format", "json"])
    out, err = capsys.readouterr()
    rules = {(f["rule"], f["path"]) for f in json.loads(out)["findings"]}
    assert code == 1
    assert {("command-injection", "app/jobs.py"), ("unsafe-deserialization", "app/jobs.py")} <= rules
    assert HINT in err.splitlines()


def test_the_hint_is_quiet_with_q_and_absent_with_a_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path / "a", None)
    main(["check", str(root), "--no-semgrep", "-q"])
    assert HINT not in capsys.readouterr().err
    configured = _project(tmp_path / "b", "packs = []\n")
    main(["check", str(configured), "--no-semgrep"])
    assert HINT not in capsys.readouterr().err
