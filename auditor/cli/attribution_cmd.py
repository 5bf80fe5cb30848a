"""`auditor attribution`: per-file / per-agent table of AI- vs human-written lines."""

from __future__ import annotations

import argparse
from typing import Any

from auditor.domain.errors import UsageError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "attribution", parents=[common], help="per-file / per-agent table of AI- vs human-written lines"
    )
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UsageError("`auditor attribution` is not available yet")
