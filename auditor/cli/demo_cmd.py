"""`auditor demo [--out DIR]`: build the sample project with history, audit it twice, print the report.

The project goes to DIR/project (recreated when it is an earlier demo), the report to
DIR/report/index.html. The first audit runs at an early commit, the second at the branch head,
so the report's trend has two points and its verdict compares with a previous run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from auditor.domain.run import RunResult

DEFAULT_OUT = "auditor-demo"
DEMO_TODAY = dt.date(2026, 1, 20)  # exceptions expire against this date: the demo is deterministic


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "demo",
        parents=[common],
        help="create a sample project with history, audit it twice, print the report path",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=DEFAULT_OUT,
        help=f"where the project and report go (default: ./{DEFAULT_OUT})",
    )
    parser.add_argument("--no-semgrep", action="store_true", help="skip the semgrep security rules")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditor.support.safe_files import ensure_dir
    from auditor.usecases.demo.project import checkout, create_demo_project

    out = ensure_dir(Path(args.out).absolute())  # never through a symlink
    quiet = getattr(args, "quiet", 0) > 0
    project = create_demo_project(out / "shop")
    report_dir = out / "report"
    first, _ = project.audit_points
    _say(quiet, f"auditor demo: sample project with {len(project.commits)} commits in {project.root}")
    checkout(project, first)
    _say(quiet, f"auditor demo: audit 1/2 at {first[:10]} (after the first AI commit)")
    _run_audit(project.root, report_dir, args)
    checkout(project, project.branch)
    _say(quiet, f"auditor demo: audit 2/2 at {project.branch} (agents, a git-ai note, an Agent Trace record)")
    result = _run_audit(project.root, report_dir, args)
    new = sum(1 for f in result.findings if f.status.value == "new")
    _say(quiet, f"auditor demo: {len(result.findings)} findings, {new} new since the first audit")
    _say(quiet, f"auditor demo: brief --check: {_brief_check(project.root)}")
    print(report_dir / "index.html")
    return 0


def _run_audit(root: Path, report_dir: Path, args: argparse.Namespace) -> RunResult:
    """One nightly audit of the demo project (history in the project's .auditor/)."""
    from auditor.pipeline.options import RunOptions
    from auditor.usecases.audit import run_audit

    opts = RunOptions(
        root=root,
        semgrep=not getattr(args, "no_semgrep", False),
        jobs=getattr(args, "jobs", None),
        use_cache=not getattr(args, "no_cache", False),
        today=DEMO_TODAY,
        allow_incomplete=True,
    )
    return run_audit(opts, out_dir=report_dir)


def _brief_check(root: Path) -> str:
    """`auditor brief --check` on the demo project: is its committed AGENTS.md current?"""
    from auditor.usecases.brief import check_brief, project_brief
    from auditor.usecases.demo.project import BRIEF_FILE

    verdict = check_brief(root / BRIEF_FILE, project_brief(root, None))
    return f"{verdict.reason} ({'stale' if verdict.stale else 'passed'})"


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, file=sys.stderr)
