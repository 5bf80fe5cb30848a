"""GitHub Actions workflow commands: one annotation per new finding, then a summary notice.

Values are escaped as the Actions toolkit does (`%`, CR, LF; in properties also `:` and `,`),
so nothing from the repository can end the command line or start another command.
"""

from __future__ import annotations

from auditor.domain.findings import Finding, Severity
from auditor.domain.run import RunResult
from auditor.report.writers._common import counts, is_new, sorted_findings

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None
    )
    head = f"::{command} {props}" if props else f"::{command}"
    return f"{head}::{escape_data(message)}"


def _finding_line(f: Finding) -> str:
    message = f.message
    if f.guidance:
        message += f"\n{f.guidance}"
    who = f.origin.value + (f" ({f.agent})" if f.agent else "")
    message += f"\norigin: {who}; owner: {f.owner or 'unowned'}"
    return annotation(
        COMMAND[f.severity],
        message,
        file=f.path,
        line=f.line if f.path else None,
        endLine=f.end_line if f.path and f.end_line else None,
        title=f"auditor {f.kind.value}: {f.rule}",
    )


def write(result: RunResult) -> str:
    lines = [_finding_line(f) for f in sorted_findings(result.findings) if is_new(f)]
    for e in sorted(result.errors, key=lambda e: (e.path, e.message)):
        lines.append(annotation("warning", f"not analysed: {e.message}", file=e.path, title="auditor"))
    c = counts(result)
    summary = (
        f"auditor: {c.new} new, {c.fixed} fixed, {c.persisting} persisting, "
        f"{c.baselined} baselined finding(s)"
    )
    if result.info.incomplete:
        summary += "; INCOMPLETE run: " + "; ".join(result.info.incomplete_reasons)
    lines.append(annotation("error" if result.info.incomplete else "notice", summary))
    return "\n".join(lines) + "\n"
