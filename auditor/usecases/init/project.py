"""`auditor init` without an import-linter config: propose a starter configuration from today's
import graph — root packages (or the top-level modules of a flat project), one layers contract
over a handful of inferred layers (init_layers), review surfaces guessed from module names, the
built-in security pack, and `exclude` entries for the files that cannot be analysed.

The upward imports of the inferred layers are counted by running the contract itself on the
graph `auditor check` will build from the written configuration, with the import kinds the
contract counts: the number in the comments is the number of findings a first check reports
(before the baseline that init writes next).
"""

from __future__ import annotations

import datetime as dt
import keyword
import os
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config.model import AuditorConfig, ContractSpec
from auditor.config.toml_writer import Commented
from auditor.domain import AnalysisError, Finding, ImportKind, UsageError
from auditor.domain.project_files import BASELINE_FILE
from auditor.graph.model import ImportGraph
from auditor.pipeline.options import RunOptions
from auditor.usecases.init.layers import PATTERN_NAME, LayerPlan, infer_layer_plan

NOT_ROOT_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks", "scripts"}
)
# top-level modules of a flat project that are build or test tooling, not the application
TOOLING_MODULES = frozenset({"setup", "conftest", "noxfile", "fabfile", "toxfile"})
SURFACE_NAMES = {
    "auth": frozenset(
        {"auth", "authentication", "authorization", "security", "permissions", "oauth", "login", "jwt"}
    ),
    "data_models": frozenset({"models", "model", "schema", "entities"}),
    "api_contracts": frozenset({"api", "schemas", "serializers", "openapi"}),
}
MAX_SURFACE_PATTERNS = 20
MAX_UPWARD_LINES = 10
SECURITY_PACK = "builtin:python-security"
IGNORED_KINDS = ("type_checking",)  # the kinds the generated contract does not count
_ROLE_NOTES = {
    "data": "database access",
    "clients": "outbound HTTP",
    "config": "environment access",
    "processes": "subprocesses",
}


@dataclass(frozen=True)
class UpwardImports:
    """The findings of the generated contract from one layer into a higher one."""

    importer_layer: str
    imported_layer: str
    count: int
    example: Finding


@dataclass
class Proposal:
    settings: dict[str, object]
    plan: LayerPlan | None
    contract_id: str | None
    upward: list[UpwardImports] = field(default_factory=list)

    @property
    def upward_total(self) -> int:
        return sum(u.count for u in self.upward)


@dataclass
class ProjectScan:
    """What init configures: the graph `auditor check` will see, and how it was chosen."""

    graph: ImportGraph
    packages: tuple[str, ...]
    flat: bool = False
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (file, why) of a flat project


def root_packages(graph: ImportGraph) -> tuple[str, ...]:
    """Top-level packages of the graph (tests/docs/... left out)."""
    tops = {name.split(".")[0] for name in graph.modules}
    return tuple(
        sorted(
            t
            for t in tops
            if t in graph.modules
            and graph.modules[t].is_package
            and t not in NOT_ROOT_PACKAGES
            and PATTERN_NAME.match(t)
        )
    )


