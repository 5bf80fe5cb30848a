"""`auditor rules list|test|diff|explain`: what the rule packs say, and what they would change.

Each operation returns plain data; `auditor.cli.rules_cmd` prints it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.config import load_config
from auditor.config.merge import merge
from auditor.config.model import AuditorConfig, PackInfo
from auditor.config.packs import BUILTIN_PREFIX, LoadedPack, PackLoader, resolve_pack_ref
from auditor.contracts import ContractsOutcome, check_contracts
from auditor.contracts.explain import Explanation
from auditor.contracts.search import descendants_by_package
from auditor.domain import ConfigError, Finding, RulePackError, UsageError
from auditor.graph.model import ImportGraph
from auditor.graph.patterns import ModulePattern
from auditor.security.render import inactive_rules


@dataclass(frozen=True, slots=True)
class GraphOptions:
    packages: tuple[str, ...] = ()
    cache_dir: Path | None = None
    use_cache: bool = True
    jobs: int | None = None


def project_graph(config: AuditorConfig, opts: GraphOptions) -> ImportGraph:
    from auditor.index.tree import config_graph

    return config_graph(
        config.root,
        config,
        packages=opts.packages,
        cache_dir=opts.cache_dir,
        use_cache=opts.use_cache,
        jobs=opts.jobs,
    )


# -- list ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LayerRow:
    name: str
    patterns: tuple[str, ...]
    modules: int  # modules the layer covers
    unmatched_patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContractRow:
    id: str
    type: str
    pack: str | None
    severity: str
    kept: bool
    findings: int
    suppressed: int
    unmatched_entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuleListing:
    config_path: Path | None
    packs: tuple[PackInfo, ...]
    layers: tuple[LayerRow, ...]
    contracts: tuple[ContractRow, ...]
    semgrep_rules: tuple[str, ...]
    modules: int
    inactive_rules: tuple[tuple[str, str], ...] = ()  # (rule id, why it does not run here)


def list_rules(root: Path, config_file: Path | None, opts: GraphOptions, *, today: dt.date) -> RuleListing:
    config = load_config(root, config_file)
    graph = project_graph(config, opts)
    outcome = check_contracts(graph, config, today=today)
    layers = []
    for name, patterns in sorted(config.layers.items()):
        covered: set[str] = set()
        unmatched = []
        for pattern in patterns:
            found = graph.match(ModulePattern(pattern))
            if not found:
                unmatched.append(pattern)
            covered |= found
            for below in descendants_by_package(graph, found).values():  # one pass, not one per module
                covered |= below
        layers.append(LayerRow(name, tuple(patterns), len(covered), tuple(unmatched)))
    contracts = []
    for spec in config.contracts:
        prefix = f"{spec.id}: "
        contracts.append(
            ContractRow(
                id=spec.id,
                type=spec.type,
                pack=spec.pack,
                severity=spec.severity.value,
                kept=outcome.kept.get(spec.id, True),
                findings=sum(1 for f in outcome.findings if f.rule == spec.id and f.importer and f.imported),
                suppressed=sum(1 for f in outcome.suppressed if f.rule == spec.id),
                unmatched_entries=tuple(
                    e[len(prefix) :] for e in outcome.unmatched_entries if e.startswith(prefix)
                ),
            )
        )
    return RuleListing(
        config_path=config.config_path,
        packs=config.packs,
        layers=tuple(layers),
        contracts=tuple(contracts),
        semgrep_rules=tuple(r.path for r in config.semgrep_rules),
        modules=len(graph.modules),
        inactive_rules=tuple(inactive_rules(config, {n: m.path for n, m in graph.modules.items() if m.path})),
    )


# -- diff ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PackDiff:
    old: tuple[PackInfo, ...]
    new: tuple[PackInfo, ...]
    appear: tuple[Finding, ...]
    disappear: tuple[Finding, ...]
    severity_changed: tuple[tuple[Finding, Finding], ...]  # (old, new)
    unchanged: int


def load_pack(ref: str, base_dir: Path) -> list[LoadedPack]:
    """A pack file (with its includes) or `builtin:NAME`; RulePackError listing its problems."""
    try:
        path = (
            resolve_pack_ref(ref, base_dir, None) if ref.startswith(BUILTIN_PREFIX) else Path(ref).resolve()
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not path.is_file():
        raise UsageError(f"{ref}: no such pack file")
    errors: list[ConfigError] = []
    loader = PackLoader(errors)
    loader.load(path, ref)
    if errors:
        raise RulePackError(errors[0].message, errors[0].path, errors[0].line, errors[0].column)
    return loader.packs


def with_packs(project: AuditorConfig, packs: Sequence[LoadedPack]) -> AuditorConfig:
    """The project's own settings (local layers, contracts, exceptions) on top of `packs` only."""
    pack_files = {_same_file(p.path) for p in project.packs}
    local_layers = {
        name: patterns
        for name, patterns in project.layers.items()
        if (loc := project.layer_locations.get(name)) is None or _same_file(loc.path) not in pack_files
    }
    base = dataclasses.replace(project, layers=local_layers, contracts=(), exceptions=(), packs=())
    pack_ids = {spec.id for p in packs for spec, _ in p.contracts}
    local_contracts = [(c, c.id in pack_ids) for c in project.contracts if c.pack is None]
    local_exceptions = [e for e in project.exceptions if e.pack is None]
    ignored: list[ConfigError] = []  # e.g. a local exception naming a contract only the other pack has
    merged = merge(base, packs, {}, local_contracts, local_exceptions, ignored)
    pack_layers = {name: patterns for pack in packs for name, patterns in pack.layers.items()}
    return dataclasses.replace(merged, layers={**pack_layers, **local_layers})


