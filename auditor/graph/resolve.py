"""Resolve raw imports against the module set, with grimp's semantics (docs/graph-semantics.md).

- `import a.b.c` -> a.b.c if it is a module, else a.b if that is one, else no internal edge;
- `from a.b import c` -> a.b.c if it is a module, else a.b if that is one, else no edge;
  `from a.b import *` -> a.b;
- relative imports are made absolute from the importer's package (a package is its own
  `__init__`); going above the top-level package is reported as an AnalysisError;
- an import whose top-level name is not an audited root package is external, squashed to that
  top-level name; with include_external it is kept in graph.external_imports, else dropped;
- dynamic imports (`importlib.import_module`, `__import__`) resolve like `import x`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from auditor.domain import AnalysisError, FileFacts, Import, Module, RawImport
from auditor.graph.model import ImportGraph


class _Resolver:
    def __init__(self, modules: dict[str, Module]) -> None:
        self.modules = modules
        self.roots = {name.partition(".")[0] for name in modules}

    def internal(self, name: str) -> str | None:
        """The module an import of `name` lands on: itself, else its parent, else None."""
        if name in self.modules:
            return name
        parent = name.rpartition(".")[0]
        if parent and parent in self.modules:
            return parent
        return None

    def base_package(self, facts: FileFacts, raw: RawImport) -> str | None:
        """The absolute module a relative import starts from, or None if it goes too high."""
        if raw.anchor is not None:
            parts = raw.anchor.split(".")
        else:
            parts = facts.module.split(".")
            if not facts.is_package:
                parts = parts[:-1]
        up = raw.level - 1
        if up > len(parts) - 1 or not parts or parts == [""]:
            return None
        parts = parts[: len(parts) - up]
        return ".".join(parts)

    def resolve(self, facts: FileFacts, raw: RawImport) -> tuple[list[Import], str | None]:
        """Resolved imports for one raw import, and a warning when it cannot be resolved."""
        target = raw.module
        if raw.level:
            base = self.base_package(facts, raw)
            if base is None:
                return [], f"line {raw.line}: relative import goes beyond the top-level package"
            target = f"{base}.{raw.module}" if raw.module else base
        if not target:
            return [], None
        top = target.partition(".")[0]
        if top not in self.roots:
            names = raw.names if raw.is_from else ()
            return [Import(facts.module, top, raw.line, raw.kind, True, names)], None
        if not raw.is_from:
            found = self.internal(target)
            return ([Import(facts.module, found, raw.line, raw.kind)] if found else []), None
        grouped: dict[str, list[str]] = {}
        for name in raw.names:
            candidate = f"{target}.{name}"
            if candidate in self.modules:
                grouped.setdefault(candidate, [])
            elif target in self.modules:
                grouped.setdefault(target, []).append(name)
        return [
            Import(facts.module, imported, raw.line, raw.kind, False, tuple(names))
            for imported, names in grouped.items()
        ], None


def modules_of(facts: Iterable[FileFacts], namespace_packages: Iterable[str] = ()) -> dict[str, Module]:
    modules = {f.module: Module(f.module, f.path, f.is_package) for f in facts}
    for name in namespace_packages:
        modules.setdefault(name, Module(name, "", True))
    return modules


def build_import_graph(
    facts: Iterable[FileFacts],
    *,
    errors: Iterable[AnalysisError] = (),
    include_external: bool = False,
    namespace_packages: Iterable[str] = (),
) -> ImportGraph:
    """The import graph of the given files. Unresolvable relative imports become errors."""
    all_facts = sorted(facts, key=lambda f: f.module)
    modules = modules_of(all_facts, namespace_packages)
    resolver = _Resolver(modules)
    imports: list[Import] = []
    problems = list(errors)
    for f in all_facts:
        for raw in f.imports:
            resolved, warning = resolver.resolve(f, raw)
            if warning is not None:
                problems.append(AnalysisError(f.path, warning))
            imports.extend(i for i in resolved if include_external or not i.external)
    return ImportGraph(
        modules.values(),
        imports,
        facts={f.module: f for f in all_facts},
        errors=sorted(problems, key=lambda e: (e.path, e.message)),
    )


class _Overlay(Mapping[str, FileFacts]):
    """`top` over `base`, without copying `base` (which may decode its facts lazily)."""

    def __init__(self, top: Mapping[str, FileFacts], base: Mapping[str, FileFacts]) -> None:
        self.top, self.base = top, base

    def __getitem__(self, module: str) -> FileFacts:
        return self.top[module] if module in self.top else self.base[module]

    def __iter__(self) -> Iterator[str]:
        yield from self.top
        yield from (m for m in self.base if m not in self.top)

    def __len__(self) -> int:
        return len(self.top) + sum(1 for m in self.base if m not in self.top)


def with_unchanged_imports(graph: ImportGraph, facts: Iterable[FileFacts]) -> ImportGraph | None:
    """`replace_files(graph, facts)` when each file of `facts` resolves to exactly the imports
    the graph has for it (line by line, in order): then the edges are shared, not copied, and
    only the facts and the files' resolution warnings are new. None when one differs."""
    replaced = {f.module: f for f in facts}
    paths = {f.path for f in replaced.values()}
    resolver = _Resolver(graph.modules)
    problems = [e for e in graph.errors if e.path not in paths]
    external_of: dict[str, list[Import]] = {}
    for imp in graph.external_imports:
        if imp.importer in replaced:
            external_of.setdefault(imp.importer, []).append(imp)
    for module, f in replaced.items():
        internal: dict[str, list[Import]] = {}
        external: list[Import] = []
        for raw in f.imports:
            resolved, warning = resolver.resolve(f, raw)
            if warning is not None:
                problems.append(AnalysisError(f.path, warning))
            for imp in resolved:
                if imp.external:
                    external.append(imp)
                else:
                    internal.setdefault(imp.imported, []).append(imp)
        if external != external_of.get(module, []):
            return None
        if internal != {b: graph.imports_between(module, b) for b in graph.successors(module)}:
            return None
    errors = sorted(problems, key=lambda e: (e.path, e.message))
    return graph.with_facts(_Overlay(replaced, graph.facts), errors)


def replace_files(graph: ImportGraph, facts: Iterable[FileFacts]) -> ImportGraph:
    """`graph` with the imports of some files replaced by those of `facts` (same module set).

    Valid only when no module is added or removed: resolution of every other file's imports
    depends on the module set alone, so only the given files are resolved again (their old
    resolution errors are replaced too). Used after an edit (a snapshot patched) and for the
    base side of a pre-merge check whose change only edits files.
    """
    replaced = {f.module: f for f in facts}
    paths = {f.path for f in replaced.values()}
    resolver = _Resolver(graph.modules)
    imports = [i for i in graph.external_imports if i.importer not in replaced]
    problems = [e for e in graph.errors if e.path not in paths]
    for f in replaced.values():
        for raw in f.imports:
            resolved, warning = resolver.resolve(f, raw)
            if warning is not None:
                problems.append(AnalysisError(f.path, warning))
            imports.extend(resolved)
    return graph.with_imports_of(
        replaced.keys(),
        imports,
        facts=_Overlay(replaced, graph.facts),
        errors=sorted(problems, key=lambda e: (e.path, e.message)),
    )
