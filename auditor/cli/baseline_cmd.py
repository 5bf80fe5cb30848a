"""`auditor baseline`: write or update the committed baseline of accepted findings."""

from __future__ import annotations

import argparse
from typing import Any

from auditor.domain.errors import UsageError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "baseline", parents=[common], help="write or update the committed baseline of accepted findings"
    )
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UsageError("`auditor baseline` is not available yet")
