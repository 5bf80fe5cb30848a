"""`auditor check`: the findings of the tree, against the baseline, or against a base ref."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from auditor.config import load_config
from auditor.config.model import AuditorConfig
from auditor.domain import Finding, Status
from auditor.domain.project_files import BASELINE_FILE
from auditor.domain.run import RunResult
from auditor.graph.model import ImportGraph
from auditor.index.git_ref import BaseRef
from auditor.pipeline.analysis import (
    Analysis,
    analyse,
    blame_paths,
    project_graph,
    runs_semgrep,
    tag_findings,
    to_result,
)
from auditor.pipeline.options import RunOptions
from auditor.support.git import Change


def baseline_path(opts: RunOptions, analysis: Analysis) -> Path | None:
    """--baseline FILE, else the config's `baseline`, else ROOT/auditor-baseline.json if present."""
    if opts.baseline is not None:
        return opts.baseline
    if analysis.config.baseline:
        return opts.root / analysis.config.baseline
    default = opts.root / BASELINE_FILE
    return default if default.exists() else None


def apply_baseline(opts: RunOptions, analysis: Analysis) -> tuple[list[Finding], list[Finding]]:
    """(findings with status new/baselined, baselined entries that no longer occur = fixed)."""
    path = baseline_path(opts, analysis)
    if path is None:
        return list(analysis.findings), []
    from auditor.drift.baseline import classify_against_baseline, load_baseline

    baseline = load_baseline(path)
    # follows file renames since the commit the baseline was written at; entries of kinds or
    # files this run could not see are neither fixed nor matched
    classified, fixed = classify_against_baseline(analysis.findings, baseline, opts.root, analysis.unseen())
    return list(classified), list(fixed)


def collect_findings(
    opts: RunOptions, *, metrics: bool = True, config: AuditorConfig | None = None, graph: ImportGraph | None = None
) -> RunResult:
    """Analyse the tree and classify its findings against the baseline (no base ref); `graph`:
    the tree's graph when the caller has it (built for `config`)."""
    started = time.perf_counter()
    analysis = analyse(opts, config=config, attribution="findings", graph=graph)
    findings, fixed = apply_baseline(opts, analysis)
    commit, branch = analysis.commit_and_branch(opts.root)
    return to_result(
        analysis,
        opts,
        findings=findings,
        fixed=fixed,
        commit=commit,
        branch=branch,
        started=started,
        metrics=metrics,
    )


class CheckSides:
    """Where `check_against_base` gets the working tree's graph and REF's analysis: built from
    the caches on disk for each run (the command line). A long-lived process (`auditor mcp`)
    passes a subclass that keeps them in memory between calls."""

    def tree_graph(self, opts: RunOptions, config: AuditorConfig) -> ImportGraph:
        return project_graph(opts, opts.root, config)

    def base_analysis(
        self, opts: RunOptions, head: Analysis, base_ref: BaseRef, changes: Sequence[Change]
    ) -> Analysis:
        """REF's analysis (its graph in `.graph`) under the working tree's configuration."""
        return analyse_base(opts, head, base_ref, changes)


def analyse_base(opts: RunOptions, head: Analysis, base_ref: BaseRef, changes: Sequence[Change]) -> Analysis:
    """REF's side of a pre-merge check: the working tree's graph with REF's versions of the
    `changes` (root-relative) patched in, analysed under the working tree's configuration."""
    import tempfile

    from auditor.index.at_ref import base_graph

    changed_paths = {p for c in changes for p in (c.path, c.old_path) if p}
    changed_modules = [name for name, m in head.graph.modules.items() if m.path in changed_paths]
    with tempfile.TemporaryDirectory(prefix="auditor-base-") as tmp:
        graph_at_base, base_changed = base_graph(
            opts.root,
            head.graph,
            base_ref,
            changes,
            Path(tmp),
            cache_dir=opts.cache_folder,
            jobs=opts.jobs,
            write_files=runs_semgrep(opts, head.config),
            exclude=head.config.exclude,
        )
        return analyse(
            opts,
            root=Path(tmp),
            config=head.config,
            graph=graph_at_base,
            security_files=base_changed,
            attribution="none",
            tag=False,
            validate=False,
            # REF's graph equal to the working tree's edge for edge: the contracts' outcome too
            contracts=head.contracts if same_imports(head.graph, graph_at_base, changed_modules, head.config) else None,
        )


def same_imports(head: ImportGraph, base: ImportGraph, changed: Sequence[str], config: AuditorConfig) -> bool:
    """Whether REF's graph (`base`: the working tree's with REF's versions of the `changed`
    modules) has the working tree's modules, and every changed module its imports (line by
    line) and, when a contract of `config` reads it, `__all__`: then every contract sees the
    same graph on both sides."""
    from auditor.contracts.registry import reads_all_names

    if base.modules != head.modules or not head.same_imports_as(base, changed):
        return False
    if not reads_all_names(config.contracts):
        return True
    for module in changed:
        here, there = head.facts.get(module), base.facts.get(module)
        if (here is None) != (there is None) or (here and there and here.all_names != there.all_names):
            return False
    return True