def _same_file(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


def diff_packs(
    old_ref: str, new_ref: str, root: Path, config_file: Path | None, opts: GraphOptions, *, today: dt.date
) -> PackDiff:
    """Contract findings on the project under OLD and under NEW (the project's other packs and its
    own layers, contracts and exceptions apply to both sides), compared by fingerprint."""
    project = load_config(root, config_file)
    old_packs = load_pack(old_ref, Path.cwd())
    new_packs = load_pack(new_ref, Path.cwd())
    swapped = {p.info.name for p in (*old_packs, *new_packs)}
    others = [p for info in project.packs if info.name not in swapped for p in load_pack(info.path, root)]
    graph = project_graph(project, opts)
    before = _by_fingerprint(check_contracts(graph, with_packs(project, [*others, *old_packs]), today=today))
    after = _by_fingerprint(check_contracts(graph, with_packs(project, [*others, *new_packs]), today=today))
    changed = tuple(
        (before[k], after[k])
        for k in sorted(before.keys() & after.keys())
        if before[k].severity != after[k].severity
    )
    return PackDiff(
        old=tuple(p.info for p in old_packs),
        new=tuple(p.info for p in new_packs),
        appear=tuple(after[k] for k in sorted(after.keys() - before.keys())),
        disappear=tuple(before[k] for k in sorted(before.keys() - after.keys())),
        severity_changed=changed,
        unchanged=len(before.keys() & after.keys()) - len(changed),
    )


def _by_fingerprint(outcome: ContractsOutcome) -> dict[str, Finding]:
    return {f.fingerprint: f for f in outcome.findings}


# -- test ----------------------------------------------------------------------------------------
EXPECTED_KEYS = frozenset({"packages", "today", "contracts"})
EXPECTATION_KEYS = frozenset({"must", "must_not"})


@dataclass(frozen=True, slots=True)
class CaseResult:
    name: str
    problems: tuple[str, ...]  # empty: the case passed
    checked: int  # expectations checked

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class PackTestReport:
    packs: tuple[PackInfo, ...]
    tests_dir: Path
    cases: tuple[CaseResult, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases)


def locate_pack(ref: str) -> tuple[str, Path]:
    """(pack reference, fixtures dir) for `builtin:NAME`, a pack file, or a pack directory."""
    from auditor.support.resources import rules_dir

    if ref.startswith(BUILTIN_PREFIX):
        name = ref[len(BUILTIN_PREFIX) :]
        return ref, rules_dir() / name / "tests"
    path = Path(ref)
    if path.is_file():
        beside = path.parent / path.stem / "tests"
        return str(path), beside if beside.is_dir() else path.parent / "tests"
    if path.is_dir():
        for candidate in (path / "pack.toml", path.with_suffix(".toml")):
            if candidate.is_file():
                return str(candidate), path / "tests"
        raise UsageError(f"{ref}: no pack.toml inside and no {path.name}.toml beside it")
    raise UsageError(f"{ref}: no such pack file or directory")


def run_pack_tests(ref: str, *, today: dt.date) -> PackTestReport:
    pack_ref, tests_dir = locate_pack(ref)
    packs = load_pack(pack_ref, Path.cwd())
    cases = sorted(p for p in tests_dir.glob("*/expected.toml")) if tests_dir.is_dir() else []
    if not cases:
        raise UsageError(f"{tests_dir}: no fixture cases (expected <case>/expected.toml)")
    results = tuple(run_case(expected.parent, packs, today=today) for expected in cases)
    return PackTestReport(tuple(p.info for p in packs), tests_dir, results)


def _read_expected(path: Path) -> dict[str, object]:
    import tomli

    try:
        data = tomli.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomli.TOMLDecodeError) as exc:
        raise RulePackError(f"cannot read expectations: {exc}", path=str(path)) from None
    unknown = sorted(set(data) - EXPECTED_KEYS)
    if unknown:
        raise RulePackError(
            f"unknown key '{unknown[0]}' (expected: packages, today, [contracts.ID])", str(path)
        )
    contracts = data.get("contracts", {})
    if not isinstance(contracts, dict) or not all(isinstance(v, dict) for v in contracts.values()):
        raise RulePackError("[contracts.ID] tables expected", str(path))
    for cid, table in contracts.items():
        bad = sorted(set(table) - EXPECTATION_KEYS)
        if bad:
            raise RulePackError(
                f"[contracts.{cid}]: unknown key '{bad[0]}' (expected must, must_not)", str(path)
            )
    return data


