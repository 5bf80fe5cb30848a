"""Plain-text report for terminals: findings grouped by rule, then a summary line.

Colour (ANSI) only when the caller asks for it. Text output is often printed in CI logs, so
every repository string goes through `plain` (support.textsafe.visible): control characters,
newlines included, and bidi controls become visible escapes, so a message stays on its line
and cannot move the cursor, recolour the terminal or reorder what is shown; and the whole
output through `guard_lines`, so no line can be a GitHub Actions workflow command.
"""

from __future__ import annotations

from auditor.domain.findings import Finding, FindingKind
from auditor.domain.run import RunResult
from auditor.report.writers._common import (
    counts,
    hidden_by_change,
    persisting_word,
    sorted_findings,
    unchanged_at_base,
)
from auditor.support.textsafe import guard_lines
from auditor.support.textsafe import visible as plain

_ANSI = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1", "good": "32"}


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


def _grouped(findings: list[Finding], style: _Style) -> list[str]:
    """Findings grouped by rule, each group with its guidance."""
    by_rule: dict[str, list[Finding]] = {}
    for f in sorted_findings(findings):
        by_rule.setdefault(f.rule, []).append(f)
    out: list[str] = []
    for rule in sorted(by_rule, key=lambda r: (by_rule[r][0].kind is not FindingKind.GUARDRAIL, r)):
        group = by_rule[rule]
        out.append(style(f"{plain(rule)} ({group[0].kind.value}, {len(group)})", "bold"))
        for f in group:
            out += _finding(f, style)
        guidance = next((f.guidance for f in group if f.guidance), None)
        if guidance:
            out.append(f"  how to fix: {plain(guidance)}")
        out.append("")
    return out


def write(result: RunResult, color: bool = False, verbose: bool = False) -> str:
    """Open findings (the ones that need action) and fixed ones are listed; baselined,
    suppressed and, in a pre-merge check, unchanged ones are counted (listed when `verbose`)."""
    style = _Style(color)
    listed: list[Finding] = []  # open, or hidden by an exemption this change adds
    quiet: list[Finding] = []
    for f in result.findings:
        shown = (f.is_open or hidden_by_change(f)) and not unchanged_at_base(f, result)
        (listed if shown else quiet).append(f)
    out = _grouped(listed, style)
    if quiet and verbose:
        out.append(style(f"not failing: baselined, suppressed or unchanged ({len(quiet)})", "dim"))
        out.append("")
        out += _grouped(quiet, style)
    if result.fixed:
        out.append(style(f"fixed ({len(result.fixed)})", "good"))
        out += [
            f"  {plain(f.location)}: {plain(f.rule)}: {plain(f.message)}"
            for f in sorted_findings(result.fixed)
        ]
        out.append("")
    out += _completeness(result, style)
    c = counts(result)
    parts = [f"{c.new} new", f"{c.fixed} fixed", f"{c.persisting} {persisting_word(result)}"]
    parts.append(f"{c.baselined} baselined")
    if c.suppressed:
        parts.append(f"{c.suppressed} suppressed")
    summary = ", ".join(parts)
    if quiet and not verbose:
        summary += f" ({len(quiet)} not listed; -v lists them)"
    out.append(summary)
    verdict = result.verdict
    out.append(style(f"auditor: {verdict.headline()}", "good" if verdict.passed else "error"))
    return guard_lines("\n".join(out) + "\n")


def _completeness(result: RunResult, style: _Style) -> list[str]:
    """What was not analysed or not run, and why: never skipped in silence."""
    out: list[str] = []
    if result.errors:
        out.append(style(f"not analysed ({len(result.errors)})", "warning"))
        out += [f"  {plain(e.path)}: {plain(e.message)}" for e in sorted(result.errors, key=lambda e: e.path)]
        out.append("")
    if result.info.skipped_stages:
        out.append(style(f"stages not run ({len(result.info.skipped_stages)})", "warning"))
        out += [f"  {plain(stage)}: {plain(why)}" for stage, why in result.info.skipped_stages]
        out.append("")
    if result.info.incomplete:
        out.append(style("incomplete run", "error"))
        out += [f"  {plain(r)}" for r in result.info.incomplete_reasons]
        out.append("")
    if result.info.warnings:  # e.g. no git history: every origin is unknown
        out.append(style(f"warnings ({len(result.info.warnings)})", "warning"))
        out += [f"  {plain(w)}" for w in result.info.warnings]
        out.append("")
    return out
