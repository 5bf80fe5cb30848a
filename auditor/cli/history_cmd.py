"""`auditor history`: print the trend of past runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from auditor.domain.errors import UsageError
from auditor.domain.project_files import HISTORY_FILE


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "history",
        parents=[common],
        help="print the trend of past runs; `history push` copies a history into another",
        description="Counts per rule and per origin over the last runs recorded by `auditor audit`, "
        "and the first-seen date of each open finding. `auditor history push --from FILE.sqlite --to URL "
        "[--dry-run]` copies a history's runs into another (a PostgreSQL database), each once.",
    )
    parser.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    parser.add_argument(
        "--history",
        metavar="DB",
        help=f"a SQLite file or a postgresql:// URL (default: config's `history`, else ROOT/{HISTORY_FILE})",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--last", type=int, default=10, metavar="N", help="number of runs (default: 10)")
    push = parser.add_argument_group("history push")
    push.add_argument("--from", dest="push_from", metavar="FILE", help="push: the history to copy from")
    push.add_argument("--to", dest="push_to", metavar="DB", help="push: the history to copy into (a postgresql:// URL)")
    push.add_argument("--dry-run", action="store_true", help="push: say what would be copied, copy nothing")
    push.add_argument(
        "--repository", metavar="NAME", help="push: the repository of runs recorded without one (older files)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.path == "push":  # `auditor history push ...` (a folder named push: ./push)
        return push(args)
    if args.push_from or args.push_to or args.dry_run:
        raise UsageError("--from, --to and --dry-run belong to `auditor history push`")
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


def push(args: argparse.Namespace) -> int:
    from auditor.drift.history import History
    from auditor.drift.history_push import push_history
    from auditor.drift.history_store import is_url
    from auditor.support.textsafe import terminal_line

    if not args.push_from or not args.push_to:
        raise UsageError("history push needs --from FILE and --to DB")
    source_path = args.push_from if is_url(args.push_from) else Path(args.push_from).absolute()
    if isinstance(source_path, Path) and not source_path.is_file():
        raise UsageError(f"{source_path}: no such history file")
    target = args.push_to if is_url(args.push_to) else Path(args.push_to).absolute()
    with History(source_path) as source, History(target) as into:
        plan = push_history(source, into, repository=args.repository, dry_run=args.dry_run)
        where = into.location
    verb = "would copy" if args.dry_run else "copied"
    print(f"{verb} {plan.runs} run(s) ({plan.findings} findings) to {where}; {plan.present} already there")
    for name, runs in sorted(plan.repositories.items()):
        print(terminal_line(f"  {name}: {runs} run(s)"))
    return 0