def top_level_modules(root: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """A flat project's importable top-level modules, and the .py files left out (with why)."""
    modules: list[str] = []
    left_out: list[tuple[str, str]] = []
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return [], []
    for entry in entries:
        stem, dot, suffix = entry.name.rpartition(".")
        if not dot or suffix != "py" or entry.name.startswith("."):
            continue
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            left_out.append((entry.name, "not a regular file"))
        elif not PATTERN_NAME.match(stem) or keyword.iskeyword(stem) or stem.startswith("__"):
            left_out.append((entry.name, "a script, not an importable module name"))
        elif stem in TOOLING_MODULES or stem in NOT_ROOT_PACKAGES:
            left_out.append((entry.name, "build or test tooling"))
        else:
            modules.append(stem)
    return modules, left_out


def scan_project(opts: RunOptions) -> ProjectScan:
    """The graph of the packages init will write (`--package`, else discovered root packages,
    else a flat project's top-level modules), built as `auditor check` will build it."""
    if opts.packages:
        return ProjectScan(_build(opts, opts.packages), tuple(opts.packages))
    from auditor.index.tree import walk_tree

    problem: UsageError | None = None
    found: tuple[str, ...] = ()
    try:
        found = walk_tree(opts.root).packages  # a walk, no parsing
    except UsageError as exc:  # no package directory: maybe a flat project
        problem = exc
    packages = tuple(sorted(p for p in found if p not in NOT_ROOT_PACKAGES and PATTERN_NAME.match(p)))
    if packages:  # built as check will build it: these packages only, tests/ and docs/ left out
        return ProjectScan(_build(opts, packages), packages)
    modules, left_out = top_level_modules(opts.root)
    if not modules:
        if problem is not None:
            raise problem
        raise UsageError(f"{opts.root}: no Python package or top-level module found to configure")
    return ProjectScan(_build(opts, modules), tuple(modules), flat=True, left_out=left_out)


def _build(opts: RunOptions, packages: Sequence[str]) -> ImportGraph:
    from auditor.index.tree import build_graph

    return build_graph(
        opts.root,
        packages=packages,
        cache_dir=opts.effective_cache_dir,
        use_cache=opts.use_cache,
        jobs=opts.jobs,
        include_external=True,
    )


def exclude_pattern(path: str) -> str:
    """An anchored gitignore-style pattern matching exactly `path` (special characters escaped)."""
    out = []
    for char in path:
        if char in "\\*?[]!# ":
            out.append("\\" + char)
        elif not char.isprintable():
            out.append("?")  # a pattern is one line; `?` matches the one character
        else:
            out.append(char)
    return "/" + "".join(out)


def unanalysable(errors: Sequence[AnalysisError]) -> dict[str, str]:
    """Paths that could not be analysed -> the first reason, in path order."""
    found: dict[str, str] = {}
    for error in sorted(errors, key=lambda e: e.path):
        if error.path:
            found.setdefault(error.path, error.message)
    return found


def guess_surfaces(module_names: Collection[str], flat: bool = False) -> dict[str, list[str]]:
    """Review surfaces from module names: auth/security/permissions, models/schema, api/serializers.
    A flat project's top-level modules count too; a package's own name does not."""
    names = sorted(module_names)
    has_children = {m.rsplit(".", 1)[0] for m in names if "." in m}
    surfaces: dict[str, list[str]] = {}
    first = 0 if flat else 1
    for surface, words in SURFACE_NAMES.items():
        roots: list[str] = []
        for module in names:
            parts = module.split(".")
            for i, part in enumerate(parts[first:], start=first):
                if part in words:
                    root = ".".join(parts[: i + 1])
                    if not any(root == r or root.startswith(r + ".") for r in roots):
                        roots.append(root)
                    break
        patterns: list[str] = []
        for root in roots[:MAX_SURFACE_PATTERNS]:
            patterns.append(root)
            if root in has_children:
                patterns.append(f"{root}.**")
        if patterns:
            surfaces[surface] = patterns
    return surfaces


def contract_findings(graph: ImportGraph, plan: LayerPlan, contract_id: str) -> list[Finding]:
    """What `auditor check` reports for the generated contract (same kinds, same graph)."""
    from auditor.contracts import check_contracts

    spec = ContractSpec(contract_id, "layers", {"layers": plan.levels}, ignore_kinds=IGNORED_KINDS)
    table = {name: tuple(patterns) for name, patterns in plan.table.items()}
    config = AuditorConfig(root=Path("."), layers=table, contracts=(spec,))
    return list(check_contracts(graph, config, today=dt.date.today()).findings)


def summarise_upward(plan: LayerPlan, findings: Sequence[Finding]) -> list[UpwardImports]:
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        pair = (plan.layer_of(finding.importer or "") or "?", plan.layer_of(finding.imported or "") or "?")
        counts[pair] += 1
        examples.setdefault(pair, finding)
    upward = [UpwardImports(a, b, n, examples[a, b]) for (a, b), n in counts.items()]
    return sorted(upward, key=lambda u: (-u.count, u.importer_layer, u.imported_layer))


def _upward_line(u: UpwardImports) -> str:
    f = u.example
    via = f" via {' -> '.join(h.importer for h in f.chain[1:])}" if f.chain else ""
    return f"upward: {u.importer_layer} -> {u.imported_layer} ({u.count} imports, e.g. {f.importer}:{f.line} -> {f.imported}{via})"


def contract_comments(
    plan: LayerPlan, upward: Sequence[UpwardImports], uncovered: Sequence[Finding] = ()
) -> list[str]:
    total = sum(u.count for u in upward)
    kinds = ", ".join(IGNORED_KINDS)
    lines = [
        f"Inferred by `auditor init` from today's imports: {len(plan.bands)} layers, top (importers) "
        "to bottom (imported).",
        f"{total} upward imports, counting every import kind but {kinds}, as this contract does.",
        "The first `auditor check` reports them; init baselines them so that it passes.",
    ]
    lines += [_upward_line(u) for u in upward[:MAX_UPWARD_LINES]]
    if len(upward) > MAX_UPWARD_LINES:
        rest = upward[MAX_UPWARD_LINES:]
        lines.append(f"... and {sum(u.count for u in rest)} more in {len(rest)} other layer pairs")
    if uncovered:
        names = ", ".join(sorted(f.importer or "" for f in uncovered)[:MAX_UPWARD_LINES])
        lines.append(f"Also {len(uncovered)} modules in no layer, reported as info findings: {names}")
    if plan.left_out:
        lines.append(f"In no layer because no module pattern can name them: {', '.join(plan.left_out)}")
    return lines


def _layer_table(plan: LayerPlan, packs: Sequence[str]) -> dict[str, object]:
    table: dict[str, object] = {}
    pack = SECURITY_PACK.split(":", 1)[1]
    for layer in plan.layers:
        note = _ROLE_NOTES.get(layer.role or "") if SECURITY_PACK in packs else None
        if note:
            comment = f"named for the {pack} pack: {note} is allowed only in this layer"
            table[layer.name] = Commented(layer.patterns, [comment])
        else:
            table[layer.name] = layer.patterns
    return table


def propose_config(
    graph: ImportGraph,
    packages: tuple[str, ...] = (),
    packs: tuple[str, ...] = (SECURITY_PACK,),
    *,
    flat: bool = False,
    left_out: Sequence[tuple[str, str]] = (),
) -> Proposal:
    """The [tool.auditor] settings for `graph` (plain TOML-ready data) and the layers behind them.

    `graph` must be the graph check will build from these settings (see `scan_project`).
    """
    packages = packages or root_packages(graph)
    settings: dict[str, object] = {}
    if left_out:
        skipped = ", ".join(f"{name} ({why})" for name, why in left_out)
        settings["packages"] = Commented(list(packages), [f"top-level modules; left out: {skipped}"])
    else:
        settings["packages"] = list(packages)
    errors = unanalysable(graph.errors)
    if errors:
        comments = ["files that cannot be analysed, left out so that a run is complete:"]
        comments += [f"{path}: {why}" for path, why in errors.items()]
        settings["exclude"] = Commented([exclude_pattern(p) for p in errors], comments)
    if packs:
        settings["packs"] = list(packs)
    counted = graph.without_kinds([ImportKind(k) for k in IGNORED_KINDS])
    plan = infer_layer_plan(counted, packages)
    contract_id = None
    upward: list[UpwardImports] = []
    if plan is not None:
        settings["layers"] = _layer_table(plan, packs)
    surfaces = guess_surfaces(graph.modules, flat)
    if surfaces:
        settings["surfaces"] = surfaces
    if plan is not None:
        contract_id = f"{packages[0]}-layers" if len(packages) == 1 else "layers"
        findings = contract_findings(graph, plan, contract_id)
        upward = summarise_upward(plan, [f for f in findings if f.imported])
        uncovered = [f for f in findings if not f.imported]
        contract = {
            "id": contract_id,
            "type": "layers",
            "layers": plan.levels,
            "ignore_kinds": list(IGNORED_KINDS),
        }
        settings["contracts"] = [Commented(contract, contract_comments(plan, upward, uncovered))]
    return Proposal(settings, plan, contract_id, upward)


def write_initial_baseline(opts: RunOptions) -> tuple[Path, int]:
    """Seam for the drift stage: analyse with the config just written and freeze every finding
    into ROOT/auditor-baseline.json, so the first `auditor check` exits 0 (returns path, count)."""
    from auditor.drift.baseline import write_baseline
    from auditor.pipeline.analysis import analyse
    from auditor.support.git import head_info

    analysis = analyse(opts, attribution="none")
    path = opts.root / BASELINE_FILE
    commit, _ = head_info(opts.root)  # renames since this commit are followed, as for `auditor baseline`
    write_baseline(
        path,
        analysis.findings,
        reason="accepted as-is by `auditor init`",
        today=opts.today,
        commit=commit,
        inside=opts.root,
    )
    return path, len(analysis.findings)
