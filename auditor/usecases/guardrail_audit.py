"""Guardrail integrity between nightly runs: this run's guardrails against the last recorded.

The same model, comparison, attribution and policy as `check --base` (pipeline.guardrail_check),
with the last run's guardrails (from the history database) in place of REF's, and its commit as
the point the diff of inline suppressions and the commit of a removal are measured from. A first
run, or a history recorded before guardrails were, has nothing to compare with: it only records.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from auditor.domain import Finding, GitError
from auditor.domain.guardrails import Guardrails
from auditor.drift.guardrails.compare import compare
from auditor.drift.guardrails.findings import at_ref, change_findings, judge, suppression_findings
from auditor.drift.guardrails.snapshot import guardrails_of
from auditor.drift.guardrails.suppressions import suppressions_in_text
from auditor.drift.history import History
from auditor.drift.owners import Owners
from auditor.index.git_ref import open_base
from auditor.pipeline.analysis import Analysis, tag_findings
from auditor.pipeline.guardrail_check import (
    Exemptions,
    added_suppressions_since,
    mark_exempted,
    read_baseline_text,
    removal_origins,
)
from auditor.pipeline.options import RunOptions
from auditor.usecases.check import attribute_new, baseline_path


def current_guardrails(opts: RunOptions, analysis: Analysis) -> Guardrails:
    """The working tree's guardrails, with the count of inline suppressions in its modules."""
    baseline, text = read_baseline_text(baseline_path(opts, analysis))
    guardrails = guardrails_of(analysis.config, baseline, opts.root, text)
    return dataclasses.replace(guardrails, suppressions=count_suppressions(opts.root, analysis))


def count_suppressions(root: Path, analysis: Analysis) -> int:
    total = 0
    for path in sorted({m.path for m in analysis.graph.modules.values() if m.path}):
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "nosemgrep" in text:
            total += len(suppressions_in_text(path, text))
    return total


def guardrail_findings_since_last_run(
    opts: RunOptions, analysis: Analysis, history: History | None, current: Guardrails
) -> list[Finding]:
    """What changed in the guardrails since the last recorded run, each with owner and origin."""
    if history is None:
        return []
    previous, commit = history.previous_guardrails()
    if previous is None:
        return []
    owners = Owners.from_repo(opts.root)
    findings = change_findings(compare(previous, current), owners)
    since = None
    if commit:
        try:
            since = open_base(opts.root, commit)
        except GitError:
            since = None  # the last run's commit is not in this clone (history rewritten)
    modules = {m.path for m in analysis.graph.modules.values() if m.path}
    if since is not None:
        added = added_suppressions_since(opts.root, since, modules, untracked_files=False)
        findings += suppression_findings(added, owners)
    removals = [f for f in findings if at_ref(f)]
    if since is not None:
        removals = removal_origins(opts.root, since, removals, analysis.config)
    findings = [*attribute_new(opts, analysis, [f for f in findings if not at_ref(f)]), *removals]
    return judge(findings, previous.policy.stricter(current.policy))


def exempted_since_last_run(analysis: Analysis, findings: list[Finding], changes: list[Finding]) -> list[Finding]:
    """`findings` plus the violations an exception added since the last run suppresses, and
    with `suppressed_by` on those a baseline entry added since then accepts (as in a check)."""
    from auditor.attribution import attribute_findings

    marked = mark_exempted(findings, Exemptions.of(changes), analysis.suppressed, "since the last run")
    hidden = tag_findings(marked[len(findings) :], analysis.config, analysis.graph, analysis.config.root)
    return [*marked[: len(findings)], *attribute_findings(hidden, analysis.line_origins)]
