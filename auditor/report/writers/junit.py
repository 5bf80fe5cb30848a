"""JUnit XML: one testcase per contract / security rule, failed when it has open findings
at or above `fail_on` (lower ones are listed in the testcase's system-out).

The complete rule list is the rules with findings, plus the rules that matched nothing
(`RunResult.health.unmatched_rules`), plus any `rules` the caller passes. Baselined and
suppressed findings never fail a testcase.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from auditor.domain.findings import Finding
from auditor.domain.run import RunResult
from auditor.report.writers._common import TOOL_NAME, sorted_findings

# XML 1.0 forbids most control characters even as character references: drop them.
_XML_ILLEGAL = {c: None for c in range(0x20) if c not in (0x9, 0xA, 0xD)}
_XML_ILLEGAL.update({0xFFFE: None, 0xFFFF: None})


def xml_text(value: str) -> str:
    cleaned = value.translate(_XML_ILLEGAL)
    return "".join(ch for ch in cleaned if not 0xD800 <= ord(ch) <= 0xDFFF)


def _describe(f: Finding) -> str:
    text = f"{f.location}: {f.message} [{f.status.value}, origin {f.origin.value}"
    text += f", owner {f.owner or 'unowned'}]"
    for hop in f.chain:
        text += f"\n    {hop.importer} -> {hop.imported} (l.{hop.line})"
    return text


def write(result: RunResult, rules: Sequence[str] = ()) -> str:
    by_rule: dict[str, list[Finding]] = {}
    for f in sorted_findings(result.findings):
        by_rule.setdefault(f.rule, []).append(f)
    all_rules = sorted(set(by_rule) | set(result.health.unmatched_rules) | set(rules))
    suites = ET.Element("testsuites", name=TOOL_NAME)
    suite = ET.SubElement(suites, "testsuite", name=TOOL_NAME)
    verdict = result.verdict
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="verdict", value=verdict.headline())
    ET.SubElement(properties, "property", name="fail_on", value=verdict.fail_on.value)
    for stage, why in result.info.skipped_stages:
        ET.SubElement(properties, "property", name=f"not run: {stage}", value=xml_text(why))
    for warning in result.info.warnings:  # e.g. inactive rules
        ET.SubElement(properties, "property", name="warning", value=xml_text(warning))
    failures = 0
    for rule in all_rules:
        findings = by_rule.get(rule, [])
        kind = findings[0].kind.value if findings else "rule"
        case = ET.SubElement(suite, "testcase", classname=f"{TOOL_NAME}.{kind}", name=xml_text(rule))
        case.set("time", "0")
        open_ = [f for f in findings if result.fails(f)]
        if open_:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                message=xml_text(f"{len(open_)} finding(s): {open_[0].message}"),
                type=xml_text(open_[0].severity.value),
            )
            failure.text = xml_text("\n".join(_describe(f) for f in open_))
        failing_ids = {id(f) for f in open_}
        others = [f for f in findings if id(f) not in failing_ids]
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = xml_text("not failing:\n" + "\n".join(_describe(f) for f in others))
    errors = sorted(result.errors, key=lambda e: (e.path, e.message))
    error_count = skipped = 0
    if errors or result.info.incomplete:
        # an incomplete run is an error unless --allow-incomplete: then it is listed, not failed
        case = ET.SubElement(suite, "testcase", classname=f"{TOOL_NAME}.run", name="analysis")
        lines = [f"{e.path}: {e.message}" for e in errors] + list(result.info.incomplete_reasons)
        fails = result.info.incomplete and not verdict.incomplete_allowed
        error_count, skipped = int(fails), int(not fails)
        err = ET.SubElement(case, "error" if fails else "skipped", message=xml_text(f"{len(lines)} problem(s) during analysis"))
        err.text = xml_text("\n".join(lines))
    tests = len(suite) - 1  # not the <properties> element
    for element in (suite, suites):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", str(error_count))
        element.set("skipped", str(skipped))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
