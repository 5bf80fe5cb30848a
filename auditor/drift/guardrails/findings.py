"""Guardrail changes as findings (`kind: guardrail`), judged by who made them.

A finding is created with its owner and the line that made the change; attribution (the same
as every other finding's) gives it an origin; `judge` then sets its severity from the policy:
by default an AI agent's weakening is an error, a person's a warning, a strengthening info.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from auditor.domain.findings import Finding, FindingKind, Severity, fingerprint
from auditor.domain.guardrail_policy import SUPPRESSION_ADDED, GuardrailPolicy
from auditor.drift.owners import UNOWNED, Owners

if TYPE_CHECKING:  # the comparison is imported only where guardrails are compared
    from auditor.drift.guardrails.compare import GuardrailChange
    from auditor.drift.guardrails.suppressions import AddedSuppression

LINE_AT = "line_at"  # extra key: "ref" when the line is the earlier state's (a removal)
EXEMPTION = "exemption"  # extra key: the exception text / baseline fingerprint the change added


def change_findings(changes: Iterable[GuardrailChange], owners: Owners) -> list[Finding]:
    """One finding per change; owner: CODEOWNERS of the file changed, else the contract's or
    exception's own owner."""
    out = []
    for change in changes:
        extra = [(LINE_AT, "ref" if change.at_ref else "head")]
        if change.exemption:
            extra.append((EXEMPTION, change.exemption))
        out.append(
            Finding(
                fingerprint=fingerprint("guardrail", change.rule, change.subject),
                rule=change.rule,
                kind=FindingKind.GUARDRAIL,
                severity=Severity.WARNING if change.weakening else Severity.INFO,
                message=change.message + (" (line as it was before the change)" if change.at_ref else ""),
                path=change.spot.path or None,
                line=change.spot.line,
                owner=owners.codeowners_of(change.spot.path) or change.owner or UNOWNED,
                extra=tuple(extra),
            )
        )
    return out


def suppression_findings(added: Sequence[AddedSuppression], owners: Owners) -> list[Finding]:
    """One finding per added `# nosemgrep`; identity: file, comment and its occurrence in the
    file (never the line)."""
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for item in added:
        occurrence = seen[(item.path, item.text)]
        seen[(item.path, item.text)] += 1
        out.append(
            Finding(
                fingerprint=fingerprint("guardrail", SUPPRESSION_ADDED, item.path, item.text, str(occurrence)),
                rule=SUPPRESSION_ADDED,
                kind=FindingKind.GUARDRAIL,
                severity=Severity.WARNING,
                message=f"inline suppression added: `{item.text}` silences semgrep on this line",
                path=item.path,
                line=item.line,
                owner=owners.codeowners_of(item.path) or UNOWNED,
                extra=((LINE_AT, "head"),),
            )
        )
    return out


def at_ref(finding: Finding) -> bool:
    return (LINE_AT, "ref") in finding.extra


def exemption_of(finding: Finding) -> str | None:
    return next((v for k, v in finding.extra if k == EXEMPTION), None)


def judge(findings: Iterable[Finding], policy: GuardrailPolicy) -> list[Finding]:
    """Guardrail findings with the severity the policy gives their rule and origin."""
    return [
        dataclasses.replace(f, severity=policy.severity(f.rule, f.origin))
        if f.kind is FindingKind.GUARDRAIL
        else f
        for f in findings
    ]