def _pair(text: str, where: Path) -> tuple[ModulePattern, ModulePattern]:
    parts = [p.strip() for p in text.split("->")]
    try:
        if len(parts) != 2:
            raise ValueError(text)
        return ModulePattern(parts[0]), ModulePattern(parts[1])
    except ValueError:
        raise RulePackError(
            f"expectation {text!r} must look like 'importer -> imported'", str(where)
        ) from None


def run_case(case_dir: Path, packs: Sequence[LoadedPack], *, today: dt.date) -> CaseResult:
    """Check one fixture project against its expected.toml."""
    expected_path = case_dir / "expected.toml"
    data = _read_expected(expected_path)
    packages = tuple(str(p) for p in data.get("packages", []) or [])  # type: ignore[attr-defined]
    when = data.get("today")
    case_today = when if isinstance(when, dt.date) else today
    config = with_packs(AuditorConfig(root=case_dir.resolve(), packages=packages), packs)
    graph = project_graph(config, GraphOptions(packages=packages, use_cache=False, jobs=1))
    outcome = check_contracts(graph, config, today=case_today)
    produced: dict[str, set[tuple[str, str]]] = {}
    for f in outcome.findings:
        if f.importer and f.imported:
            produced.setdefault(f.rule, set()).add((f.importer, f.imported))
    known = {c.id for c in config.contracts}
    problems: list[str] = [f"{e.path}: {e.message}" for e in graph.errors]
    checked = 0
    expectations: dict[str, dict[str, list[str]]] = data.get("contracts", {})  # type: ignore[assignment]
    for cid, table in sorted(expectations.items()):
        if cid not in known:
            problems.append(f"{cid}: no such contract in the pack")
            continue
        found = produced.get(cid, set())
        for text in table.get("must", []):
            checked += 1
            a, b = _pair(text, expected_path)
            if not any(a.matches(x) and b.matches(y) for x, y in found):
                problems.append(f"{cid}: expected a finding for {text}, got none")
        for text in table.get("must_not", []):
            checked += 1
            a, b = _pair(text, expected_path)
            hits = sorted(f"{x} -> {y}" for x, y in found if a.matches(x) and b.matches(y))
            if hits:
                problems.append(f"{cid}: expected no finding for {text}, got {', '.join(hits)}")
    return CaseResult(case_dir.name, tuple(problems), checked)


# -- explain -------------------------------------------------------------------------------------
def explain(name: str, root: Path, config_file: Path | None) -> Explanation:
    """A contract type, a guardrail rule id, a contract id from the config, or a semgrep rule id
    (config or built-in)."""
    from auditor.config import load_config_collecting
    from auditor.contracts.explain import explain_contract, explain_contract_type, find_semgrep_rule
    from auditor.drift.guardrails.explain import explain_guardrail
    from auditor.support.resources import rules_dir

    found = explain_contract_type(name) or explain_guardrail(name)
    if found is not None:
        return found
    config, _ = load_config_collecting(root, config_file)
    for spec in config.contracts:
        if spec.id == name:
            return explain_contract(spec)
    sources = [Path(r.path) for r in config.semgrep_rules] + [rules_dir()]
    rule = find_semgrep_rule(name, sources)
    if rule is not None:
        return rule
    raise UsageError(f"'{name}' is no contract type, contract id or semgrep rule id known here")
