"""The command line: parse arguments, call the pipeline, turn errors into one line and an exit code.

Each command lives in its own module with `register(subparsers, common)`; the module sets
`func` on its parser, which receives the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from auditor import __version__
from auditor.cli.output import say
from auditor.domain.errors import AuditorError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

# command module names under auditor.cli, in the order `auditor --help` lists them
COMMANDS = (
    "demo_cmd",
    "init_cmd",
    "graph_cmd",
    "check_cmd",
    "audit_cmd",
    "baseline_cmd",
    "history_cmd",
    "attribution_cmd",
    "rules_cmd",
    "org_cmd",
    "mcp_cmd",
    "brief_cmd",
)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that `finally` blocks and rollbacks run (exit 143)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While running a command, SIGTERM raises Terminated (main thread, default handler only)."""
    install = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    )
    if install:
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        if install:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"auditor: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def common_options() -> argparse.ArgumentParser:
    """Options every command accepts (spec: --config, --package, --cache-dir, ...)."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("common options")
    group.add_argument("--config", metavar="FILE", help="pyproject.toml or auditor.toml to use")
    group.add_argument(
        "--package",
        metavar="NAME",
        action="append",
        default=None,
        help="root package to audit (repeatable); default: from config, else discovered",
    )
    group.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="cache directory (default: one per project in your user cache folder, "
        "~/.cache/auditor/projects/; a folder git tracks files in is not used)",
    )
    group.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    group.add_argument(
        "--jobs", type=int, metavar="N", default=None, help="parallel workers (default: cores)"
    )
    group.add_argument("-q", "--quiet", action="count", default=0, help="less output")
    group.add_argument("-v", "--verbose", action="count", default=0, help="more output")
    group.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="exit by findings alone even when a stage (e.g. semgrep) failed",
    )
    return common


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser. Given the arguments, and when they name a command, only that
    command's module is imported and registered (a warm `check` should not pay for the other
    eight); otherwise (`--help`, a typo) every command is, so help and errors list them all."""
    parser = _Parser(
        prog="auditor",
        description="Architecture-drift auditor for Python codebases.",
        epilog="exit codes: 0 nothing at/above --fail-on; 1 findings at/above it or an incomplete "
        "run; 2 usage, configuration or rule-pack error",
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = common_options()
    first = argv[0] if argv else None
    named = f"{first}_cmd" if first and not first.startswith("-") else None
    for name in [named] if named in COMMANDS else COMMANDS:
        module = importlib.import_module(f"auditor.cli.{name}")
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("SEMGREP_ENABLE_VERSION_CHECK", "0")
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        with _sigterm_raises():
            return int(args.func(args))
    except AuditorError as exc:
        say(f"auditor: error: {_one_line(str(exc))}")
        return exc.exit_code
    except Terminated:
        print("auditor: terminated (SIGTERM); earlier results are intact", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("auditor: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug of ours: one line, the traceback only when asked for
        import traceback

        if getattr(args, "verbose", 0) or os.environ.get("AUDITOR_DEBUG"):
            traceback.print_exc()
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
        say(
            f"auditor: internal error{at}: {type(exc).__name__}: {_one_line(str(exc))} "
            "(please report it; -v shows the traceback)"
        )
        return EXIT_USAGE


def _one_line(text: str, limit: int = 500) -> str:
    """Messages may quote hostile input: keep them one line and bounded."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
