"""`auditor org report`: read a history of many repositories, write the dashboard folder."""

from __future__ import annotations

from pathlib import Path

from auditor import __version__
from auditor.domain.errors import UsageError
from auditor.domain.org import OrgSummary
from auditor.drift.history import History
from auditor.drift.history_store import is_url
from auditor.drift.org_summary import org_summary
from auditor.support.safe_files import WriteError
from auditor.support.staged_folder import StagedFolder

ORG_FILES = ("index.html", "org.json")


def write_org_report(location: Path | str, out_dir: Path) -> OrgSummary:
    """The summary of every repository in the history at `location`, written to `out_dir` as
    index.html and org.json (both or neither; a folder holding anything else is refused)."""
    from auditor.report.org import render_org_html, render_org_json

    if not is_url(location) and not Path(location).is_file():
        raise UsageError(f"{location}: no history there; `auditor audit --history` records runs in it")
    StagedFolder(out_dir, ORG_FILES).check()
    with History(location) as history:
        summary = org_summary(history.store)
    try:
        with StagedFolder(out_dir, ORG_FILES) as staged:
            staged.write("org.json", render_org_json(summary, __version__))
            staged.write("index.html", render_org_html(summary, __version__))
            staged.publish()
    except OSError as exc:
        raise WriteError(f"cannot write the org report to {out_dir}: {exc.strerror or exc}") from None
    return summary
