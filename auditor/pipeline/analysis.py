"""One analysis of one tree: config -> graph -> contracts -> semgrep -> attribution -> owners.

Both `auditor check` and `auditor audit` start here; `check --base` runs it on both sides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.config import load_config
from auditor.config.model import AuditorConfig
from auditor.domain import AnalysisError, Finding, FindingKind
from auditor.domain.run import AttributionSummary, RuleHealth, RunInfo, RunResult
from auditor.drift.classify import Unseen
from auditor.graph import ImportGraph
from auditor.graph.patterns import LayerIndex
from auditor.index.definitions import DefinitionIndex
from auditor.index.tree import config_graph
from auditor.pipeline.metrics import layer_rows, package_view
from auditor.pipeline.options import RunOptions
from auditor.pipeline.validation import config_problems, raise_if_any
from auditor.support.bounded import MESSAGE_LIMIT, bound_messages, clip

if TYPE_CHECKING:
    from auditor.contracts.check import ContractsOutcome
    from auditor.domain.origin import FileAttribution


@dataclass
class Analysis:
    """Everything one analysis produced, before drift classification."""

    config: AuditorConfig
    graph: ImportGraph
    findings: list[Finding]
    errors: list[AnalysisError]
    stages: dict[str, float] = field(default_factory=dict)
    incomplete_reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    attribution: AttributionSummary = field(default_factory=AttributionSummary)
    line_origins: dict[str, FileAttribution] = field(default_factory=dict)
    health: RuleHealth = field(default_factory=RuleHealth)
    suppressed: list[Finding] = field(default_factory=list)
    skipped_stages: list[tuple[str, str]] = field(default_factory=list)  # (stage, why not run)
    unchecked_kinds: set[str] = field(default_factory=set)  # finding kinds no stage checked
    head: tuple[str | None, str | None] | None = None  # (commit, branch) once known; (None, None): no repo
    definitions: DefinitionIndex | None = None  # what the graph's module files define, on demand
    contracts: ContractsOutcome | None = None  # the contracts stage's outcome (None: not run)

    def definitions_index(self) -> DefinitionIndex:
        """`definitions`, or one without a cache (an Analysis built by hand)."""
        if self.definitions is None:
            self.definitions = DefinitionIndex(self.config.root, _parsed_paths(self.graph), cache_dir=None)
        return self.definitions

    def commit_and_branch(self, root: Path) -> tuple[str | None, str | None]:
        """HEAD's commit and branch: what attribution learnt, else one `git rev-parse`."""
        if self.head is not None:
            return self.head
        from auditor.support.git import head_info

        return head_info(root)

    def unseen(self) -> Unseen:
        """What this analysis could not see (kinds not checked, files not analysed)."""
        return Unseen.of(self.unchecked_kinds, (e.path for e in self.errors))


