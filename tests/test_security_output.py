"""Pure parts of the security stage: semgrep's JSON schema, matched text, redaction, identity."""

from __future__ import annotations

from auditor.domain import AnalysisError, FileDefinitions, Severity
from auditor.security.findings import identity_text, to_findings
from auditor.security.output import SemgrepMatch, exit_problem, parse_output
from auditor.security.redact import redact_literals
from auditor.security.render import RuleInfo


def no_definitions(path: str, source: bytes) -> FileDefinitions | None:
    return None

# the shape semgrep 1.x documents for `--json` (values as this version prints them offline)
SAMPLE = {
    "version": "1.185.0",
    "results": [
        {
            "check_id": "code-injection",
            "path": "app/a.py",
            "start": {"line": 2, "col": 11, "offset": 30},
            "end": {"line": 2, "col": 18, "offset": 37},
            "extra": {
                "message": "eval of a non-literal",
                "metadata": {"cwe": ["CWE-95: Eval Injection"]},
                "severity": "ERROR",
                "fingerprint": "requires login",
                "lines": "requires login",
            },
        },
        {"check_id": "broken-result-without-span", "path": "x.py"},
    ],
    "errors": [
        {
            "code": 3,
            "level": "warn",
            "type": ["PartialParsing", [{"path": "app/b.py"}]],
            "message": "Syntax error at line app/b.py:2:\n `)))` was unexpected",
            "path": "app/b.py",
        },
        {
            "code": 2,
            "level": "warn",
            "type": "Timeout",
            "rule_id": "slow-rule",
            "path": "app/c.py",
            "message": "Timeout",
        },
        {
            "code": 2,
            "level": "error",
            "type": "Rule parse error",
            "rule_id": "bad",
            "message": "Rule parse error in rule bad:\n x",
        },
    ],
    "paths": {"scanned": ["app/a.py", "app/b.py", "app/c.py"]},
}


def test_results_and_errors_follow_the_documented_schema() -> None:
    parsed = parse_output(SAMPLE)
    assert [
        (m.rule_id, m.path, m.line, m.start_offset, m.end_offset, m.severity) for m in parsed.matches
    ] == [("code-injection", "app/a.py", 2, 30, 37, "ERROR")]
    assert parsed.file_errors == [
        AnalysisError(
            "app/b.py", "semgrep: PartialParsing: Syntax error at line app/b.py:2: `)))` was unexpected"
        ),
        AnalysisError("app/c.py", "semgrep: Timeout (rule slow-rule): Timeout"),
    ]
    assert [(p.rule_id, p.message) for p in parsed.rule_problems] == [
        ("bad", "Rule parse error in rule bad: x")
    ]
    assert exit_problem(0, parsed) is None and exit_problem(1, parsed) is None
    assert (
        exit_problem(7, parsed) == "semgrep failed with exit code 7 (invalid or missing rule configuration)"
    )


def test_entries_outside_the_schema_are_counted_not_silently_dropped() -> None:
    assert parse_output(SAMPLE).malformed == 1  # its result without a span
    good = SAMPLE["results"][0]
    broken = {"check_id": "x", "path": "app/a.py"}  # no start / end
    parsed = parse_output({"results": [good, broken, 42, None], "errors": ["text", {"level": "warn"}]})
    assert [m.rule_id for m in parsed.matches] == ["code-injection"]  # the good one is kept
    assert parsed.malformed == 4
    assert parse_output({"results": "not a list", "errors": {"a": 1}}).malformed == 2


def test_matched_text_uses_byte_offsets_in_non_ascii_files() -> None:
    source = '# héllo wörld ✓\nx = "é"; eval(y)\n'.encode()
    match = parse_output(SAMPLE).matches[0]
    rules = {
        "code-injection": RuleInfo(
            "code-injection", "code-injection.yaml", "python-security", cwe=("CWE-95: x",)
        )
    }
    (finding,) = to_findings(
        [match], rules=rules, definitions=no_definitions, path_modules={"app/a.py": "app.a"},
        layers={"web": ("app",)}, surfaces={"auth": ("app.auth",)}, read=lambda _: source,
    )  # fmt: skip
    assert finding.snippet == "eval(y)"
    assert finding.severity is Severity.ERROR and finding.cwe == ("CWE-95",)
    assert finding.layers == ("web",) and finding.surfaces == ()


def test_identical_matches_in_one_scope_differ_by_occurrence_only() -> None:
    source = b"eval(y)\neval(y)\n"
    matches = [
        SemgrepMatch("r", "m.py", line, line, (line - 1) * 8, (line - 1) * 8 + 7, "msg", "WARNING")
        for line in (1, 2)
    ]
    first, second = to_findings(
        matches, rules={}, definitions=no_definitions, path_modules={}, layers={}, surfaces={}, read=lambda _: source
    )
    assert first.fingerprint != second.fingerprint
    again = to_findings(
        list(reversed(matches)),
        rules={},
        definitions=no_definitions,
        path_modules={},
        layers={},
        surfaces={},
        read=lambda _: source,
    )
    assert [f.fingerprint for f in again] == [first.fingerprint, second.fingerprint]


def test_redaction_hides_every_literal_and_key_material() -> None:
    assert redact_literals('password = "hunter2"') == 'password = "***"'
    assert redact_literals("t = f'{a}b' + rb'\\'x'") == "t = f'***' + rb'***'"
    assert redact_literals('"""multi\nline"""') == '"""***"""'
    assert redact_literals('x = "unterminated') == 'x = "***'
    assert redact_literals("key AKIAIOSFODNN7EXAMPLE") == "key ***"
    assert redact_literals("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----") == "***"
    assert redact_literals('empty = ""') == 'empty = ""'


def test_identity_of_a_matched_function_is_its_header() -> None:
    one = "@app.route('/a')\ndef a():\n    return 1\n"
    two = "@app.route('/a')\ndef a():\n    log()\n    return 2\n"
    assert identity_text(one) == identity_text(two) == "@app.route('/a') def a():"
    assert identity_text("eval(\n   x  )") == "eval( x )"
