"""What governs one module: its layers, what it may and may not import and under which contract,
the boundary (layer-scoped security) rules that apply to it, the interfaces it must go through,
its exceptions, its owner and the guidance of its contracts.

Read from the configuration and the graph only (no contract is checked here): the answer to an
agent's "what may this module import?" before it writes the import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor.config.model import AuditorConfig, ContractSpec, SemgrepRuleRef
from auditor.contracts.layers import Level, parse_level
from auditor.contracts.search import entry_patterns
from auditor.domain import RulePackError
from auditor.graph.model import ImportGraph
from auditor.graph.patterns import ModulePattern, in_patterns, layers_of

Layers = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ImportRule:
    """`contract` lets (or forbids) the module import what `patterns` cover (`layer`: the
    layer-table name, when the contract named one)."""

    layer: str | None
    patterns: tuple[str, ...]
    contract: str
    type: str
    severity: str
    reason: str
    indirect: bool = True  # a chain through other modules counts too


@dataclass(frozen=True, slots=True)
class InterfaceRule:
    package: str
    names: tuple[str, ...] | None  # None: the package declares no __all__ and no interface
    contract: str


@dataclass(frozen=True, slots=True)
class BoundaryRule:
    rules: tuple[str, ...]  # semgrep rule ids of the pack entry
    pack: str
    only_layers: tuple[str, ...]
    except_layers: tuple[str, ...]
    source: str  # the rule file (or folder) the entry names


@dataclass(frozen=True, slots=True)
class ExceptionRow:
    contract: str
    importer: str
    imported: str
    reason: str
    owner: str | None
    expires: str | None


@dataclass(frozen=True, slots=True)
class ContractRow:
    id: str
    type: str
    severity: str
    owner: str | None
    guidance: str | None


@dataclass(frozen=True, slots=True)
class ModuleRules:
    module: str
    path: str | None
    layers: tuple[str, ...]
    surfaces: tuple[str, ...]
    owner: str
    may_not_import: tuple[ImportRule, ...]
    may_import: tuple[ImportRule, ...]
    may_import_only: tuple[ImportRule, ...]  # allow_only contracts: nothing else inside the project
    public_interfaces: tuple[InterfaceRule, ...]
    boundary_rules: tuple[BoundaryRule, ...]
    exceptions: tuple[ExceptionRow, ...]
    contracts: tuple[ContractRow, ...]


def covers(entry: str, module: str, layers: Layers) -> bool:
    """Whether a contract entry (layer name or module pattern) covers `module`."""
    try:
        return in_patterns(module, entry_patterns(entry, layers))
    except ValueError:
        return False


def module_rules(config: AuditorConfig, graph: ImportGraph, module: str, owner_of_path: str | None) -> ModuleRules:
    """The rules for `module` (a module of `graph`); `owner_of_path`: its CODEOWNERS owner."""
    layers = config.layers
    found = _Collector(module, layers, graph)
    for spec in config.contracts:
        found.contract(spec)
    member_layers = layers_of(module, layers)
    surfaces = layers_of(module, config.surfaces)
    governing = [spec for spec in config.contracts if spec.id in found.governing]
    owner = owner_of_path or next((s.owner for s in governing if s.owner), None) or "unowned"
    info = graph.modules.get(module)
    return ModuleRules(
        module=module,
        path=info.path if info is not None else None,
        layers=member_layers,
        surfaces=surfaces,
        owner=owner,
        may_not_import=tuple(found.forbidden),
        may_import=tuple(found.allowed),
        may_import_only=tuple(found.only),
        public_interfaces=tuple(found.interfaces),
        boundary_rules=tuple(boundary_rules(config.semgrep_rules, member_layers)),
        exceptions=tuple(
            ExceptionRow(
                e.contract, e.importer, e.imported, e.reason, e.owner, e.expires.isoformat() if e.expires else None
            )
            for e in config.exceptions
            if covers(e.importer, module, {})
        ),
        contracts=tuple(ContractRow(s.id, s.type, s.severity.value, s.owner, s.guidance) for s in governing),
    )


def boundary_rules(refs: Sequence[SemgrepRuleRef], member_layers: Sequence[str]) -> list[BoundaryRule]:
    """The semgrep pack entries whose layer scope includes a module of `member_layers`."""
    found = []
    for ref in refs:
        if ref.only_layers and not set(ref.only_layers) & set(member_layers):
            continue
        if set(ref.except_layers) & set(member_layers):
            continue
        found.append(BoundaryRule(rule_ids(ref), ref.pack, ref.only_layers, ref.except_layers, ref.path))
    return found


def rule_ids(ref: SemgrepRuleRef) -> tuple[str, ...]:
    """The ids of the semgrep rules of a pack entry (none when its files cannot be read)."""
    from auditor.security.render import load_rules

    try:
        files = load_rules(ref)
    except RulePackError:
        return ()
    return tuple(str(rule.get("id")) for f in files for rule in f.rules)


class _Collector:
    """Walks the contracts once, sorting what each says about the module."""

    def __init__(self, module: str, layers: Layers, graph: ImportGraph) -> None:
        self.module = module
        self.layers = layers
        self.graph = graph
        self.forbidden: list[ImportRule] = []
        self.allowed: list[ImportRule] = []
        self.only: list[ImportRule] = []
        self.interfaces: list[InterfaceRule] = []
        self.governing: set[str] = set()

    def _rule(self, spec: ContractSpec, entry: str, reason: str, *, prefix: str = "") -> ImportRule:
        name = f"{prefix}{entry}"
        layer = entry if not prefix and entry in self.layers else None
        return ImportRule(
            layer=layer,
            patterns=entry_patterns(name, self.layers) if not prefix else (name,),
            contract=spec.id,
            type=spec.type,
            severity=spec.severity.value,
            reason=reason,
            indirect=not spec.options.get("allow_indirect_imports", False),
        )

    def _strings(self, spec: ContractSpec, key: str) -> list[str]:
        value = spec.options.get(key)
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else []

    def contract(self, spec: ContractSpec) -> None:
        handler = {
            "layers": self._layers,
            "forbidden": self._forbidden,
            "independence": self._independence,
            "allow_only": self._allow_only,
            "depends_on": self._allow_only,
            "protected": self._protected,
            "public_interface": self._public_interface,
            "acyclic": self._acyclic,
        }.get(spec.type)
        if handler is not None:
            handler(spec)

    def _layers(self, spec: ContractSpec) -> None:
        try:
            levels = [parse_level(text) for text in self._strings(spec, "layers")]
        except ValueError:
            return
        containers = self._strings(spec, "containers")
        if not containers:
            self._levels(spec, levels, "")
            return
        for pattern in containers:
            for container in sorted(self.graph.match(ModulePattern(pattern))):
                if self.module.startswith(container + "."):
                    self._levels(spec, levels, container + ".")

    def _levels(self, spec: ContractSpec, levels: list[Level], prefix: str) -> None:
        def inside(member: str) -> bool:
            return covers(f"{prefix}{member}", self.module, {} if prefix else self.layers)

        at = next(((i, m) for i, level in enumerate(levels) for m in level.members if inside(m)), None)
        if at is None:
            return
        index, own = at
        self.governing.add(spec.id)
        for higher in levels[:index]:
            for member in higher.members:
                why = f"layer '{prefix}{own}' may not import layer '{prefix}{member}'"
                self.forbidden.append(self._rule(spec, member, why, prefix=prefix))
        level = levels[index]
        for member in level.members:
            if member == own:
                continue
            if level.independent:
                why = f"layers '{prefix}{own}' and '{prefix}{member}' are independent"
                self.forbidden.append(self._rule(spec, member, why, prefix=prefix))
            else:
                why = f"layers '{prefix}{own}' and '{prefix}{member}' are siblings that may import each other"
                self.allowed.append(self._rule(spec, member, why, prefix=prefix))
        for lower in levels[index + 1 :]:
            for member in lower.members:
                why = f"layer '{prefix}{own}' may import the lower layer '{prefix}{member}'"
                self.allowed.append(self._rule(spec, member, why, prefix=prefix))

    def _forbidden(self, spec: ContractSpec) -> None:
        if not any(covers(s, self.module, self.layers) for s in self._strings(spec, "source_modules")):
            return
        self.governing.add(spec.id)
        for entry in self._strings(spec, "forbidden_modules"):
            self.forbidden.append(self._rule(spec, entry, f"forbidden by contract '{spec.id}'"))

    def _independence(self, spec: ContractSpec) -> None:
        entries = self._strings(spec, "modules")
        own = [e for e in entries if covers(e, self.module, self.layers)]
        if not own:
            return
        self.governing.add(spec.id)
        for entry in entries:
            if entry not in own:
                why = f"'{own[0]}' and '{entry}' are independent"
                self.forbidden.append(self._rule(spec, entry, why))

    def _allow_only(self, spec: ContractSpec) -> None:
        if not any(covers(s, self.module, self.layers) for s in self._strings(spec, "source_modules")):
            return
        self.governing.add(spec.id)
        for entry in self._strings(spec, "allowed_modules"):
            why = f"contract '{spec.id}' allows only these imports inside the project"
            self.only.append(self._rule(spec, entry, why))

    def _protected(self, spec: ContractSpec) -> None:
        modules = self._strings(spec, "modules")
        if any(covers(m, self.module, self.layers) for m in modules):
            return  # inside the protected modules: the contract limits who imports them
        if any(covers(a, self.module, self.layers) for a in self._strings(spec, "allowed_importers")):
            return
        self.governing.add(spec.id)
        for entry in modules:
            why = f"only the allowed importers of contract '{spec.id}' may import it"
            self.forbidden.append(self._rule(spec, entry, why))

    def _public_interface(self, spec: ContractSpec) -> None:
        for pattern in self._strings(spec, "modules"):
            try:
                packages = sorted(self.graph.match(ModulePattern(pattern)))
            except ValueError:
                continue
            for package in packages:
                if self.module == package or self.module.startswith(package + "."):
                    continue  # inside: may import anything of its own package
                self.governing.add(spec.id)
                self.interfaces.append(InterfaceRule(package, self._interface(spec, package), spec.id))

    def _interface(self, spec: ContractSpec, package: str) -> tuple[str, ...] | None:
        if "interface" in spec.options:
            return tuple(self._strings(spec, "interface"))
        facts = self.graph.facts.get(package)
        names = getattr(facts, "all_names", None) if facts is not None else None
        return tuple(names) if names is not None else None

    def _acyclic(self, spec: ContractSpec) -> None:
        ancestors = self._strings(spec, "ancestors")
        if not ancestors or any(covers(a, self.module, {}) for a in ancestors):
            self.governing.add(spec.id)