@contextmanager
def _timed(stages: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        stages[name] = round(time.perf_counter() - start, 4)


def semgrep_executable(configured: str) -> str:
    """`semgrep` beside this interpreter (a venv not on PATH) wins over PATH lookup."""
    if configured != "semgrep":
        return configured
    beside = Path(sys.executable).parent / "semgrep"
    if beside.exists():
        return str(beside)
    import shutil  # lazy: only when semgrep runs

    return shutil.which("semgrep") or "semgrep"


def analyse(
    opts: RunOptions,
    *,
    root: Path | None = None,
    config: AuditorConfig | None = None,
    security_files: Sequence[str] | None = None,
    attribution: str = "all",
    graph: ImportGraph | None = None,
    tag: bool = True,
    validate: bool = True,
    contracts: ContractsOutcome | None = None,
) -> Analysis:
    """Analyse `root` (default opts.root) with `config` (default: the one found at root).

    `security_files`: scan only these repo-relative files with semgrep (None: every module file).
    `attribution`: "all" files (the nightly audit's per-file table), only the files that carry
    "findings" (a check: every finding gets its origin, nothing else is blamed), or "none".
    `graph`: an already built graph of `root` (the base side of a pre-merge check).
    `tag`: give every finding its owner, layers and surfaces (a pre-merge check tags only the
    few findings it reports, with `tag_findings`).
    `validate`: reject (ConfigErrors, exit 2) a configuration `rules validate` rejects, with the
    checks that need the graph too; off for the base side of a pre-merge check (same config).
    `contracts`: the contracts' outcome on a graph equal to `graph` edge for edge, under the same
    configuration (the base side of a pre-merge check that kept every import): taken as it is,
    findings included, instead of evaluating and rendering the contracts again.
    """
    root = root or opts.root
    stages: dict[str, float] = {}
    with _timed(stages, "config"):
        if config is None:
            config = load_config(root, opts.config_file)
        else:
            config = dataclasses.replace(config, root=root)
    with _timed(stages, "graph"):
        graph = graph or project_graph(opts, root, config)
    if validate:
        with _timed(stages, "validate"):
            raise_if_any(config_problems(config, graph.modules))
    errors = list(graph.errors)
    analysis = Analysis(config=config, graph=graph, findings=[], errors=errors, stages=stages)
    analysis.definitions = DefinitionIndex(
        root, _parsed_paths(graph), cache_dir=opts.effective_cache_dir if opts.use_cache else None
    )
    if not any(m.path for m in graph.modules.values()):
        analysis.warnings.append(
            f"no Python package found under {root.name or root}: no import graph or contract was "
            "checked (name one with --package or `packages`); the security rules still scan every file"
        )
    unanalysed = unanalysed_reason(graph)
    if unanalysed is not None:
        analysis.incomplete_reasons.append(unanalysed)

    with _timed(stages, "contracts"):
        _run_contracts(analysis, opts.today, contracts)
    if runs_semgrep(opts, config):
        with _timed(stages, "semgrep"):
            _run_security(analysis, opts, root, security_files)
    else:
        analysis.skipped_stages.append(("semgrep", semgrep_skipped_because(opts, config)))
        analysis.unchecked_kinds.add(FindingKind.SECURITY.value)
    if attribution != "none":
        with _timed(stages, "attribution"):
            _run_attribution(analysis, opts, root, only_findings=attribution == "findings")
    if tag:
        with _timed(stages, "owners"):
            analysis.findings[:] = tag_findings(analysis.findings, analysis.config, analysis.graph, root)
    return analysis


def _parsed_paths(graph: ImportGraph) -> list[str]:
    """The files of the modules that have facts (their keys: no module's facts decoded)."""
    return [graph.modules[name].path for name in graph.facts if name in graph.modules]


def unanalysed_reason(graph: ImportGraph) -> str | None:
    """One line for the files the graph could not analyse (unparseable, unreadable, skipped
    symlinks, unlistable folders, ...), or None: their imports and findings are unknown, so the
    run is incomplete. An error about a file that was analysed (a relative import beyond the
    top-level package) does not count; files the config excludes are not modules at all."""
    analysed = {m.path for m in graph.modules.values() if m.path}
    count = len({e.path for e in graph.errors if e.path not in analysed})
    if not count:
        return None
    return f"{count} file{'' if count == 1 else 's'} could not be analysed (see errors)"


def runs_semgrep(opts: RunOptions, config: AuditorConfig) -> bool:
    """Whether the security stage runs: not --no-semgrep, enabled, and rules to run."""
    return bool(opts.semgrep and config.semgrep.enabled and config.semgrep_rules)


def semgrep_skipped_because(opts: RunOptions, config: AuditorConfig) -> str:
    """Why the security stage does not run (when `runs_semgrep` is False)."""
    if not opts.semgrep:
        return "--no-semgrep: security findings were neither checked nor compared"
    if not config.semgrep.enabled:
        return "disabled in the configuration ([semgrep] enabled = false)"
    return "no security rules: the configured packs have no semgrep rules"


def project_graph(opts: RunOptions, root: Path, config: AuditorConfig) -> ImportGraph:
    """The import graph of `root` as `config` and the options describe it (external imports kept)."""
    return config_graph(
        root,
        config,
        packages=opts.packages,
        cache_dir=opts.effective_cache_dir,
        use_cache=opts.use_cache,
        jobs=opts.jobs,
    )


def _run_contracts(analysis: Analysis, today: dt.date, reused: ContractsOutcome | None) -> None:
    if reused is not None:
        outcome = reused
    else:
        from auditor.contracts import check_contracts

        outcome = check_contracts(analysis.graph, analysis.config, today=today)
    analysis.contracts = outcome
    analysis.findings.extend(outcome.findings)
    analysis.suppressed.extend(outcome.suppressed)
    analysis.warnings.extend(outcome.warnings)
    analysis.health = outcome.health()


def _run_security(analysis: Analysis, opts: RunOptions, root: Path, files: Sequence[str] | None) -> None:
    from auditor.security import run_security

    graph = analysis.graph
    modules = {name: m.path for name, m in graph.modules.items() if m.path}
    with analysis.definitions_index() as definitions:  # one cache connection for every matched file
        outcome = run_security(
            root,
            analysis.config,
            files=files,
            modules=modules,
            definitions=definitions.of_source,
            cache_dir=opts.effective_cache_dir,
            semgrep=semgrep_executable(opts.semgrep_binary),
        )
    analysis.findings.extend(outcome.findings)
    analysis.errors.extend(outcome.errors)
    analysis.incomplete_reasons.extend(outcome.incomplete_reasons)
    if outcome.failed:
        analysis.unchecked_kinds.add(FindingKind.SECURITY.value)
    analysis.warnings.extend(outcome.warnings)
    analysis.warnings.extend(f"{rule}: inactive: {reason}" for rule, reason in outcome.inactive_rules)
    if outcome.findings is not None:
        matched = {f.rule for f in outcome.findings}
        unmatched = tuple(r for r in getattr(outcome, "rule_ids", ()) if r not in matched)
        analysis.health = dataclasses.replace(
            analysis.health,
            unmatched_rules=analysis.health.unmatched_rules + unmatched,
            inactive_rules=outcome.inactive_rules,
        )


def blame_paths(findings: Sequence[Finding]) -> list[str]:
    """The files worth blaming: those with a finding on a line. A finding with a path and no line
    (a module in no layer) has nothing to blame and keeps origin unknown."""
    return sorted({f.path for f in findings if f.path and f.line})


def _run_attribution(analysis: Analysis, opts: RunOptions, root: Path, *, only_findings: bool) -> None:
    from auditor.attribution.outcome import outcome_without_repository
    from auditor.security.suffixes import SUFFIXES

    # files outside the packages (scripts, settings, templates) carry security findings too
    blamed = [p for p in blame_paths(analysis.findings) if p.endswith(SUFFIXES)]
    if only_findings:
        paths = blamed
        if not paths:
            return
    else:
        paths = sorted({m.path for m in analysis.graph.modules.values() if m.path} | set(blamed))
    settings = analysis.config.attribution
    # a check without history has nothing to read; in a folder certainly outside any repository
    # that is known without the blame engine or git (and there is no HEAD to ask about either)
    outcome = outcome_without_repository(root, settings, read_unavailable=not only_findings)
    if outcome is not None:
        analysis.attribution = outcome.summary
        analysis.head = (None, None)
        analysis.warnings.extend(outcome.warnings)
        return
    from auditor.attribution import attribute, attribute_findings

    outcome = attribute(
        root, paths, settings, cache_dir=opts.cache_folder, jobs=opts.jobs, read_unavailable=not only_findings
    )
    analysis.attribution = outcome.summary
    analysis.line_origins = dict(outcome.files)
    analysis.head = outcome.head
    analysis.warnings.extend(outcome.warnings)
    analysis.findings[:] = attribute_findings(analysis.findings, outcome.files)


def tag_findings(
    findings: Sequence[Finding], config: AuditorConfig, graph: ImportGraph, root: Path
) -> list[Finding]:
    """Copies of `findings` with their owner (config, else CODEOWNERS under `root`) and the
    layers and surfaces of their module (from `graph`) filled in."""
    if not findings:
        return []
    from auditor.drift.owners import Owners

    owners = Owners.from_repo(root)
    layers = LayerIndex(config.layers)
    surfaces = LayerIndex(config.surfaces)
    path_to_module = {m.path: name for name, m in graph.modules.items() if m.path}
    tagged = []
    for finding in findings:
        module = finding.importer or (path_to_module.get(finding.path) if finding.path else None)
        changes: dict[str, object] = {"owner": owners.owner_for(finding)}
        if module and not finding.layers:
            changes["layers"] = layers(module)
        if module and not finding.surfaces:
            changes["surfaces"] = surfaces(module)
        tagged.append(dataclasses.replace(finding, **changes))  # type: ignore[arg-type]
    return tagged


def to_result(
    analysis: Analysis,
    opts: RunOptions,
    *,
    findings: Sequence[Finding] | None = None,
    fixed: Sequence[Finding] = (),
    base: str | None = None,
    commit: str | None = None,
    branch: str | None = None,
    started: float | None = None,
    metrics: bool = True,
) -> RunResult:
    """Package an analysis (after drift classification) as the one RunResult writers consume.

    `metrics=False` leaves out the package metrics and cycles (only the JSON and HTML reports
    show them), which spares a plain `check` the cycle search.
    """
    chosen = sorted(findings if findings is not None else analysis.findings, key=_order)
    modules, edges, cycles = (
        package_view(analysis.graph, chosen, analysis.config.layers) if metrics else ((), (), ())
    )
    now = dt.datetime.now(dt.timezone.utc)
    info = RunInfo(
        tool_version=__version__,
        root=opts.root.name,
        commit=commit,
        branch=branch,
        base=base,
        started_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        duration_s=round(time.perf_counter() - started, 3) if started else 0.0,
        stages=dict(analysis.stages),
        incomplete=bool(analysis.incomplete_reasons),
        incomplete_reasons=tuple(clip(r, MESSAGE_LIMIT) for r in analysis.incomplete_reasons),
        packs=tuple((p.name, p.version) for p in analysis.config.packs),
        warnings=tuple(bound_messages(analysis.warnings)),  # clipped, de-duplicated, capped
        skipped_stages=tuple(analysis.skipped_stages),
        unchecked_kinds=tuple(sorted(analysis.unchecked_kinds)),
    )
    return RunResult(
        info=info,
        findings=tuple(chosen),
        fixed=tuple(sorted(fixed, key=_order)),
        errors=tuple(sorted(analysis.errors, key=lambda e: (e.path, e.message))),
        attribution=analysis.attribution,
        modules=modules,
        package_edges=edges,
        cycles=cycles,
        health=analysis.health,
        layers={k: tuple(v) for k, v in analysis.config.layers.items()},
        layer_rows=layer_rows(analysis.config.layers, analysis.config.contracts),
        fail_on=opts.fail_on or analysis.config.fail_on,
        allow_incomplete=opts.allow_incomplete,
    )


def _order(f: Finding) -> tuple[int, str, int, str, str]:
    return (-f.severity.rank, f.path or "", f.line or 0, f.rule, f.fingerprint)