def check_against_base(
    opts: RunOptions,
    ref: str,
    *,
    metrics: bool = True,
    config: AuditorConfig | None = None,
    sides: CheckSides | None = None,
) -> RunResult:
    """What the working tree makes worse than REF: every finding with its status against REF
    (new; persisting when REF has it too, counted, never failing; baselined when the working
    tree's baseline accepts it), plus REF's findings that are gone (fixed).

    Both sides are analysed under the working tree's configuration, so a rule change is judged
    by the rule-pack commands, not mistaken for drift. semgrep scans only the changed files on
    each side; the base side reuses the head's facts for every file the change did not touch.
    """
    from auditor.domain.guardrail_policy import hidden_by_change
    from auditor.drift.classify import classify_against_base
    from auditor.drift.guardrails.findings import at_ref, judge
    from auditor.index.git_ref import PendingChanges, open_base
    from auditor.pipeline.guardrail_check import (
        guardrail_changes,
        mark_exempted,
        removal_origins,
        without_own_stale,
    )
    from auditor.support.git import Change

    started = time.perf_counter()
    base_ref = open_base(opts.root, ref)
    pending = PendingChanges(opts.root, base_ref)  # git diffs while the head graph is built
    try:
        config = config or load_config(opts.root, opts.config_file)
        head_graph = (sides or CheckSides()).tree_graph(opts, config)
    except BaseException:
        pending.cancel()
        raise
    changes = pending.result()
    local_changes = [
        Change(c.status, path, base_ref.local(c.old_path))
        for c in changes
        if (path := base_ref.local(c.path)) is not None
    ]
    from auditor.security.suffixes import SUFFIXES

    head_changed = sorted({c.path for c in local_changes if c.status != "D" and c.path.endswith(SUFFIXES)})
    renames = {c.old_path: c.path for c in local_changes if c.status == "R" and c.old_path}

    head = analyse(
        opts, config=config, security_files=head_changed, attribution="none", graph=head_graph, tag=False
    )
    base = (sides or CheckSides()).base_analysis(opts, head, base_ref, local_changes)
    graph_at_base = base.graph
    # semgrep ran on the changed files only, on both sides, so its findings compare like for
    # like; the working tree's baseline still holds: an accepted finding is never new
    baseline_file = baseline_path(opts, head)
    baselined = baseline = None
    if baseline_file is not None:
        from auditor.drift.baseline import classify_against_baseline, load_baseline

        baseline = load_baseline(baseline_file)
        baselined = classify_against_baseline(head.findings, baseline, opts.root, head.unseen())
    by_base = classify_against_base(head.findings, base.findings, renames, baselined)
    # guardrail integrity: what the change does to the rules themselves (new by nature), and
    # what an exemption it adds hides (shown with suppressed_by, never failing by itself)
    modules = {m.path for m in head.graph.modules.values() if m.path}
    touched = [c.path for c in local_changes if c.status != "D"]
    guard = guardrail_changes(
        opts.root, base_ref, ref, head.config, baseline_file, modules, baseline, touched, cache_dir=opts.cache_folder
    )
    current = mark_exempted(by_base.findings, guard.exemptions, head.suppressed)
    # owners, layers and surfaces (CODEOWNERS of the working tree)
    tagged = tag_findings([*current, *guard.findings], head.config, head.graph, opts.root)
    # only new findings (and what a new exemption hides) need an author: attribute just those
    # files; a removed guardrail has no line left: the commit that removed it decides
    new = [f for f in tagged if f.status is Status.NEW or hidden_by_change(f)]
    others = [f for f in tagged if not (f.status is Status.NEW or hidden_by_change(f))]
    fixed = tag_findings(without_own_stale(by_base.fixed, guard.exemptions), head.config, graph_at_base, opts.root)
    removals = [f for f in new if at_ref(f)]
    new = [*attribute_new(opts, head, [f for f in new if not at_ref(f)]), *removals]
    new = judge(removal_origins(opts.root, base_ref, new, head.config), guard.policy)
    result = to_result(
        head,
        opts,
        findings=[*new, *others],
        fixed=fixed,
        base=ref,
        commit=base_ref.head,
        branch=base_ref.branch,
        started=started,
        metrics=metrics,
    )
    return result


def attribute_new(opts: RunOptions, head: Analysis, findings: list[Finding]) -> list[Finding]:
    """`findings` with their origin, blaming only their files (head's config, warnings to head)."""
    paths = blame_paths(findings)
    if not paths:
        return findings
    from auditor.attribution import attribute, attribute_findings

    outcome = attribute(
        opts.root,
        paths,
        head.config.attribution,
        cache_dir=opts.cache_folder,
        jobs=opts.jobs,
    )
    head.warnings.extend(outcome.warnings)
    return list(attribute_findings(findings, outcome.files))
