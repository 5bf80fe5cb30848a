"""Layers for `auditor init`: which modules make a layer, what it is called, where it sits.

Units: the packages and modules directly below each root package (below its only sub-package
when a root package holds nothing else, as in `company/product/...`), a root package without
children as itself, or each top-level module of a flat project. Units named like the built-in
security pack's layers (`db`, `models` -> data, `settings` -> config, ...) join one node per
role. Nodes are ordered and banded by `init_order` (at most MAX_BANDS bands); each band becomes
one line of the layers contract: the band's other units as one layer named after its biggest
units, each role as a sibling layer under the role's name, so the pack's boundary rules see it.

Weights count every import occurrence between units, and an import of a module in no layer
(a root package's own `__init__`: `from shop import x`) as an import of each unit that module
reaches through modules in no layer: the layers contract reports such chains too.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from auditor.graph.model import ImportGraph
from auditor.usecases.init.order import group_levels, merge_levels, order_minimising_upward

MAX_BANDS = 7
# module names -> the layer name the built-in python-security pack's boundary rules use
# (`data`, `clients`, `config`, `processes`), plus `api` for the delivery layer
ROLE_WORDS: Mapping[str, frozenset[str]] = {
    "data": frozenset({"db", "database", "models", "repositories", "repository", "dao", "orm"}),
    "api": frozenset({"api", "views", "routes", "endpoints", "handlers", "web"}),
    "clients": frozenset({"clients", "integrations", "adapters", "gateways"}),
    "config": frozenset({"settings", "config", "conf"}),
    "processes": frozenset({"processes", "shell", "runners"}),
}
_ROLE_OF_WORD = {word: role for role, words in ROLE_WORDS.items() for word in words}
_ROLE_NODE = "role:"  # node names for roles; module names never hold a colon
# module names a config pattern can hold (ASCII identifiers, as the config loader checks)
PATTERN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def role_of(name: str) -> str | None:
    """The layer role a module name maps to (`database` -> data), or None. The exact name, as
    the pack's default layers match it: a private `_config` is not the configuration layer."""
    return _ROLE_OF_WORD.get(name.lower())


@dataclass(frozen=True)
class Unit:
    """Modules that always share a layer: a module, or a package with its descendants."""

    module: str
    name: str  # short name for layer names
    has_children: bool
    size: int  # modules it holds

    @property
    def patterns(self) -> list[str]:
        return [self.module, f"{self.module}.**"] if self.has_children else [self.module]

    @property
    def role(self) -> str | None:
        return role_of(self.module.rpartition(".")[2])


@dataclass(frozen=True)
class Layer:
    name: str
    units: tuple[Unit, ...]
    role: str | None = None

    @property
    def patterns(self) -> list[str]:
        return [p for unit in sorted(self.units, key=lambda u: u.module) for p in unit.patterns]


@dataclass
class LayerPlan:
    """The inferred layers, top (importers) to bottom (imported); a band's layers are siblings."""

    bands: list[list[Layer]]
    left_out: tuple[str, ...] = ()  # would-be units whose names no module pattern can express
    _by_module: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_module = {u.module: layer.name for band in self.bands for layer in band for u in layer.units}

    @property
    def levels(self) -> list[str]:
        """The contract's `layers` list: `a : b` where a band holds several layers."""
        return [" : ".join(layer.name for layer in band) for band in self.bands]

    @property
    def table(self) -> dict[str, list[str]]:
        """[layers] entries: layer name -> module patterns."""
        return {layer.name: layer.patterns for band in self.bands for layer in band}

    @property
    def layers(self) -> list[Layer]:
        return [layer for band in self.bands for layer in band]

    def layer_of(self, module: str) -> str | None:
        name = module
        while True:
            if name in self._by_module:
                return self._by_module[name]
            if "." not in name:
                return None
            name = name.rpartition(".")[0]


def find_units(graph: ImportGraph, packages: Sequence[str]) -> tuple[list[Unit], list[str]]:
    """The units of `packages`, and the modules that would be units but cannot be named in a
    module pattern (`0001_initial`, non-ASCII names): those stay in no layer."""
    sizes: Counter[str] = Counter()
    children: dict[str, set[str]] = {}
    for module in graph.modules:
        sizes[module] += 1
        name = module
        while "." in name:
            parent = name.rpartition(".")[0]
            children.setdefault(parent, set()).add(name)
            sizes[parent] += 1
            name = parent
    found: list[Unit] = []
    for package in packages:
        container = package
        while len(kids := children.get(container, set())) == 1 and children.get(next(iter(kids))):
            container = next(iter(kids))
        kids = children.get(container, set())
        if not kids:
            if container in graph.modules:
                found.append(Unit(container, container.rpartition(".")[2], False, 1))
            continue
        found += [Unit(k, k.rpartition(".")[2], k in children, sizes[k]) for k in sorted(kids)]
    units = [u for u in found if PATTERN_NAME.match(u.module)]
    left_out = [u.module for u in found if not PATTERN_NAME.match(u.module)]
    return _distinct_names(units), left_out


