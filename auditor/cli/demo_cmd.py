"""`auditor demo`: create a sample project with history, audit it twice, print the report path."""

from __future__ import annotations

import argparse
from typing import Any

from auditor.domain.errors import UsageError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "demo",
        parents=[common],
        help="create a sample project with history, audit it twice, print the report path",
    )
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UsageError("`auditor demo` is not available yet")
