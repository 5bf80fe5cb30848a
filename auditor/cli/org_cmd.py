"""`auditor org report`: one dashboard over every repository of a shared history."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from auditor.cli.output import say


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "org",
        help="one dashboard over many repositories (auditor org report --history URL --out DIR)",
        description="Organisation views over a history that many repositories record into.",
    )
    org_sub = parser.add_subparsers(dest="org_command", metavar="COMMAND", required=True)
    report = org_sub.add_parser(
        "report",
        parents=[common],
        help="write index.html and org.json for every repository of the history",
        description="Per repository its runs, latest run and trend; across them drift by agent and model, "
        "open findings by owner, guardrail changes and the worst-drifting repositories.",
    )
    report.add_argument(
        "--history",
        required=True,
        metavar="DB",
        help="a postgresql://user@host/db URL (password from AUDITOR_HISTORY_PASSWORD or PGPASSWORD) "
        "or a SQLite history file",
    )
    report.add_argument("--out", required=True, metavar="DIR", help="folder for index.html and org.json")
    report.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditor.drift.history_store import is_url
    from auditor.usecases.org_report import write_org_report

    location = args.history if is_url(args.history) else Path(args.history).absolute()
    out = Path(args.out).absolute()
    summary = write_org_report(location, out)
    if not args.quiet:
        say(f"auditor: {len(summary.repositories)} repositories; {len(summary.worst_drifting)} with open findings")
        print(out / "index.html")
    return 0
