"""`auditor history`: print the trend of past runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from auditor.domain.errors import UsageError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "history",
        parents=[common],
        help="print the trend of past runs",
        description="Counts per rule and per origin over the last runs recorded by `auditor audit`, "
        "and the first-seen date of each open finding.",
    )
    parser.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    parser.add_argument(
        "--history",
        metavar="DB",
        help="a SQLite file or a postgresql:// URL (default: config's `history`, else ROOT/.auditor/history.sqlite)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--last", type=int, default=10, metavar="N", help="number of runs (default: 10)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.drift.history import History
    from auditor.pipeline.history_target import resolve_history
    from auditor.report.writers.history import write_json, write_text

    if args.last < 1:
        raise UsageError(f"--last must be at least 1, not {args.last}")
    from auditor.pipeline.options import project_root

    if not Path(args.path).is_dir():
        raise UsageError(f"{Path(args.path).resolve()}: not a directory")
    root = project_root(args.path)  # the history of the whole project, from any folder in it
    config = load_config(root, Path(args.config).resolve() if args.config else None)
    target = resolve_history(root, args.history, config)
    if isinstance(target.location, Path) and not target.location.is_file():
        raise UsageError(f"{target.location}: no history yet; `auditor audit` records a run in it")
    with History(target.location, inside=root, repository=target.repository) as history:
        points = history.trend(args.last)
        open_rows = history.open_findings()
    text = write_json(points, open_rows) if args.format == "json" else write_text(points, open_rows)
    sys.stdout.write(text)
    return 0
