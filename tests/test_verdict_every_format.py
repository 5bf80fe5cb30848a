"""One verdict per run: every output format shows the verdict the exit code follows.

The project has a warning-severity and an info-severity contract broken (no error), so the
verdict turns on --fail-on / the config's fail_on. An incomplete run (semgrep missing) fails
unless --allow-incomplete.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from auditor.cli.main import main

FORMATS = ("text", "json", "sarif", "gitlab", "junit", "github", "markdown")

CONFIG = """
[tool.auditor]
packages = ["shop"]
packs = {packs}
{fail_on}

[tool.auditor.layers]
api = ["shop.api"]
domain = ["shop.domain"]

[[tool.auditor.contracts]]
id = "layered"
type = "layers"
layers = ["api", "domain"]
severity = "warning"

[[tool.auditor.contracts]]
id = "no-json-in-domain"
type = "forbidden"
source_modules = ["shop.domain"]
forbidden_modules = ["json"]
severity = "info"
"""


def _project(root: Path, *, fail_on: str | None = None, packs: str = "[]") -> Path:
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "api.py").write_text("VERSION = 1\n")
    (root / "shop" / "domain.py").write_text("import json\nfrom shop import api\n")
    line = f'fail_on = "{fail_on}"' if fail_on else ""
    (root / "pyproject.toml").write_text(CONFIG.format(packs=packs, fail_on=line))
    return root


def verdict_of(fmt: str, text: str) -> str:
    """'passed' or 'failed', read the way a consumer of that format would read it."""
    if fmt == "text":
        match = re.fullmatch(r"auditor: (passed|failed)(: .*)?", text.rstrip().splitlines()[-1])
        assert match, text
        return match.group(1)
    if fmt == "json":
        return json.loads(text)["run"]["verdict"]["result"]
    if fmt == "sarif":
        return json.loads(text)["runs"][0]["properties"]["verdict"]["result"]
    if fmt == "gitlab":  # Code Quality has no verdict field: failing issues are major or worse
        severities = {issue["severity"] for issue in json.loads(text)}
        return "failed" if severities & {"major", "critical", "blocker"} else "passed"
    if fmt == "junit":
        suite = ET.fromstring(text).find("testsuite")
        assert suite is not None
        bad = int(suite.get("failures", "0")) + int(suite.get("errors", "0"))
        return "failed" if bad else "passed"
    if fmt == "github":
        last = text.rstrip().splitlines()[-1]
        command = last.split(" ", 1)[0].split("::")[1]
        word = "failed" if "auditor: failed" in last else "passed"
        assert (command == "error") == (word == "failed"), last
        return word
    if fmt == "markdown":
        first = text.splitlines()[0]
        return "failed" if "auditor: failed" in first else "passed"
    if fmt == "html":
        match = re.search(r'data-metric="verdict-result">auditor (passed|failed)', text)
        assert match, "no verdict in the HTML report"
        return match.group(1)
    raise AssertionError(fmt)


CASES = [
    # (config fail_on, --fail-on, expected)
    (None, None, "passed"),  # default: error; the project has no error
    (None, "error", "passed"),
    (None, "warning", "failed"),
    (None, "info", "failed"),
    ("warning", None, "failed"),  # the config decides when the flag is absent
    ("info", None, "failed"),
    ("warning", "error", "passed"),  # the flag wins over the config
]


@pytest.mark.parametrize(("config_fail_on", "flag", "expected"), CASES)
def test_every_format_shows_the_verdict_the_exit_code_follows(
    tmp_path, capsys, config_fail_on, flag, expected
):
    root = _project(tmp_path / "p", fail_on=config_fail_on)
    extra = ["--fail-on", flag] if flag else []
    want_code = 0 if expected == "passed" else 1
    for fmt in FORMATS:
        out = tmp_path / f"out.{fmt}"
        code = main(["check", str(root), "--no-semgrep", "--format", fmt, "-o", str(out), *extra])
        text = out.read_text(encoding="utf-8")
        assert (code, verdict_of(fmt, text)) == (want_code, expected), fmt
    report = tmp_path / "report"
    code = main(["audit", str(root), "--no-semgrep", "--no-history", "--out", str(report), *extra])
    assert code == want_code
    assert verdict_of("html", (report / "index.html").read_text(encoding="utf-8")) == expected
    assert verdict_of("json", (report / "report.json").read_text(encoding="utf-8")) == expected
    assert verdict_of("sarif", (report / "report.sarif").read_text(encoding="utf-8")) == expected
    capsys.readouterr()


@pytest.mark.parametrize("allow", [False, True])
def test_an_incomplete_run_fails_in_every_format_unless_allowed(tmp_path, monkeypatch, capsys, allow):
    monkeypatch.setenv("AUDITOR_SEMGREP", str(tmp_path / "no-such-semgrep"))
    root = _project(tmp_path / "p", packs='["builtin:python-security"]')
    extra = ["--allow-incomplete"] if allow else []
    expected = "passed" if allow else "failed"
    for fmt in FORMATS:
        out = tmp_path / f"out.{fmt}"
        code = main(["check", str(root), "--format", fmt, "-o", str(out), *extra])
        text = out.read_text(encoding="utf-8")
        assert (code, verdict_of(fmt, text)) == (0 if allow else 1, expected), fmt
        assert "semgrep" in text, f"{fmt} does not say which stage failed"
    capsys.readouterr()


def test_no_semgrep_is_visible_in_every_format(tmp_path, capsys):
    root = _project(tmp_path / "p", packs='["builtin:python-security"]')
    for fmt in FORMATS:
        out = tmp_path / f"out.{fmt}"
        main(["check", str(root), "--no-semgrep", "--format", fmt, "-o", str(out)])
        text = out.read_text(encoding="utf-8")
        if fmt == "markdown":
            text = text.replace("\\", "")  # markdown escapes the dashes
        assert "--no-semgrep" in text, fmt
    capsys.readouterr()


@pytest.mark.slow
def test_an_inactive_rule_is_visible_in_every_format(tmp_path, capsys):
    from auditor.report import render
    from auditor.report.html import render_html
    from auditor.report.writers.jsonreport import read_json_report

    root = _project(tmp_path / "p", packs='["builtin:python-security"]')  # no `clients` layer
    out = tmp_path / "out.json"
    main(["check", str(root), "--format", "json", "-o", str(out)])
    result = read_json_report(out.read_text(encoding="utf-8"))
    inactive = dict(result.health.inactive_rules)
    assert "layer 'clients' is not defined" in inactive["boundary-outbound-http"]
    for fmt in FORMATS:
        text = render(result, fmt)
        if fmt == "markdown":
            text = text.replace("\\", "")  # markdown escapes the dashes
        assert "boundary-outbound-http" in text, fmt
    assert "boundary-outbound-http" in render_html(result)
    capsys.readouterr()
