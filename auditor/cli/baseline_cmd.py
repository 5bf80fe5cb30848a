"""`auditor baseline`: write or update the committed baseline of accepted findings."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from auditor.cli.output import say
from auditor.domain.errors import UsageError
from auditor.domain.findings import FindingKind
from auditor.domain.project_files import BASELINE_FILE


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "baseline",
        parents=[common],
        help="write or update the committed baseline of accepted findings",
        description=f"Freeze the current findings into {BASELINE_FILE} (commit it). Later runs "
        "report only findings not in it. --update drops entries that no longer occur; new findings "
        "are added only with --accept-new --reason TEXT.",
    )
    parser.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"baseline file (default: config's baseline, else ROOT/{BASELINE_FILE})",
    )
    parser.add_argument("--update", action="store_true", help="drop fixed entries from an existing baseline")
    parser.add_argument(
        "--accept-new", action="store_true", help="also add the current new findings (needs --reason)"
    )
    parser.add_argument("--reason", metavar="TEXT", help="why the findings are accepted (stored per entry)")
    parser.add_argument("--no-semgrep", action="store_true", help="skip semgrep (security entries are kept)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditor.cli.run_options import options_from_args
    from auditor.drift.baseline import (
        baseline_renames,
        load_baseline,
        update_baseline,
        write_baseline,
    )
    from auditor.drift.renames import match_with_renames
    from auditor.usecases.check import collect_findings

    if args.accept_new and not (args.reason and args.reason.strip()):
        raise UsageError("--accept-new needs --reason TEXT: say why these findings are accepted")
    from auditor.cli.output import hint_if_unconfigured
    from auditor.config import load_config

    opts = options_from_args(args)
    config = load_config(opts.root, opts.config_file)
    hint_if_unconfigured(config, args.quiet)
    # -o is relative to the cwd (what the user typed); the default lives at the project root
    target = Path(args.output).absolute() if args.output else opts.root / (config.baseline or BASELINE_FILE)
    updating = args.update or args.accept_new
    if updating and not target.exists():
        raise UsageError(f"{target}: no baseline to update; run `auditor baseline` first to create it")
    if not updating and target.exists():
        raise UsageError(
            f"{target}: a baseline exists; use --update to drop fixed entries, "
            "or --accept-new --reason TEXT to add new findings"
        )
    old = load_baseline(target) if updating else None  # a malformed file fails before the analysis

    result = collect_findings(opts)
    if result.info.incomplete and not args.allow_incomplete:
        for reason in result.info.incomplete_reasons:
            say(f"auditor: incomplete run: {reason}")
        say(f"auditor: baseline not written: the run was incomplete ({target})")
        return 1
    for error in result.errors:
        say(f"auditor: warning: not analysed: {error.path}: {error.message}")

    if old is None:
        written = write_baseline(
            target, result.findings, reason=args.reason, commit=result.info.commit, inside=opts.root
        )
        say(f"auditor: wrote {target}: {len(written)} entries")
        return 0

    unanalysed = {e.path for e in result.errors}
    skipped_security = args.no_semgrep or not opts.semgrep
    matched = match_with_renames(result.findings, old.known(), baseline_renames(opts.root, old))
    change = update_baseline(
        old,
        result.findings,
        accept_new=args.accept_new,
        reason=args.reason,
        matched=matched,
        commit=result.info.commit,
        keep=lambda e: e.path in unanalysed or (skipped_security and e.kind == FindingKind.SECURITY.value),
    )
    from auditor.drift.baseline import save_baseline

    save_baseline(target, change.baseline, inside=opts.root)
    say(
        f"auditor: updated {target}: {len(change.baseline)} entries "
        f"({len(change.removed)} removed as fixed, {len(change.added)} added)"
    )
    for note in change.notes:
        say(f"auditor: {note}")
    return 0
