"""Report writers: turn one RunResult into text, JSON, SARIF, GitLab, JUnit, GitHub or Markdown.

`render(result, fmt)` is the single entry point the CLI and the pipeline call.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.domain.errors import UsageError
from auditor.domain.findings import Severity
from auditor.domain.run import RunResult
from auditor.report.writers import github, gitlab, jsonreport, junit, markdown, sarif, text

FORMATS = ("text", "json", "sarif", "gitlab", "junit", "github", "markdown")


def render(
    result: RunResult,
    fmt: str,
    *,
    color: bool = False,
    fail_on: Severity = Severity.ERROR,
    rules: Sequence[str] = (),
) -> str:
    """The report in format `fmt` (one of FORMATS); pure and deterministic."""
    if fmt == "text":
        return text.write(result, color=color)
    if fmt == "json":
        return jsonreport.write(result)
    if fmt == "sarif":
        return sarif.write(result)
    if fmt == "gitlab":
        return gitlab.write(result)
    if fmt == "junit":
        return junit.write(result, rules=rules, fail_on=fail_on)
    if fmt == "github":
        return github.write(result)
    if fmt == "markdown":
        return markdown.write(result, fail_on=fail_on)
    raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render"]