def _distinct_names(units: list[Unit]) -> list[Unit]:
    """Units whose short names clash (`attr.filters`, `attrs.filters`) get their full names."""
    counts = Counter(u.name for u in units)
    return [
        Unit(u.module, u.module.replace(".", "_"), u.has_children, u.size) if counts[u.name] > 1 else u
        for u in units
    ]


def node_of(unit: Unit) -> str:
    return f"{_ROLE_NODE}{unit.role}" if unit.role else unit.module


def node_weights(graph: ImportGraph, units: Sequence[Unit]) -> Counter[tuple[str, str]]:
    """Import occurrences between nodes. An import of a module in no unit (a root package's own
    `__init__`) counts towards each node that module reaches through such modules only: the
    chains the layers contract reports."""
    unit_node = {u.module: node_of(u) for u in units}
    cache: dict[str, str | None] = {}

    def node(module: str) -> str | None:
        if module not in cache:
            found = None
            if module in graph.modules:
                name = module
                while found is None:
                    found = unit_node.get(name)
                    if "." not in name:
                        break
                    name = name.rpartition(".")[0]
            cache[module] = found
        return cache[module]

    reach: dict[str, set[str]] = {}

    def reached(start: str) -> set[str]:
        if start not in reach:
            found: set[str] = set()
            seen, queue = {start}, deque([start])
            while queue:
                for succ in graph.successors(queue.popleft()):
                    target = node(succ)
                    if target is not None:
                        found.add(target)
                    elif succ not in seen:
                        seen.add(succ)
                        queue.append(succ)
            reach[start] = found
        return reach[start]

    weights: Counter[tuple[str, str]] = Counter()
    for imp in graph.imports():
        a = node(imp.importer)
        if a is None:
            continue
        b = node(imp.imported)
        if b is not None:
            if a != b:
                weights[a, b] += 1
            continue
        for target in reached(imp.imported):
            if target != a:
                weights[a, target] += 1
    return weights


def infer_layer_plan(graph: ImportGraph, packages: Sequence[str]) -> LayerPlan | None:
    """Bands of layers for `packages` with the fewest upward imports; None with fewer than two
    bands (nothing to order). Generic layers never take a role's name."""
    units, left_out = find_units(graph, packages)
    by_node: dict[str, list[Unit]] = {}
    for unit in units:
        by_node.setdefault(node_of(unit), []).append(unit)
    if len(by_node) < 2:
        return None
    weights = node_weights(graph, units)
    order = order_minimising_upward(by_node, weights)
    bands = merge_levels(group_levels(order, weights), weights, MAX_BANDS)
    if len(bands) < 2:
        return None
    taken = set(ROLE_WORDS)
    named: list[list[Layer]] = []
    for band in bands:
        layers: list[Layer] = []
        generic = [u for n in band if not n.startswith(_ROLE_NODE) for u in by_node[n]]
        if generic:
            name = _unique(generic_name(generic), taken)
            taken.add(name)
            layers.append(Layer(name, tuple(sorted(generic, key=lambda u: u.module))))
        for n in sorted(n for n in band if n.startswith(_ROLE_NODE)):
            role = n[len(_ROLE_NODE) :]
            layers.append(Layer(role, tuple(sorted(by_node[n], key=lambda u: u.module)), role))
        named.append(layers)
    return LayerPlan(named, tuple(left_out))


def generic_name(units: Sequence[Unit]) -> str:
    """`app`, `app-cli`, `app-cli-etc`: the names of the biggest units, public before private
    (leading and trailing `_` dropped: `__main__` -> `main`)."""
    ranked = sorted(units, key=lambda u: (-u.size, u.name.startswith("_"), u.name))
    parts = [u.name.strip("_") or "module" for u in ranked[:2]]
    if len(ranked) > 2:
        parts.append("etc")
    return "-".join(parts)


def _unique(name: str, taken: Collection[str]) -> str:
    if name not in taken:
        return name
    base = f"{name}-modules"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
