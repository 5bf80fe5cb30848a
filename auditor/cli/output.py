"""Shared CLI plumbing: format choice, writing output, exit status from findings."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.domain import Severity
from auditor.domain.errors import UsageError
from auditor.domain.run import RunResult
from auditor.report import FORMATS
from auditor.report.writers._common import failing_findings

SEVERITIES = ("error", "warning", "info")
__all__ = ["FORMATS", "SEVERITIES", "emit", "exit_status", "hint_if_unconfigured"]


def hint_if_unconfigured(config: AuditorConfig, quiet: int) -> None:
    """One line on stderr when no configuration was found: what the run uses instead."""
    if config.config_path is not None or quiet > 0:
        return
    packs = ", ".join(p.ref or p.name for p in config.packs) or "no rule pack"
    print(
        f"auditor: no configuration found; using discovered packages and {packs} "
        "(run `auditor init` to write one)",
        file=sys.stderr,
    )


def emit(text: str, output: str | None) -> None:
    """Write to -o FILE (atomically enough: whole text at once) or stdout."""
    if output and output != "-":
        path = Path(output)
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:  # a full disk, a read-only directory: one line, exit 2
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


def exit_status(result: RunResult, fail_on: Severity, allow_incomplete: bool) -> int:
    """0 when no open finding is at/above fail_on; 1 otherwise, or when the run was incomplete."""
    if failing_findings(result, fail_on):
        return 1
    if result.info.incomplete and not allow_incomplete:
        for reason in result.info.incomplete_reasons:
            print(f"auditor: incomplete run: {reason}", file=sys.stderr)
        return 1
    return 0
