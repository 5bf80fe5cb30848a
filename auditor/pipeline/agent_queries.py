"""The questions a coding agent asks, answered from one analysis: which files a check is limited
to, whether a module exists, the shortest import chain, and a finding explained.

Shared by `auditor check --only` and the MCP server, so both say the same one line for the same
mistake.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.contracts.search import hops
from auditor.domain import ChainHop, Finding, UsageError
from auditor.domain.run import RunResult
from auditor.graph.model import ImportGraph


def only_paths(root: Path, paths: Iterable[str]) -> frozenset[str]:
    """The repository-relative POSIX forms of `paths` (absolute, or relative to `root`);
    UsageError for one outside the project."""
    real_root = os.path.realpath(root)
    chosen = set()
    for given in paths:
        full = os.path.realpath(os.path.join(real_root, given))
        if full != real_root and not full.startswith(real_root + os.sep):
            raise UsageError(f"{given}: outside the project ({root})")
        chosen.add(Path(os.path.relpath(full, real_root)).as_posix())
    return frozenset(chosen)


def limited_to(result: RunResult, paths: frozenset[str] | None) -> RunResult:
    """`result` with only the findings (and fixed ones) in `paths` (a file, or under a folder);
    None keeps everything."""
    if paths is None:
        return result

    def kept(finding: Finding) -> bool:
        where = finding.path or ""
        return any(where == p or where.startswith(p.rstrip("/") + "/") or p == "." for p in paths)

    return dataclasses.replace(
        result,
        findings=tuple(f for f in result.findings if kept(f)),
        fixed=tuple(f for f in result.fixed if kept(f)),
    )


def require_module(graph: ImportGraph, name: str, root: Path) -> str:
    """`name` when it is a module of the project; UsageError otherwise."""
    if name not in graph.modules:
        raise UsageError(f"unknown module {name!r}: not a module of the project at {root}")
    return name


def import_chain(graph: ImportGraph, importer: str, imported: str) -> tuple[ChainHop, ...] | None:
    """The shortest chain of imports from `importer` to `imported`, each hop with its line; None
    when `importer` does not reach `imported`."""
    chain = graph.shortest_chain([importer], [imported])
    return hops(graph, chain) if chain else None


@dataclass(frozen=True, slots=True)
class FindingExplanation:
    """A finding, the chain that makes it, and what to do instead (the contract's guidance,
    else its type's advice)."""

    finding: Finding
    chain: tuple[ChainHop, ...]
    instead: str


def finding_chain(finding: Finding) -> tuple[ChainHop, ...]:
    """The finding's import chain; a direct import is a chain of one hop."""
    if finding.chain:
        return finding.chain
    if finding.importer and finding.imported:
        return (ChainHop(finding.importer, finding.imported, finding.line or 0),)
    return ()


def find_finding(fingerprint: str, *groups: Sequence[Finding]) -> Finding | None:
    return next((f for group in groups for f in group if f.fingerprint == fingerprint), None)


def explain_finding(finding: Finding, config: AuditorConfig, instead: str) -> FindingExplanation:
    """`instead`: the rule's own advice (the four-part explanation's last part)."""
    spec = next((c for c in config.contracts if c.id == finding.rule), None)
    advice = finding.guidance or (spec.guidance if spec is not None else None) or instead
    return FindingExplanation(finding, finding_chain(finding), advice)
