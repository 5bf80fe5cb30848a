"""SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

Open and accepted findings become results; fixed findings are not results (uploading them
would reopen alerts) but are counted in the run's properties. Repository strings are data in
JSON strings, escaped by the JSON encoder; URIs are percent-encoded relative references.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from auditor.domain.findings import Finding, FindingKind, Severity, Status
from auditor.domain.run import RunResult
from auditor.report.writers._common import TOOL_NAME, guardrails_first, sorted_findings, verdict_dict

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "auditor/v1"

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub ranks security-severity: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "2.0"}
BASELINE_STATE = {
    Status.NEW: "new",
    Status.BASELINED: "unchanged",
    Status.PERSISTING: "unchanged",
    Status.FIXED: "absent",
}
# GitHub code scanning's hard limits (docs: "SARIF results exceed hard limit"): a file over
# them is rejected whole, so the writer stays inside them and says what it left out
MAX_RESULTS = 25_000
MAX_LOCATIONS = 1_000  # per result, locations and related locations together
MAX_TAGS = 20  # per rule
KIND_TITLE = {
    FindingKind.CONTRACT: "Architecture contract",
    FindingKind.SECURITY: "Security boundary rule",
    FindingKind.EXCEPTION: "Contract exception",
    FindingKind.SURFACE: "Human-review surface",
    FindingKind.GUARDRAIL: "Guardrail integrity",
}


def artifact_uri(path: str) -> str:
    """A relative URI reference for a repo path (percent-encoded, forward slashes)."""
    return quote(path.replace("\\", "/").lstrip("/"), safe="/")


def _rule(rule_id: str, examples: list[Finding]) -> dict[str, Any]:
    first = examples[0]
    title = KIND_TITLE[first.kind]
    guidance = next((f.guidance for f in examples if f.guidance), None)
    full = guidance or first.message
    help_text = f"{title} `{rule_id}`: {first.message}"
    if guidance:
        help_text += f"\n\nHow to fix: {guidance}"
    severity = max((f.severity for f in examples), key=lambda s: s.rank)
    tags = [first.kind.value, *sorted({c for f in examples for c in f.cwe} - {first.kind.value})]
    tags = tags[:MAX_TAGS]
    properties: dict[str, Any] = {
        "tags": tags,
        "precision": "high" if first.kind is not FindingKind.SECURITY else "medium",
    }
    if first.kind is FindingKind.SECURITY:
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace("_", "-").split("-") if part)
        or rule_id,
        "shortDescription": {"text": f"{title}: {rule_id}"},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": properties,
    }


def _location(path: str, line: int | None, end_line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}
    if line and line > 0:
        region: dict[str, Any] = {"startLine": line}
        if end_line and end_line >= line:
            region["endLine"] = end_line
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(f: Finding, rule_index: int, module_paths: dict[str, str]) -> dict[str, Any]:
    text = f.message if not f.guidance else f"{f.message} ({f.guidance})"
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": text},
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "baselineState": BASELINE_STATE[f.status],
        "properties": {
            "kind": f.kind.value,
            "status": f.status.value,
            "origin": f.origin.value,
            "agent": f.agent,
            "model": f.model,
            "owner": f.owner,
            "commit": f.commit,
        },
    }
    if f.path:
        result["locations"] = [_location(f.path, f.line, f.end_line)]
    related = []
    room = MAX_LOCATIONS - len(result.get("locations", ()))
    if len(f.chain) > room:
        result["properties"]["chain_truncated"] = len(f.chain) - room
    for i, hop in enumerate(f.chain[:room]):
        hop_path = module_paths.get(hop.importer)
        item: dict[str, Any] = {"id": i + 1, "message": {"text": f"{hop.importer} imports {hop.imported}"}}
        if hop_path:
            item.update(_location(hop_path, hop.line, None))
        related.append(item)
    if related:
        result["relatedLocations"] = related
    if f.suppressed_by:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f.suppressed_by}
        ]
    elif f.status is Status.BASELINED:  # accepted debt: code scanning must not open an alert
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": "accepted in the auditor baseline"}
        ]
    return result


def _priority(f: Finding, result: RunResult) -> tuple[int, int, int]:
    """Which results to keep first when over MAX_RESULTS: failing, open, then by severity."""
    return (not result.fails(f), not f.is_open, -f.severity.rank)


def _module_paths(findings: list[Finding]) -> dict[str, str]:
    """Module name -> file, learnt from contract findings whose importer's file is known."""
    return {f.importer: f.path for f in findings if f.importer and f.path}


def sarif_dict(result: RunResult) -> dict[str, Any]:
    findings = guardrails_first(sorted_findings(result.findings))  # changes to the rules first
    omitted = max(len(findings) - MAX_RESULTS, 0)
    if omitted:
        kept = {id(f) for f in sorted(findings, key=lambda f: _priority(f, result))[:MAX_RESULTS]}
        findings = [f for f in findings if id(f) in kept]
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    rule_ids = sorted(by_rule, key=lambda r: (by_rule[r][0].kind is not FindingKind.GUARDRAIL, r))
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    module_paths = _module_paths(findings)
    notifications = [
        {
            "level": "error",
            "message": {"text": e.message},
            "locations": [_location(e.path, None, None)] if e.path else [],
        }
        for e in sorted(result.errors, key=lambda e: (e.path, e.message))
    ]
    notifications += [
        {"level": "error", "message": {"text": reason}} for reason in result.info.incomplete_reasons
    ]
    notifications += [
        {"level": "warning", "message": {"text": f"not run: {stage} ({why})"}}
        for stage, why in result.info.skipped_stages
    ]
    notifications += [{"level": "note", "message": {"text": w}} for w in result.info.warnings]
    if omitted:
        notifications.append({
            "level": "warning",
            "message": {"text": f"{omitted} results left out: code scanning accepts at most "
                        f"{MAX_RESULTS:,} per run (failing and open ones kept first; report.json has all)"},
        })  # fmt: skip
    invocation: dict[str, Any] = {
        "executionSuccessful": not result.info.incomplete,
        "toolExecutionNotifications": notifications,
    }
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": result.info.tool_version,
                "semanticVersion": result.info.tool_version,
                "rules": [_rule(r, by_rule[r]) for r in rule_ids],
            }
        },
        "invocations": [invocation],
        "results": [_result(f, index[f.rule], module_paths) for f in findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "fixed": len(result.fixed),
            "base": result.info.base,
            "commit": result.info.commit,
            "verdict": verdict_dict(result),
            "omitted_results": omitted,
            "recorded": result.info.recorded,
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def write(result: RunResult) -> str:
    # compact: the C encoder (indent=2 falls back to the pure-Python one, 10x slower on big runs)
    return json.dumps(sarif_dict(result), separators=(",", ":"), ensure_ascii=True) + "\n"
