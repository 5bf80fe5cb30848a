"""auditor's SARIF in DefectDojo's generic SARIF import ("SARIF" scan type).

What that parser expects, from its documentation and parser (dojo/tools/sarif/parser.py, read
as a reference): SARIF 2.1.0 with `runs[].tool.driver.name` (the test type) and `rules[].id`;
a result is imported unless its `kind` is other than "fail"; the title is `message.text`
(shortened to 150 characters); the severity is the result's `level` (note -> Info, warning ->
Medium, error -> High, else Medium), overridden by a rule's `properties.security-severity`
read as a CVSS score (>= 9 Critical, >= 7 High, >= 4 Medium, > 0 Low); the file and line are
each location's `physicalLocation.artifactLocation.uri` and `region.startLine` (required when
there is a region without byteOffset); `vuln_id_from_tool` is `ruleId`; the CWE is the last
`cwe-N` in the rule's `relationships` or `properties.tags` (or a string `properties.cwe` of the
result); tags are the rule's and the result's `properties.tags`; a result with `suppressions`
is imported as a false positive (inactive); for deduplication ("unique id from tool") the id is
built from `fingerprints`, else from `partialFingerprints`, whose keys are `name` or
`name/vN` (N an integer) and whose values are strings.

`dojo_view` applies those expectations to a real auditor SARIF, failing loudly where the parser
would fail or drop a result, and the tests check what DefectDojo would then hold.
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any
from urllib.parse import unquote

from drift_samples import sample_result

from auditor.domain import Status
from auditor.report import render

LEVELS = {"note": "Info", "warning": "Medium", "error": "High"}


def _cvss_severity(score: float) -> str:
    for floor, name in ((9, "Critical"), (7, "High"), (4, "Medium")):
        if score >= floor:
            return name
    return "Low" if score > 0 else "Info"


def _cwe(values: list[str]) -> int | None:
    found = [int(m.group(1)) for v in values if (m := re.search(r"cwe-(\d+)", v, re.IGNORECASE))]
    return found[-1] if found else None


def _unique_id(result: dict[str, Any]) -> str | None:
    for key in ("fingerprints", "partialFingerprints"):
        values = result.get(key)
        if not values:
            continue
        methods: dict[str, tuple[int, str]] = {}
        for name, value in values.items():
            assert isinstance(value, str)
            method, version = name, 0
            if "/" in name:
                method, tail = name.split("/")[-2], name.split("/")[-1]
                assert re.fullmatch(r"v?\d+", tail), f"{name}: DefectDojo reads the last segment as vN"
                version = int(tail.replace("v", ""))
            if method not in methods or methods[method][0] < version:
                methods[method] = (version, value)
        if key == "fingerprints":
            return next(iter(methods.values()))[1]
        return "|".join(f"{m}:{methods[m][1]}" for m in sorted(methods))
    return None


def dojo_view(sarif: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings DefectDojo's SARIF import would make of `sarif`."""
    assert sarif["version"] == "2.1.0"
    findings = []
    for run in sarif["runs"]:
        assert run["tool"]["driver"]["name"]
        rules = {rule["id"]: rule for rule in run["tool"]["driver"].get("rules", [])}
        for result in run.get("results", []):
            assert result.get("kind", "fail") == "fail", "DefectDojo drops results of another kind"
            rule = rules[result["ruleId"]]
            title = result["message"]["text"]
            assert isinstance(title, str) and title.strip()
            severity = LEVELS.get(result.get("level") or rule.get("defaultConfiguration", {}).get("level"), "Medium")
            score = rule.get("properties", {}).get("security-severity")
            if score is not None:
                severity = _cvss_severity(float(score))
            rule_tags = rule.get("properties", {}).get("tags", [])
            result_cwe = result.get("properties", {}).get("cwe")
            assert result_cwe is None or isinstance(result_cwe, str)
            locations = [
                (loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"].get("region", {}).get("startLine"))
                for loc in result.get("locations", [])
                if "physicalLocation" in loc
            ] or [(None, None)]
            for loc in result.get("locations", []):
                region = loc.get("physicalLocation", {}).get("region")
                assert region is None or "startLine" in region or "byteOffset" in region
            tags = rule_tags + result.get("properties", {}).get("tags", [])
            assert all(isinstance(t, str) for t in tags)
            for path, line in locations:
                findings.append({
                    "title": textwrap.shorten(title, 150),
                    "severity": severity,
                    "file_path": path,
                    "line": line,
                    "vuln_id_from_tool": result["ruleId"],
                    "cwe": _cwe([result_cwe] if result_cwe else []) or _cwe(rule_tags),
                    "tags": sorted(set(tags)),
                    "false_p": bool(result.get("suppressions")),
                    "unique_id_from_tool": _unique_id(result),
                })  # fmt: skip
    return findings


def test_auditor_sarif_imports_into_defectdojo_with_stable_ids_and_the_right_fields():
    result = sample_result()
    sarif = json.loads(render(result, "sarif"))
    view = dojo_view(sarif)
    assert len(view) == len(result.findings)
    by_id = {f["unique_id_from_tool"]: f for f in view}
    assert len(by_id) == len(view)  # deduplication keeps every finding apart
    assert set(by_id) == {f"auditor:{f.fingerprint}" for f in result.findings}
    for finding in result.findings:
        dojo = by_id[f"auditor:{finding.fingerprint}"]
        assert dojo["vuln_id_from_tool"] == finding.rule
        assert dojo["line"] == finding.line and unquote(dojo["file_path"]) == finding.path  # a relative URI
        assert dojo["false_p"] is (finding.status is Status.BASELINED)  # baselined: accepted debt, inactive
        assert dojo["title"]
    security = by_id["auditor:s1"]
    assert security["cwe"] == 89 and security["severity"] == "High"  # security-severity 8.0
    assert "CWE-89" in security["tags"] and "security" in security["tags"]
    assert by_id["auditor:c1"]["severity"] == "High" and by_id["auditor:c1"]["cwe"] is None
    assert by_id["auditor:s2"]["severity"] == "High"  # the rule's highest severity sets its score


def test_a_second_import_of_the_next_run_deduplicates_on_the_same_ids():
    first = dojo_view(json.loads(render(sample_result(), "sarif")))
    moved = sample_result()
    moved = moved.__class__(**{
        **{f: getattr(moved, f) for f in moved.__dataclass_fields__},
        "findings": tuple(f.__class__(**{**{k: getattr(f, k) for k in f.__dataclass_fields__}, "line": (f.line or 0) + 5})
                          for f in moved.findings),
    })  # fmt: skip
    second = dojo_view(json.loads(render(moved, "sarif")))
    assert {f["unique_id_from_tool"] for f in first} == {f["unique_id_from_tool"] for f in second}
    assert {f["line"] for f in first} != {f["line"] for f in second}  # lines moved, identity did not


def test_a_real_check_run_gives_sarif_defectdojo_imports(tmp_path, capsys):
    from hostile.project import write_project

    from auditor.cli.main import main

    root = write_project(tmp_path / "repo")
    out = tmp_path / "auditor.sarif"
    assert main(["check", str(root), "--no-semgrep", "--format", "sarif", "-o", str(out)]) == 1
    view = dojo_view(json.loads(out.read_text(encoding="utf-8")))
    assert [(f["vuln_id_from_tool"], f["file_path"], f["line"], f["severity"]) for f in view] == [
        ("layered", "app/domain/bad.py", 1, "High")
    ]
    assert view[0]["unique_id_from_tool"].startswith("auditor:") and not view[0]["false_p"]
