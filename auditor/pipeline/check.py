"""`auditor check`: the findings of the tree, against the baseline, or against a base ref."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from auditor.config import load_config
from auditor.config.model import AuditorConfig
from auditor.domain import Finding, Status
from auditor.domain.run import RunResult
from auditor.pipeline.analysis import Analysis, analyse, project_graph, runs_semgrep, tag_findings, to_result
from auditor.pipeline.options import RunOptions
from auditor.support.git import head_info


def baseline_path(opts: RunOptions, analysis: Analysis) -> Path | None:
    """--baseline FILE, else the config's `baseline`, else ROOT/auditor-baseline.json if present."""
    if opts.baseline is not None:
        return opts.baseline
    if analysis.config.baseline:
        return opts.root / analysis.config.baseline
    default = opts.root / "auditor-baseline.json"
    return default if default.exists() else None


def apply_baseline(opts: RunOptions, analysis: Analysis) -> tuple[list[Finding], list[Finding]]:
    """(findings with status new/baselined, baselined entries that no longer occur = fixed)."""
    path = baseline_path(opts, analysis)
    if path is None:
        return list(analysis.findings), []
    from auditor.drift.baseline import classify_against_baseline, load_baseline

    baseline = load_baseline(path)
    # follows file renames since the commit the baseline was written at
    classified, fixed = classify_against_baseline(analysis.findings, baseline, opts.root)
    return list(classified), list(fixed)


def collect_findings(
    opts: RunOptions, *, metrics: bool = True, config: AuditorConfig | None = None
) -> RunResult:
    """Analyse the tree and classify its findings against the baseline (no base ref)."""
    started = time.perf_counter()
    analysis = analyse(opts, config=config, attribution="findings")
    findings, fixed = apply_baseline(opts, analysis)
    commit, branch = head_info(opts.root)
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


def check_against_base(
    opts: RunOptions, ref: str, *, metrics: bool = True, config: AuditorConfig | None = None
) -> RunResult:
    """Only what the working tree makes worse than REF: new findings, plus the fixed ones.

    Both sides are analysed under the working tree's configuration, so a rule change is judged
    by the rule-pack commands, not mistaken for drift. semgrep scans only the changed files on
    each side; the base side reuses the head's facts for every file the change did not touch.
    """
    from auditor.drift.classify import match_against_base
    from auditor.pipeline.base_graph import base_graph
    from auditor.pipeline.base_ref import Change, PendingChanges, open_base

    started = time.perf_counter()
    base_ref = open_base(opts.root, ref)
    pending = PendingChanges(opts.root, base_ref)  # git diffs while the head graph is built
    try:
        config = config or load_config(opts.root, opts.config_file)
        head_graph = project_graph(opts, opts.root, config)
    except BaseException:
        pending.cancel()
        raise
    changes = pending.result()
    local_changes = [
        Change(c.status, path, base_ref.local(c.old_path))
        for c in changes
        if (path := base_ref.local(c.path)) is not None
    ]
    head_changed = sorted({c.path for c in local_changes if c.status != "D" and c.path.endswith(".py")})
    renames = {c.old_path: c.path for c in local_changes if c.status == "R" and c.old_path}

    head = analyse(
        opts, config=config, security_files=head_changed, attribution="none", graph=head_graph, tag=False
    )
    import tempfile

    with tempfile.TemporaryDirectory(prefix="auditor-base-") as tmp:
        graph_at_base, base_changed = base_graph(
            opts,
            head.graph,
            base_ref,
            local_changes,
            Path(tmp),
            write_files=runs_semgrep(opts, head.config),
            exclude=head.config.exclude,
        )
        base = analyse(
            opts,
            root=Path(tmp),
            config=head.config,
            graph=graph_at_base,
            security_files=base_changed,
            attribution="none",
            tag=False,
        )
    # semgrep ran on the changed files only, on both sides, so its findings compare like for like
    new, fixed = match_against_base(head.findings, base.findings, renames)
    # owners, layers and surfaces only for what is reported (CODEOWNERS of the working tree)
    new = tag_findings(new, head.config, head.graph, opts.root)
    fixed = tag_findings(fixed, head.config, graph_at_base, opts.root)
    # only new findings need an author: attribute just those files
    new = _attribute(opts, head, new)
    result = to_result(
        head,
        opts,
        findings=[dataclasses.replace(f, status=Status.NEW) for f in new],
        fixed=[dataclasses.replace(f, status=Status.FIXED) for f in fixed],
        base=ref,
        commit=base_ref.head,
        branch=base_ref.branch,
        started=started,
        metrics=metrics,
    )
    return result


def _attribute(opts: RunOptions, head: Analysis, findings: list[Finding]) -> list[Finding]:
    if not findings:
        return findings
    from auditor.attribution import attribute, attribute_findings

    paths = sorted({f.path for f in findings if f.path})
    outcome = attribute(
        opts.root,
        paths,
        head.config.attribution,
        cache_dir=opts.effective_cache_dir if opts.use_cache else None,
        jobs=opts.jobs,
    )
    head.warnings.extend(outcome.warnings)
    return list(attribute_findings(findings, outcome.files))
