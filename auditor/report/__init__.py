"""Report writers: turn one RunResult into text, JSON, SARIF, GitLab, JUnit, GitHub or Markdown.

`render(result, fmt)` is the single entry point the CLI and the pipeline call.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.domain.errors import UsageError
from auditor.domain.run import RunResult

FORMATS = ("text", "json", "sarif", "gitlab", "junit", "github", "markdown")


def render(
    result: RunResult,
    fmt: str,
    *,
    color: bool = False,
    rules: Sequence[str] = (),
) -> str:
    """The report in format `fmt` (one of FORMATS); pure and deterministic.

    Only the chosen writer is imported: a `check` prints one format, and some writers pull in
    json or xml.etree.
    """
    if fmt == "text":
        from auditor.report.writers import text

        return text.write(result, color=color)
    if fmt == "json":
        from auditor.report.writers import jsonreport

        return jsonreport.write(result)
    if fmt == "sarif":
        from auditor.report.writers import sarif

        return sarif.write(result)
    if fmt == "gitlab":
        from auditor.report.writers import gitlab

        return gitlab.write(result)
    if fmt == "junit":
        from auditor.report.writers import junit

        return junit.write(result, rules=rules)
    if fmt == "github":
        from auditor.report.writers import github

        return github.write(result)
    if fmt == "markdown":
        from auditor.report.writers import markdown

        return markdown.write(result)
    raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render"]
