"""Plain-text report for terminals: findings grouped by rule, then a summary line.

Colour (ANSI) only when the caller asks for it. Control characters from the repository are
made visible, so a message cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

import re

from auditor.domain.findings import Finding, Severity
from auditor.domain.run import RunResult
from auditor.report.writers._common import counts, sorted_findings

_ANSI = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1", "good": "32"}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: str) -> str:
    """Escape C0/C1 control characters (ESC, CR, ...) except newline and tab."""
    if not _CONTROL.search(value):
        return value
    out = []
    for ch in value:
        code = ord(ch)
        if ch in "\n\t" or (code >= 0x20 and not 0x7F <= code <= 0x9F):
            out.append(ch)
        else:
            out.append(f"\\x{code:02x}")
    return "".join(out)


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if self.color else text


def _finding(f: Finding, style: _Style) -> list[str]:
    sev = style(f.severity.value, f.severity.value)
    who = f.origin.value + (f"/{plain(f.agent)}" if f.agent else "")
    meta = f"[{f.status.value}, {who}, owner {plain(f.owner or 'unowned')}]"
    lines = [f"  {plain(f.location)}: {sev}: {plain(f.message)} {style(meta, 'dim')}"]
    lines += [f"      {plain(h.importer)} -> {plain(h.imported)} (l.{h.line})" for h in f.chain]
    if f.suppressed_by:
        lines.append(f"      suppressed by: {plain(f.suppressed_by)}")
    return lines


def write(result: RunResult, color: bool = False) -> str:
    style = _Style(color)
    by_rule: dict[str, list[Finding]] = {}
    for f in sorted_findings(result.findings):
        by_rule.setdefault(f.rule, []).append(f)
    out: list[str] = []
    for rule in sorted(by_rule):
        findings = by_rule[rule]
        out.append(style(f"{plain(rule)} ({findings[0].kind.value}, {len(findings)})", "bold"))
        for f in findings:
            out += _finding(f, style)
        guidance = next((f.guidance for f in findings if f.guidance), None)
        if guidance:
            out.append(f"  how to fix: {plain(guidance)}")
        out.append("")
    if result.fixed:
        out.append(style(f"fixed ({len(result.fixed)})", "good"))
        out += [
            f"  {plain(f.location)}: {plain(f.rule)}: {plain(f.message)}"
            for f in sorted_findings(result.fixed)
        ]
        out.append("")
    if result.errors:
        out.append(style(f"not analysed ({len(result.errors)})", "warning"))
        out += [f"  {plain(e.path)}: {plain(e.message)}" for e in sorted(result.errors, key=lambda e: e.path)]
        out.append("")
    if result.info.warnings:  # e.g. no git history: every origin is unknown
        out.append(style(f"warnings ({len(result.info.warnings)})", "warning"))
        out += [f"  {plain(w)}" for w in result.info.warnings]
        out.append("")
    c = counts(result)
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR and f.suppressed_by is None)
    summary = (
        f"{len(result.findings)} finding(s) ({errors} error): {c.new} new, {c.persisting} persisting, "
        f"{c.baselined} baselined, {c.fixed} fixed"
    )
    if result.errors:
        summary += f"; {len(result.errors)} file(s) not analysed"
    if result.info.incomplete:
        summary += "; INCOMPLETE: " + "; ".join(plain(r) for r in result.info.incomplete_reasons)
    out.append(style(summary, "bold"))
    return "\n".join(out) + "\n"
