"""The CI writers: SARIF against the official schema, GitLab field rules, JUnit, JSON round trip."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from drift_samples import HOSTILE, sample_result

from auditor.domain import Severity, Status
from auditor.domain.errors import ConfigError, UsageError
from auditor.report import FORMATS, render
from auditor.report.writers import gitlab, jsonreport, junit, sarif

SCHEMAS = Path(__file__).parent / "schemas"


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def test_sarif_validates_against_official_schema():
    doc = json.loads(sarif.write(sample_result()))
    jsonschema.validate(doc, _schema("sarif-2.1.0.json"))
    empty = json.loads(sarif.write(sample_result(findings=(), fixed=(), errors=())))
    jsonschema.validate(empty, _schema("sarif-2.1.0.json"))


def test_sarif_content_for_code_scanning():
    doc = json.loads(sarif.write(sample_result()))
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["layered", "raw-sql-in-view"]
    sec = rules[1]
    assert sec["properties"]["security-severity"] == "8.0"
    assert "security" in sec["properties"]["tags"] and "CWE-89" in sec["properties"]["tags"]
    assert "security-severity" not in rules[0]["properties"]
    assert (
        rules[0]["help"]["text"]
        and rules[0]["fullDescription"]["text"] == "Move the conversion into shop.api."
    )
    results = run["results"]
    assert len(results) == 5  # fixed findings are not results
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith("/")
        assert r["partialFingerprints"]["auditor/v1"]
    states = {r["partialFingerprints"]["auditor/v1"]: r["baselineState"] for r in results}
    assert states == {"c1": "new", "c2": "unchanged", "s1": "new", "s2": "unchanged", "h1": "new"}
    spaced = next(r for r in results if r["partialFingerprints"]["auditor/v1"] == "s2")
    assert spaced["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "shop/api/x%20y.py"
    assert spaced["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "endLine": 5}
    s1 = next(r for r in results if r["partialFingerprints"]["auditor/v1"] == "s1")
    assert s1["properties"]["origin"] == "ai" and s1["properties"]["agent"] == "claude-code"
    c1 = next(r for r in results if r["partialFingerprints"]["auditor/v1"] == "c1")
    assert c1["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "shop/domain/models.py"
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is True
    assert inv["toolExecutionNotifications"][0]["message"]["text"] == "syntax error at line 3"


def test_sarif_incomplete_run_is_not_successful():
    from dataclasses import replace

    result = sample_result()
    result = replace(
        result, info=replace(result.info, incomplete=True, incomplete_reasons=("semgrep: timed out",))
    )
    doc = json.loads(sarif.write(result))
    jsonschema.validate(doc, _schema("sarif-2.1.0.json"))
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert any(n["message"]["text"] == "semgrep: timed out" for n in inv["toolExecutionNotifications"])


def test_gitlab_follows_code_quality_field_rules():
    items = json.loads(gitlab.write(sample_result()))
    jsonschema.validate(items, _schema("gitlab-codequality.schema.json"))
    assert len(items) == 6  # 5 findings (suppressed ones left out) and 1 file not analysed
    fps = [i["fingerprint"] for i in items]
    assert len(set(fps)) == len(fps)
    assert all(len(fp) == 32 and int(fp, 16) >= 0 for fp in fps)
    by_check = {(i["check_name"], i["location"]["lines"]["begin"]): i["severity"] for i in items}
    assert by_check[("layered", 3)] == "major"
    assert by_check[("raw-sql-in-view", 10)] == "critical"
    assert by_check[("raw-sql-in-view", 4)] == "minor"  # a warning unchanged since the base: not failing
    assert by_check[("auditor-not-analysed", 1)] == "minor"


def test_gitlab_fingerprints_unique_even_when_findings_collide():
    from dataclasses import replace

    result = sample_result()
    dup = replace(result, findings=(*result.findings, replace(result.findings[0], line=99)))
    items = json.loads(gitlab.write(dup))
    fps = [i["fingerprint"] for i in items]
    assert len(items) == 7 and len(set(fps)) == 7  # 6 findings and 1 file not analysed
    # stable across runs
    assert gitlab.write(dup) == gitlab.write(dup)


def test_junit_one_testcase_per_rule_with_failures():
    root = ET.fromstring(junit.write(sample_result(), rules=["no-cycles"]))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"layered", "raw-sql-in-view", "independent-checks", "no-cycles", "analysis"}
    assert cases["layered"].find("failure") is not None
    assert "1 finding(s)" in cases["layered"].find("failure").get("message")  # c2 is baselined
    assert "shop/domain/models.py:30" in cases["layered"].find("system-out").text
    assert cases["independent-checks"].find("failure") is None
    assert cases["no-cycles"].find("failure") is None
    # a file not analysed, but the run not incomplete: listed, not failed
    assert cases["analysis"].find("skipped") is not None and root.get("errors") == "0"
    suite = root.find("testsuite")
    assert suite.get("tests") == "5" and suite.get("failures") == "2" and suite.get("errors") == "0"
    assert suite.get("skipped") == "1"
    verdict = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert verdict["verdict"] == "failed: 3 open findings at or above error"
    # the persisting warning: unchanged since the base, it fails no pre-merge check; in a run
    # without a base ref it fails with fail_on=warning
    assert "x y.py" in cases["raw-sql-in-view"].find("system-out").text
    nightly = sample_result()
    nightly = replace(nightly, info=replace(nightly.info, base=None), fail_on=Severity.WARNING)
    strict = ET.fromstring(junit.write(nightly))
    failure = next(c for c in strict.iter("testcase") if c.get("name") == "raw-sql-in-view").find("failure")
    assert failure.get("message").startswith("3 finding(s)")
    failure_text = cases["raw-sql-in-view"].find("failure").text
    assert "<script>" in failure_text  # parsed back: the XML itself escaped it
    assert "\x1b" not in junit.write(sample_result())  # illegal XML characters dropped


def test_json_contract_keys_and_round_trip():
    result = sample_result()
    text = jsonreport.write(result)
    doc = json.loads(text)
    assert {"tool", "run", "findings", "fixed", "attribution", "errors"} <= set(doc)
    assert doc["tool"] == {"name": "auditor", "version": "0.1.0"}
    assert {"commit", "base", "incomplete", "stages"} <= set(doc["run"])
    required = {
        "fingerprint", "rule", "kind", "severity", "message", "path", "line", "end_line", "status",
        "origin", "agent", "model", "commit", "evidence", "owner", "cwe", "chain",
    }  # fmt: skip
    for f in doc["findings"]:
        assert required <= set(f)
    c1 = next(f for f in doc["findings"] if f["fingerprint"] == "c1")
    assert c1["chain"] == [{"importer": "shop.domain.models", "imported": "shop.api.views", "line": 3}]
    assert doc["attribution"]["files"]["shop/api/views.py"] == {
        "ai": 10,
        "human": 5,
        "mixed": 0,
        "unknown": 0,
        "unmarked": 0,  # human lines decided by default (no marker)
    }
    assert doc["errors"] == [{"path": "shop/broken.py", "message": "syntax error at line 3"}]
    loaded = jsonreport.read_json_report(text)
    assert sorted(loaded.findings, key=lambda f: f.fingerprint) == sorted(
        result.findings, key=lambda f: f.fingerprint
    )
    assert loaded.fixed == result.fixed and loaded.errors == result.errors
    assert loaded.attribution.files == result.attribution.files
    assert jsonreport.write(loaded) == text


def test_json_loader_errors_are_precise():
    with pytest.raises(ConfigError) as err:
        jsonreport.read_json_report('{\n  "findings": [,]\n}', "r.json")
    assert str(err.value).startswith("r.json:2:")
    with pytest.raises(ConfigError):
        jsonreport.read_json_report("[]", "r.json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_and_order_independent(fmt):
    from dataclasses import replace

    result = sample_result()
    shuffled = replace(result, findings=tuple(reversed(result.findings)))
    out = render(result, fmt)
    assert out == render(shuffled, fmt)
    assert out.endswith("\n") and len(out) > 20


def test_unknown_format_is_usage_error():
    with pytest.raises(UsageError, match="unknown format 'yaml'"):
        render(sample_result(), "yaml")


def test_json_does_not_leak_raw_control_characters():
    out = render(sample_result(), "json")
    assert "\x1b" not in out and HOSTILE not in out
    assert any(f["message"] == HOSTILE for f in json.loads(out)["findings"])


def test_status_severity_in_json_are_plain_strings():
    doc = json.loads(render(sample_result(), "json"))
    assert {f["status"] for f in doc["findings"]} == {
        s.value for s in (Status.NEW, Status.BASELINED, Status.PERSISTING)
    }
    assert {f["severity"] for f in doc["findings"]} <= {s.value for s in Severity}


def test_json_schema_1_cycles_of_module_names_still_read_as_rings():
    doc = json.loads(jsonreport.write(sample_result()))
    doc["schema_version"], doc["cycles"] = 1, [["shop.a", "shop.b"]]
    result = jsonreport.read_json_report(json.dumps(doc))
    assert [(h.importer, h.imported) for h in result.cycles[0]] == [("shop.a", "shop.b"), ("shop.b", "shop.a")]
    assert json.loads(jsonreport.write(sample_result()))["schema_version"] == 2
