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
_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
_SECURITY_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "minor"}


def gitlab_severity(f: Finding) -> str:
    table = _SECURITY_SEVERITY if f.kind is FindingKind.SECURITY else _SEVERITY
    return table[f.severity]


def _issue(f: Finding, fingerprint: str) -> dict[str, Any]:
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
        "severity": gitlab_severity(f),
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
        issues.append(_issue(f, digest))
    return json.dumps(issues, indent=2, ensure_ascii=True) + "\n"
