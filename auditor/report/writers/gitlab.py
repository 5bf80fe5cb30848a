"""GitLab Code Quality report: a JSON array of issues (Code Climate subset GitLab reads).

Every item has description, check_name, a fingerprint unique in the report (GitLab drops
duplicates), a severity from GitLab's five, location.path (relative) and location.lines.begin.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from auditor.domain.findings import Finding, FindingKind, Severity
from auditor.domain.run import RunResult
from auditor.report.writers._common import sorted_findings

GITLAB_SEVERITIES = ("info", "minor", "major", "critical", "blocker")


def gitlab_severity(f: Finding, fails: bool) -> str:
    """GitLab's scale follows the verdict: a finding that fails the run is major (critical for
    security rules); one that does not (below --fail-on, baselined) is minor or info."""
    if fails:
        return "critical" if f.kind is FindingKind.SECURITY else "major"
    return "info" if f.severity is Severity.INFO or not f.is_open else "minor"


def _issue(f: Finding, fingerprint: str, fails: bool) -> dict[str, Any]:
    description = f"[{f.rule}] {f.message}"
    if f.status.value != "new":
        description += f" ({f.status.value})"
    path = (f.path or ".").replace("\\", "/").lstrip("/")
    if path.startswith("./"):
        path = path[2:]
    return {
        "type": "issue",
        "description": description,
        "check_name": f.rule,
        "fingerprint": fingerprint,
        "severity": gitlab_severity(f, fails),
        "categories": ["Security"] if f.kind is FindingKind.SECURITY else ["Complexity"],
        "location": {"path": path or ".", "lines": {"begin": max(f.line or 1, 1)}},
    }


def write(result: RunResult) -> str:
    issues = []
    seen: set[str] = set()
    for f in sorted_findings(result.findings):
        if f.suppressed_by is not None:
            continue
        n = 0
        while True:  # md5-length hex, unique even if two findings share a fingerprint
            salt = f.fingerprint if n == 0 else f"{f.fingerprint}\x1f{n}"
            digest = hashlib.md5(salt.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
            if digest not in seen:
                break
            n += 1
        seen.add(digest)
        issues.append(_issue(f, digest, result.fails(f)))
    issues += _run_issues(result)
    return json.dumps(issues, indent=2, ensure_ascii=True) + "\n"


def _run_issues(result: RunResult) -> list[dict[str, Any]]:
    """Code Quality has no run-level field: an incomplete run, a stage that did not run, a run
    warning (an inactive rule, ...) and a file that was not analysed each become an issue, so
    the merge request shows them."""
    problems = [
        ("auditor-incomplete-run", reason, ".", "blocker") for reason in result.info.incomplete_reasons
    ]
    if result.info.incomplete and not problems:
        problems.append(("auditor-incomplete-run", "the run is incomplete", ".", "blocker"))
    if result.verdict.incomplete_allowed:
        problems = [(name, f"{text} (allowed)", path, "info") for name, text, path, _ in problems]
    problems += [
        ("auditor-stage-not-run", f"{stage} did not run: {why}", ".", "info")
        for stage, why in result.info.skipped_stages
    ]
    problems += [("auditor-warning", w, ".", "info") for w in result.info.warnings]
    problems += [
        ("auditor-not-analysed", f"not analysed: {e.message}", e.path or ".", "minor")
        for e in sorted(result.errors, key=lambda e: (e.path, e.message))
    ]
    issues = []
    for name, text, path, severity in problems:
        digest = hashlib.md5(
            f"{name}\x1f{path}\x1f{text}".encode("utf-8", "surrogatepass"), usedforsecurity=False
        ).hexdigest()
        issues.append(
            {
                "type": "issue",
                "description": text,
                "check_name": name,
                "fingerprint": digest,
                "severity": severity,
                "categories": ["Bug Risk"],
                "location": {"path": path.lstrip("/") or ".", "lines": {"begin": 1}},
            }
        )
    return issues
