"""`auditor check`: check contracts and security rules; with --base, only what the change makes worse."""

from __future__ import annotations

import argparse
from typing import Any

from auditor.domain.errors import UsageError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "check",
        parents=[common],
        help="check contracts and security rules; with --base, only what the change makes worse",
    )
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UsageError("`auditor check` is not available yet")
