"""Shared CLI plumbing: format choice, writing output, exit status from findings."""

from __future__ import annotations

import sys
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.domain.run import RunResult
from auditor.report import FORMATS
from auditor.support.safe_files import write_file
from auditor.support.textsafe import terminal_line

SEVERITIES = ("error", "warning", "info")
__all__ = ["FORMATS", "SEVERITIES", "emit", "exit_status", "hint_if_unconfigured", "say"]


def say(message: str) -> None:
    """One line on stderr; repository strings in it made safe for a terminal or CI log."""
    print(terminal_line(message), file=sys.stderr)


def hint_if_unconfigured(config: AuditorConfig, quiet: int) -> None:
    """One line on stderr when no configuration was found: what the run uses instead."""
    if config.config_path is not None or quiet > 0:
        return
    packs = ", ".join(p.ref or p.name for p in config.packs) or "no rule pack"
    say(f"auditor: no configuration found; using discovered packages and {packs} (run `auditor init` to write one)")


def emit(text: str, output: str | None, *, inside: Path | None = None) -> None:
    """Write to -o FILE (all at once, never through a symlink; see support.safe_files) or stdout.
    `inside`: the project; no folder of FILE below it may be a symlink either."""
    if output and output != "-":
        write_file(Path(output), text, inside=inside)
    else:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


def exit_status(result: RunResult) -> int:
    """The run's verdict as an exit code (0 passed, 1 failed); why an incomplete run failed on stderr."""
    verdict = result.verdict
    if verdict.incomplete and not verdict.incomplete_allowed:
        for reason in result.info.incomplete_reasons:
            say(f"auditor: incomplete run: {reason}")
    return verdict.exit_code
