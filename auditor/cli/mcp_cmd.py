"""`auditor mcp [PATH]`: serve the project's architecture and pre-merge check to a coding agent
over MCP (stdio). Reads the configuration and the caches once; writes nothing into the project."""

from __future__ import annotations

import argparse
from typing import Any

from auditor.domain.project_files import BASELINE_FILE


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "mcp",
        parents=[common],
        help="MCP server over stdio for coding agents (tools: check, module_rules, explain, import_path)",
    )
    parser.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    parser.add_argument("--no-semgrep", action="store_true", help="the check tool skips the semgrep rules")
    parser.add_argument("--baseline", metavar="FILE", help=f"baseline file (default: {BASELINE_FILE})")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditor.cli.run_options import options_from_args
    from auditor.config import load_config
    from auditor.mcp.server import serve
    from auditor.mcp.session import ProjectSession

    opts = options_from_args(args)
    load_config(opts.root, opts.config_file)  # a broken configuration: one line and exit 2, before serving
    serve(ProjectSession(opts))
    return 0
