"""SARIF for GitHub code scanning: baselined and suppressed results carry `suppressions` (no
alert opens for accepted debt), and the file stays inside code scanning's hard limits."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
from drift_samples import contract, sample_result, security

from auditor.domain import ChainHop, Severity, Status
from auditor.report.writers import sarif

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def _results(result) -> list[dict]:
    return json.loads(sarif.write(result))["runs"][0]["results"]


def test_baselined_and_suppressed_results_are_suppressed_open_ones_are_not():
    findings = (
        contract("open"),
        contract("accepted", line=30, status=Status.BASELINED),
        contract("excepted", line=40, suppressed_by="exception: legacy export (SHOP-142)"),
    )
    results = {
        r["partialFingerprints"]["auditor/v1"]: r
        for r in _results(replace(sample_result(), findings=findings))
    }
    assert "suppressions" not in results["open"]
    assert results["accepted"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "accepted in the auditor baseline"}
    ]
    assert results["accepted"]["baselineState"] == "unchanged"
    assert results["excepted"]["suppressions"][0]["justification"] == "exception: legacy export (SHOP-142)"


def test_over_25000_results_keeps_the_failing_ones_and_says_how_many_were_left_out():
    failing = [security(f"f{i}", line=i + 1) for i in range(100)]
    quiet = [
        contract(f"q{i:05d}", line=i + 1, severity=Severity.INFO, status=Status.BASELINED)
        for i in range(25_000)
    ]
    result = replace(sample_result(), findings=(*quiet, *failing))
    doc = json.loads(sarif.write(result))
    run = doc["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS
    kept = {r["partialFingerprints"]["auditor/v1"] for r in run["results"]}
    assert {f"f{i}" for i in range(100)} <= kept  # every failing result survives
    assert run["properties"]["omitted_results"] == 100
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any(text.startswith("100 results left out") for text in notes)


def test_a_long_chain_and_many_cwes_stay_inside_the_limits():
    chain = tuple(ChainHop(f"shop.m{i}", f"shop.m{i + 1}", 1) for i in range(1200))
    long_chain = contract("chain", chain=chain)
    many_cwes = security("cwes", cwe=tuple(f"CWE-{n}" for n in range(30)))
    doc = json.loads(sarif.write(replace(sample_result(), findings=(long_chain, many_cwes))))
    jsonschema.validate(doc, SCHEMA)
    run = doc["runs"][0]
    by_fp = {r["partialFingerprints"]["auditor/v1"]: r for r in run["results"]}
    chained = by_fp["chain"]
    assert len(chained["locations"]) + len(chained["relatedLocations"]) == sarif.MAX_LOCATIONS
    assert chained["properties"]["chain_truncated"] == 1200 - (sarif.MAX_LOCATIONS - 1)
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "raw-sql-in-view")
    assert len(rule["properties"]["tags"]) == sarif.MAX_TAGS and rule["properties"]["tags"][0] == "security"
