"""Markdown summary for pull-request comments and $GITHUB_STEP_SUMMARY.

Verdict, new/fixed/persisting counts, the AI/human split of new findings, and a table of new
findings (truncated with "and N more"). Repository strings are neutralised: markdown and HTML
metacharacters escaped, newlines flattened, control and bidi characters shown as escapes,
owners shown as code so they do not @-mention, and in plain text what GitHub would turn into
a link or a notification (a URL with a scheme, `www.`, an email address, an @mention, an issue
reference `#12`) broken by a zero-width space: GFM's autolinks and GitHub's mentions need
those characters side by side, and inside code spans there are none.
"""

from __future__ import annotations

import re

from auditor.domain.findings import Finding, FindingKind
from auditor.domain.run import RunResult
from auditor.report.writers._common import counts, hidden_by_change, is_new, persisting_word, sorted_findings
from auditor.support.textsafe import visible

MAX_ROWS = 50
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~-])")
_LINKISH = re.compile(r"(?i)@|:(?=//)|(?<=www)\.|#(?=\d)")
_ZWSP = "\u200b"


def _one_line(value: str) -> str:
    return visible(re.sub(r"[\r\n]+", " ", value))


def md_text(value: str) -> str:
    """Inline text safe in a table cell: no HTML, no markdown markup, one line, no live link."""
    value = _one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return _LINKISH.sub(_unlink, value)


def _unlink(match: re.Match[str]) -> str:
    """A zero-width space after `@`, `#` and the `:` of `://`; before the `.` of `www.`."""
    mark = match.group()
    return _ZWSP + mark if mark == "." else mark + _ZWSP


def md_code(value: str) -> str:
    """A code span (no mention, no link, no markup); backticks, pipes and angle brackets replaced."""
    value = _one_line(value)
    for raw, safe in (("`", "'"), ("|", "\u2223"), ("<", "\u2039"), (">", "\u203a")):
        value = value.replace(raw, safe)
    return f"`{value}`" if value.strip() else ""


def _table(findings: list[Finding], max_rows: int) -> list[str]:
    lines = ["| severity | rule | location | message | origin | owner |", "|---|---|---|---|---|---|"]
    for f in findings[:max_rows]:
        origin = f.origin.value + (f" ({md_text(f.agent)})" if f.agent else "")
        lines.append(
            f"| {f.severity.value} | {md_code(f.rule)} | {md_code(f.location)} | "
            f"{md_text(f.message)} | {origin} | {md_code(f.owner or 'unowned')} |"
        )
    if len(findings) > max_rows:
        lines.append(f"\nand {len(findings) - max_rows} more")
    lines.append("")
    return lines


def write(result: RunResult, max_rows: int = MAX_ROWS) -> str:
    c = counts(result)
    verdict = result.verdict
    mark = "✅" if verdict.passed else "❌"
    lines = [f"{mark} **auditor: {verdict.word}** — {md_text(verdict.headline().partition(': ')[2])}", ""]
    if result.info.base:
        lines += [f"Compared with {md_code(result.info.base)}.", ""]
    if result.info.incomplete:
        reasons = "; ".join(md_text(r) for r in result.info.incomplete_reasons) or "see the log"
        lines += [f"⚠️ **Incomplete run**: {reasons}", ""]
    for stage, why in result.info.skipped_stages:
        lines += [f"⚠️ Not run: {md_text(stage)} ({md_text(why)})", ""]
    if result.info.warnings:  # e.g. inactive rules, no git history
        lines += [f"- ⚠️ {md_text(w)}" for w in result.info.warnings[:max_rows]]
        if len(result.info.warnings) > max_rows:
            lines.append(f"- and {len(result.info.warnings) - max_rows} more warnings")
        lines.append("")
    lines += [
        f"| new | fixed | {persisting_word(result)} | baselined |",
        "|---:|---:|---:|---:|",
        f"| {c.new} | {c.fixed} | {c.persisting} | {c.baselined} |",
        "",
    ]
    guardrails = [f for f in sorted_findings(result.findings) if is_new(f) and f.kind is FindingKind.GUARDRAIL]
    if guardrails:  # changes to the rules themselves come first
        guardrails.sort(key=lambda f: -f.severity.rank)
        lines += ["**Guardrail changes** (the rules themselves)", ""]
        lines += _table(guardrails, max_rows)
    hidden = [f for f in sorted_findings(result.findings) if hidden_by_change(f)]
    if hidden:
        lines += ["**Hidden by an exemption this change adds**", "", "| rule | location | message | suppressed by |"]
        lines.append("|---|---|---|---|")
        lines += [
            f"| {md_code(f.rule)} | {md_code(f.location)} | {md_text(f.message)} | {md_text(f.suppressed_by or '')} |"
            for f in hidden[:max_rows]
        ]
        if len(hidden) > max_rows:
            lines.append(f"\nand {len(hidden) - max_rows} more")
        lines.append("")
    if c.new:
        split = ", ".join(f"{o}: {n}" for o, n in c.new_by_origin.items() if n)
        lines += [f"New findings by origin — {split}", ""]
        new = [f for f in sorted_findings(result.findings) if is_new(f) and f.kind is not FindingKind.GUARDRAIL]
        new.sort(key=lambda f: -f.severity.rank)  # stable: errors first, then file order
        if new:
            lines += _table(new, max_rows)
    if result.fixed:
        lines += [f"🎉 {len(result.fixed)} finding(s) fixed.", ""]
    if result.errors:
        errors = sorted(result.errors, key=lambda e: (e.path, e.message))
        lines += [f"⚠️ {len(errors)} file(s) could not be analysed:", ""]
        lines += [f"- {md_code(e.path)}: {md_text(e.message)}" for e in errors[:max_rows]]
        if len(errors) > max_rows:
            lines.append(f"- and {len(errors) - max_rows} more")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
