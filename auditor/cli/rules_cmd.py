"""`auditor rules`: validate, list, test, diff and explain rule packs."""

from __future__ import annotations

import argparse
from typing import Any

from auditor.domain.errors import UsageError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "rules", parents=[common], help="validate, list, test, diff and explain rule packs"
    )
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UsageError("`auditor rules` is not available yet")
