"""`auditor brief`: the architecture brief of a project, and whether a committed one is stale.

The brief sits in its file between two marker lines, so it can share AGENTS.md or CLAUDE.md with
text people wrote: writing replaces only what is between the markers (or creates the file),
checking compares only that part.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.config import load_config
from auditor.domain import UsageError
from auditor.drift.owners import Owners
from auditor.pipeline.metrics import layer_rows
from auditor.pipeline.module_rules import rule_ids
from auditor.report.brief import BEGIN, END, BriefInputs, render_brief


def project_brief(root: Path, config_file: Path | None, *, base: str = "origin/main") -> str:
    """The brief of the project at `root` (its configuration and CODEOWNERS only: no code read)."""
    config = load_config(root, config_file)
    where = config.config_path
    shown = where.relative_to(root).as_posix() if where is not None and where.is_relative_to(root) else None
    inputs = BriefInputs(
        project=", ".join(config.packages) or root.name,
        config=config,
        layer_rows=layer_rows(config.layers, config.contracts),
        boundary_rules={ref.path: rule_ids(ref) for ref in config.semgrep_rules},
        codeowners=Owners.from_repo(root).source,
        base=base,
        config_file=shown or "the default configuration",
    )
    return render_brief(inputs)


def embedded(existing: str | None, brief: str) -> str:
    """`existing` (a file's text, or None) with its brief section replaced by `brief`."""
    if existing is None or BEGIN not in existing:
        return brief if existing is None else existing.rstrip("\n") + "\n\n" + brief
    head, _, rest = existing.partition(BEGIN)
    _, found, tail = rest.partition(END)
    if not found:
        raise UsageError(f"the brief's end marker is missing (expected the line {END})")
    return head + brief.rstrip("\n") + tail


@dataclass(frozen=True, slots=True)
class Staleness:
    stale: bool
    reason: str


def check_brief(path: Path, brief: str) -> Staleness:
    """Whether the brief committed in `path` is the one the configuration gives now."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Staleness(True, f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None
    if BEGIN not in text:
        return Staleness(True, f"{path}: no auditor brief in it")
    if embedded(text, brief) != text:
        return Staleness(True, f"{path}: the architecture brief is stale (the configuration changed)")
    return Staleness(False, f"{path}: the architecture brief is up to date")
