"""GitHub Actions workflow commands: one annotation per new finding, then a summary notice.

Values are escaped as the Actions toolkit does (`%`, CR, LF; in properties also `:` and `,`),
so nothing from the repository can end the command line or start another command; before that,
other control characters (ESC, ...) and bidi controls (U+202E, ...) become visible escapes
(support.textsafe.visible), so an annotation cannot recolour the log or reorder its text.
"""

from __future__ import annotations

from auditor.domain.findings import Finding, Severity
from auditor.domain.run import RunResult
from auditor.report.writers._common import counts, persisting_word, sorted_findings, unchanged_at_base
from auditor.support.textsafe import visible

_ENCODED = "\r\n\t"  # percent-encoded below (CR, LF) or harmless (tab): kept as they are


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={escape_property(visible(str(value), _ENCODED))}"
        for key, value in properties.items()
        if value is not None
    )
    head = f"::{command} {props}" if props else f"::{command}"
    return f"{head}::{escape_data(visible(message, _ENCODED))}"


def _finding_line(f: Finding, fails: bool) -> str:
    message = f.message
    if f.guidance:
        message += f"\n{f.guidance}"
    who = f.origin.value + (f" ({f.agent})" if f.agent else "")
    message += f"\norigin: {who}; owner: {f.owner or 'unowned'}"
    # a finding that fails the run is an error annotation, whatever its severity; others
    # never look worse than the verdict they do not change
    command = "error" if fails else ("notice" if f.severity is Severity.INFO else "warning")
    return annotation(
        command,
        message,
        file=f.path,
        line=f.line if f.path else None,
        endLine=f.end_line if f.path and f.end_line else None,
        title=f"auditor {f.kind.value}: {f.rule}",
    )


def write(result: RunResult) -> str:
    lines = [
        _finding_line(f, result.fails(f))
        for f in sorted_findings(result.findings)
        if f.is_open and not unchanged_at_base(f, result)
    ]
    for e in sorted(result.errors, key=lambda e: (e.path, e.message)):
        lines.append(annotation("warning", f"not analysed: {e.message}", file=e.path, title="auditor"))
    for stage, why in result.info.skipped_stages:
        lines.append(annotation("warning", f"not run: {stage} ({why})", title="auditor"))
    lines += [annotation("warning", w, title="auditor") for w in result.info.warnings]
    c = counts(result)
    verdict = result.verdict
    summary = (
        f"auditor: {verdict.headline()} ({c.new} new, {c.fixed} fixed, {c.persisting} "
        f"{persisting_word(result)}, {c.baselined} baselined)"
    )
    if result.info.incomplete:
        summary += "; INCOMPLETE run: " + "; ".join(result.info.incomplete_reasons)
    lines.append(annotation("notice" if verdict.passed else "error", summary, title="auditor verdict"))
    return "\n".join(lines) + "\n"
