"""`public_interface`: outside a package, only the names of its interface may be imported."""

from __future__ import annotations

from collections.abc import Mapping

from auditor.config.model import ContractSpec
from auditor.contracts.base import Contract, ContractDoc, ContractResult, OptionReader, Violation
from auditor.contracts.search import occurrences
from auditor.domain import Import
from auditor.graph.model import ImportGraph


def interface_violation(package: str, interface: frozenset[str], imp: Import) -> str | None:
    """Why `imp` (from outside `package`) breaks its interface, or None when it does not."""
    if imp.imported == package:
        hidden = [n for n in imp.names if n != "*" and n not in interface]
        if hidden:
            return f"{', '.join(hidden)} not in the interface of '{package}'"
        return None
    submodule = imp.imported[len(package) + 1 :].split(".")[0]
    if submodule not in interface:
        return f"'{package}.{submodule}' is not in the interface of '{package}'"
    return None


class PublicInterfaceContract(Contract):
    type_name = "public_interface"
    reads_all_names = True
    doc = ContractDoc(
        what="Checks that code outside each package in `modules` imports only the package's "
        "interface: the names in its `__init__`'s `__all__`, or an explicit `interface = [...]`. "
        "Importing a submodule not in the interface, or a name the interface does not list, is a "
        "violation. Code inside the package may import anything in it.",
        why="A package's interface is the part its owners promise to keep stable; everything else "
        "may change without notice. Reaching past it couples callers to internals and blocks "
        "refactoring.",
        example='[[tool.auditor.contracts]]\nid = "billing-api"\ntype = "public_interface"\n'
        'modules = ["shop.billing"]   # shop/billing/__init__.py: __all__ = ["charge"]\n\n'
        "# shop/orders/checkout.py\nfrom shop.billing.stripe_client import Client  # violation\n"
        "from shop.billing import charge  # fine",
        instead="Import what the package exports from the package itself, or ask its owners to "
        "add what you need to `__all__`.",
    )

    def __init__(
        self,
        spec: ContractSpec,
        layers: Mapping[str, tuple[str, ...]],
        modules: tuple[str, ...],
        interface: tuple[str, ...] | None,
    ) -> None:
        super().__init__(spec)
        self.layer_table = layers
        self.modules = modules
        self.interface = interface

    @property
    def entries(self) -> tuple[str, ...]:
        return self.modules

    @classmethod
    def from_spec(cls, spec: ContractSpec, layers: Mapping[str, tuple[str, ...]]) -> PublicInterfaceContract:
        read = OptionReader(spec, layers)
        modules = read.entries("modules", required=True, allow_layer_names=False)
        interface = read.strings("interface", required=False, what="names") if read.has("interface") else None
        read.finish()
        return cls(spec, layers, modules, interface)

    def check(self, graph: ImportGraph) -> ContractResult:
        violations: list[Violation] = []
        unmatched: list[str] = []
        no_interface: list[str] = []
        for entry in self.modules:
            packages = sorted(graph.match(entry))
            if not packages:
                unmatched.append(entry)
            for package in packages:
                interface = self._interface_of(graph, package)
                if interface is None:
                    no_interface.append(package)
                    continue
                violations += self._check_package(graph, package, interface)
        return ContractResult(
            self.id,
            kept=not violations,
            violations=tuple(violations),
            unmatched=tuple(unmatched),
            metadata={"no_interface": tuple(no_interface)},
        )

    def _interface_of(self, graph: ImportGraph, package: str) -> frozenset[str] | None:
        if self.interface is not None:
            return frozenset(self.interface)
        facts = graph.facts.get(package)
        if facts is None or facts.all_names is None:
            return None
        return frozenset(facts.all_names)

    @staticmethod
    def _check_package(graph: ImportGraph, package: str, interface: frozenset[str]) -> list[Violation]:
        inside = {package} | graph.descendants(package)
        found: list[Violation] = []
        importers = sorted({a for b in inside for a in graph.direct_importers_of(b)} - inside)
        for importer in importers:
            for imported in sorted(graph.directly_imported_by(importer) & inside):
                for index, imp in enumerate(occurrences(graph, importer, imported)):
                    reason = interface_violation(package, interface, imp)
                    if reason:
                        found.append(
                            Violation(importer, imported, imp.line, imp.kind.value, (), reason, index)
                        )
        return found
