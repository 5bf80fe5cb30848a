"""`auditor brief [PATH] [--out FILE] [--check]`: the architecture as instructions for coding
agents (AGENTS.md, CLAUDE.md); `--check` fails when the committed brief is stale."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from auditor.cli.output import emit, say

DEFAULT_FILE = "AGENTS.md"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "brief",
        parents=[common],
        help="the architecture as instructions for coding agents (AGENTS.md); --check: is it stale?",
    )
    parser.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    parser.add_argument("--format", choices=("markdown",), default="markdown", help="output format (default: markdown)")
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="write the brief into FILE, between its marker lines (other text kept); default: stdout",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 when the brief in --out FILE (default: PROJECT/{DEFAULT_FILE}) is not the current one",
    )
    parser.add_argument(
        "--base", metavar="REF", default="origin/main", help="the base ref the brief's commands name (default: origin/main)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditor.cli.run_options import options_from_args
    from auditor.usecases.brief import check_brief, embedded, project_brief

    opts = options_from_args(args)
    brief = project_brief(opts.root, opts.config_file, base=args.base)
    if args.check:
        target = Path(args.out) if args.out else opts.root / DEFAULT_FILE
        verdict = check_brief(target, brief)
        if verdict.stale:
            say(f"auditor: {verdict.reason}; run `auditor brief --out {target}` and commit it")
            return 1
        if args.quiet <= 0:
            say(f"auditor: {verdict.reason}")
        return 0
    if not args.out:
        sys.stdout.write(brief)
        return 0
    target = Path(args.out)
    try:
        existing: str | None = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = None
    emit(embedded(existing, brief), args.out, inside=opts.root)
    return 0
