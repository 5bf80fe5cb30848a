"""`auditor check`: contracts and security rules; with --base, only what the change makes worse."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from auditor.cli.output import FORMATS, SEVERITIES, emit, exit_status, hint_if_unconfigured
from auditor.domain.project_files import BASELINE_FILE


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "check",
        parents=[common],
        help="check contracts and security rules; with --base, only what the change makes worse",
    )
    parser.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    parser.add_argument("--base", metavar="REF", help="report only findings that REF does not have")
    parser.add_argument("--format", choices=FORMATS, default=None, help="output format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the output here (default: stdout)")
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="lowest severity that fails (default: config, else error)",
    )
    parser.add_argument("--no-semgrep", action="store_true", help="skip the semgrep security rules")
    parser.add_argument("--baseline", metavar="FILE", help=f"baseline file (default: {BASELINE_FILE})")
    parser.add_argument(
        "--only",
        metavar="PATH",
        action="append",
        default=None,
        help="report (and fail on) only the findings in this file or folder (repeatable)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditor.cli.run_options import options_from_args
    from auditor.config import load_config
    from auditor.report import render
    from auditor.usecases.check import check_against_base, collect_findings

    opts = options_from_args(args)
    only = None
    if args.only:  # the agent queries' module only for --only
        from auditor.pipeline.agent_queries import limited_to, only_paths

        only = only_paths(opts.root, [os.path.abspath(p) for p in args.only])
    config = load_config(opts.root, opts.config_file)
    hint_if_unconfigured(config, args.quiet)
    fmt = args.format or "text"
    metrics = fmt == "json"  # package metrics and cycles appear only in the JSON report
    if args.base:
        result = check_against_base(opts, args.base, metrics=metrics, config=config)
    else:
        result = collect_findings(opts, metrics=metrics, config=config)
    if only is not None:
        result = limited_to(result, only)
    if fmt == "text":
        from auditor.report.writers.text import write as write_text

        color = sys.stdout.isatty() and not args.output
        text = write_text(result, color=color, verbose=args.verbose > 0)
    else:
        text = render(result, fmt)
    emit(text, args.output, inside=opts.root)
    return exit_status(result)
