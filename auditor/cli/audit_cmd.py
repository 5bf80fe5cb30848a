"""`auditor audit`: the nightly run — report directory (html, json, sarif) and run history."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from auditor.cli.output import SEVERITIES, exit_status, hint_if_unconfigured, say
from auditor.domain.project_files import BASELINE_FILE, HISTORY_FILE


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("audit", parents=[common], help="full nightly audit: report directory, history")
    parser.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="report directory (default: ROOT/auditor-report, ROOT = the project root)",
    )
    parser.add_argument("--baseline", metavar="FILE", help=f"baseline file (default: {BASELINE_FILE})")
    history = parser.add_mutually_exclusive_group()
    history.add_argument(
        "--history",
        metavar="DB",
        help="history: a SQLite file or a postgresql://user@host/db URL, password from "
        f"AUDITOR_HISTORY_PASSWORD or PGPASSWORD (default: config's `history`, else ROOT/{HISTORY_FILE})",
    )
    history.add_argument("--no-history", action="store_true", help="do not read or record run history")
    parser.add_argument("--no-semgrep", action="store_true", help="skip the semgrep security rules")
    parser.add_argument("--fail-on", choices=SEVERITIES, default=None, help="lowest severity that fails")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditor.cli.run_options import options_from_args
    from auditor.config import load_config
    from auditor.usecases.audit import run_audit

    opts = options_from_args(args)
    config = load_config(opts.root, opts.config_file)
    hint_if_unconfigured(config, args.quiet)
    # absolute, not resolved: a symlink at --out is refused, not followed
    out_dir = Path(args.out).absolute() if args.out else opts.root / "auditor-report"
    result = run_audit(
        opts,
        config=config,
        out_dir=out_dir,
        history_location=args.history,
        record_history=not args.no_history,
    )
    for warning in result.info.warnings if result.info.recorded is False else ():
        if warning.startswith("run not recorded"):
            say(f"auditor: warning: {warning}")  # even with -q: nothing is skipped in silence
    if not args.quiet:
        counts: dict[str, int] = {}
        for f in result.findings:
            counts[f.status.value] = counts.get(f.status.value, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no findings"
        say(f"auditor: {summary}; {len(result.fixed)} fixed")
        for stage, why in result.info.skipped_stages:
            say(f"auditor: not run: {stage}: {why}")
        say(f"auditor: {result.verdict.headline()}")
        print(out_dir / "index.html")
    return exit_status(result)
