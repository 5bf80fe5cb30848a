"""Every way the semgrep stage can fail: a clear reason, an incomplete run, never a traceback."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from security_project import SEMGREP, config, copy_fixture, fake_semgrep, ref, scan

from auditor.config.model import SemgrepRuleRef
from auditor.domain import RulePackError
from auditor.security import validate_semgrep_rules

RULE = "code-injection.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_fixture("shopapp", tmp_path)


def run_with(root: Path, semgrep: str, *, timeout: int = 600):  # type: ignore[no-untyped-def]
    return scan(
        root, config(root, ref(RULE), total_timeout_s=timeout), root.parent / "cache", semgrep=semgrep
    )


def test_semgrep_not_installed(root: Path) -> None:
    outcome = run_with(root, str(root / "no-such-semgrep"))
    assert outcome.findings == []
    assert len(outcome.incomplete_reasons) == 1
    assert outcome.incomplete_reasons[0].startswith("semgrep not found: ")
    assert outcome.exit_code_hint == 1
    on_path = run_with(root, "semgrep-that-is-not-on-path")
    assert on_path.incomplete_reasons[0].startswith("semgrep not found: ")


def test_semgrep_crashing_on_a_signal(root: Path, tmp_path: Path) -> None:
    fake = fake_semgrep(tmp_path, "import signal\nos.kill(os.getpid(), signal.SIGSEGV)")
    outcome = run_with(root, fake)
    assert outcome.incomplete_reasons == ["semgrep crashed: killed by signal SIGSEGV"]


def test_semgrep_printing_garbage(root: Path, tmp_path: Path) -> None:
    fake = fake_semgrep(tmp_path, "print('<html>rate limited</html>'); sys.exit(0)")
    outcome = run_with(root, fake)
    assert outcome.incomplete_reasons == ["semgrep produced no JSON output (exit code 0)"]


@pytest.mark.parametrize(
    ("code", "meaning"),
    [(2, "fatal error"), (7, "invalid or missing rule configuration"), (8, "unknown language in a rule")],
)
def test_semgrep_bad_exit_without_json(root: Path, tmp_path: Path, code: int, meaning: str) -> None:
    fake = fake_semgrep(tmp_path, f"sys.stderr.write('boom: details here\\n'); sys.exit({code})")
    outcome = run_with(root, fake)
    assert outcome.incomplete_reasons == [f"semgrep produced no JSON output ({meaning}): boom: details here"]


def test_semgrep_exit_2_with_json_errors(root: Path, tmp_path: Path) -> None:
    body = (
        "print(json.dumps({'results': [], 'errors': [{'code': 2, 'level': 'error', 'type': 'Fatal error',"
        " 'message': 'out of memory\\nmore'}]})); sys.exit(2)"
    )
    outcome = run_with(root, fake_semgrep(tmp_path, body))
    assert outcome.incomplete_reasons == [
        "semgrep failed with exit code 2 (fatal error): Fatal error: out of memory more"
    ]


@pytest.mark.slow
def test_semgrep_timing_out_is_killed_with_its_children(root: Path, tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    body = (
        "import subprocess\n"
        f"child = subprocess.Popen(['sleep', '60'])\nopen({str(pidfile)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)"
    )
    start = time.monotonic()
    outcome = run_with(root, fake_semgrep(tmp_path, body), timeout=2)
    assert time.monotonic() - start < 30
    assert outcome.incomplete_reasons == ["semgrep timed out after 2 s (killed)"]
    child = int(pidfile.read_text())
    time.sleep(0.2)
    assert _gone_or_zombie(child)  # the whole process group was killed, not just semgrep


def _gone_or_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


@pytest.mark.slow
def test_per_file_parse_errors_become_analysis_errors(root: Path) -> None:
    (root / "shop" / "broken.py").write_text("eval(x)\n)))) ]]]] }}}\nclass :\n")
    (root / "shop" / "ok.py").write_text("def fine(x):\n    return eval(x)\n")
    outcome = run_with(root, SEMGREP)
    assert [e.path for e in outcome.errors] == ["shop/broken.py"]
    assert outcome.errors[0].message == (
        "semgrep: PartialParsing: Syntax error at line shop/broken.py:2: `)))) ]]]] }}} class :` was unexpected"
    )
    assert outcome.incomplete_reasons == ["semgrep could not fully analyse 1 file(s): shop/broken.py"]
    assert "shop/ok.py" in {f.path for f in outcome.findings}  # the rest of the run goes on


BAD_PATTERN = """rules:
  - id: broken-pattern
    message: m
    severity: ERROR
    languages: [python]
    metadata: {cwe: ["CWE-95: x"]}
    pattern: eval($X
"""


@pytest.mark.slow
def test_rule_semgrep_rejects_is_a_rule_pack_error(root: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_PATTERN)
    cfg = config(root, SemgrepRuleRef(path=str(bad), pack="mine"))
    with pytest.raises(
        RulePackError, match=r"bad\.yaml: semgrep rejected rule 'broken-pattern': Rule parse error"
    ):
        scan(root, cfg, tmp_path / "cache")
    errors = validate_semgrep_rules(cfg, semgrep=SEMGREP)
    assert len(errors) == 1
    assert str(errors[0]).startswith(
        f"{bad}: rule 'broken-pattern': Rule parse error in rule broken-pattern: "
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [\n", "invalid YAML"),
        ("other: 1\n", "a semgrep rule file needs a non-empty top-level 'rules' list"),
        (
            "rules:\n  - id: x\n    message: m\n    severity: ERROR\n    languages: [python]\n    pattern: a\n",
            "rule 'x': missing 'metadata' (with 'cwe')",
        ),
        (
            "rules:\n  - id: x\n    message: m\n    severity: LOUD\n    languages: [python]\n",
            "'severity' must be one of",
        ),
        ("rules:\n  - id: x\n    severity: ERROR\n    languages: [python]\n", "rule 'x': missing 'message'"),
    ],
)
def test_schema_checks_are_precise_and_offline(root: Path, tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    cfg = config(root, SemgrepRuleRef(path=str(bad), pack="mine"))
    with pytest.raises(RulePackError, match=re.escape(message)):
        scan(root, cfg, tmp_path / "cache", semgrep="/nonexistent")
    errors = validate_semgrep_rules(cfg, semgrep="/nonexistent")
    assert len(errors) == 1 and message in str(errors[0]) and str(errors[0]).startswith(str(bad))


def test_validate_reports_unknown_params_but_not_undefined_layers(root: Path) -> None:
    cfg = config(
        root,
        ref("route-without-auth.yaml", params={"auth_decorator": ["x"]}),
        ref("boundary-subprocess.yaml", except_layers=("shell",)),
        layers={"data": ("shop.db",)},
    )
    messages = [e.message for e in validate_semgrep_rules(cfg, semgrep="/nonexistent")]
    assert messages == [
        "unknown parameter(s) auth_decorator for route-without-auth.yaml"
        " (declared: auth_calls, auth_decorators, auth_dependencies, public_routes)",
    ]  # an undefined layer makes the entry inactive in a project, not invalid


def test_untested_semgrep_version_is_a_warning_not_a_failure(root: Path, tmp_path: Path) -> None:
    body = "print(json.dumps({'version': '0.50.0', 'results': [], 'errors': []}))"
    outcome = run_with(root, fake_semgrep(tmp_path, body))
    assert outcome.incomplete_reasons == []
    assert outcome.semgrep_version == "0.50.0"
    assert outcome.warnings == ["semgrep 0.50.0 is outside the tested range >=1.185,<2"]
