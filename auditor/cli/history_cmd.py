"""`auditor history`: print the trend of past runs."""

from __future__ import annotations

import argparse
from typing import Any

from auditor.domain.errors import UsageError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("history", parents=[common], help="print the trend of past runs")
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UsageError("`auditor history` is not available yet")
