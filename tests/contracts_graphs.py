"""Hand-built import graphs and specs for the contracts tests (test_contracts_*)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from auditor.config.model import AuditorConfig, ContractSpec, ExceptionSpec, Location
from auditor.domain import FileFacts, Import, ImportKind, Module
from auditor.graph.model import ImportGraph

_EDGE = re.compile(
    r"^\s*(?P<a>[\w.]+)\s*->\s*(?P<ext>!)?(?P<b>[\w.]+)\s*(?:@(?P<line>\d+))?\s*(?P<kind>[a-z_]+)?"
    r"\s*(?:\[(?P<names>[^\]]*)\])?\s*$"
)


def make_graph(
    *edges: str, modules: Iterable[str] = (), all_names: Mapping[str, tuple[str, ...]] | None = None
) -> ImportGraph:
    """`"a.b -> c.d @12 function [x, y]"`; `"a -> !sqlalchemy"` is an external import.

    Every module named gets its ancestors as packages; paths mirror the names.
    """
    names: set[str] = set(modules)
    imports: list[Import] = []
    for edge in edges:
        m = _EDGE.match(edge)
        assert m, edge
        a, b = m["a"], m["b"]
        names.add(a)
        if not m["ext"]:
            names.add(b)
        imported_names = tuple(n.strip() for n in (m["names"] or "").split(",") if n.strip())
        imports.append(
            Import(
                a,
                b,
                int(m["line"] or 1),
                ImportKind(m["kind"] or "toplevel"),
                external=bool(m["ext"]),
                names=imported_names,
            )
        )
    packages = {".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 1)}
    packages |= set(all_names or {})
    mods = []
    for name in sorted(names | packages):
        is_pkg = name in packages
        path = name.replace(".", "/") + ("/__init__.py" if is_pkg else ".py")
        mods.append(Module(name, path, is_pkg))
    facts = {
        name: FileFacts(
            path=name.replace(".", "/") + "/__init__.py",
            module=name,
            is_package=True,
            content_hash="x",
            line_count=1,
            imports=(),
            all_names=tuple(values),
        )
        for name, values in (all_names or {}).items()
    }
    return ImportGraph(mods, imports, facts=facts)


def spec(
    contract_type: str, cid: str = "c1", *, key_lines: Mapping[str, int] | None = None, **options: Any
) -> ContractSpec:
    common = {k: options.pop(k) for k in ("ignore_kinds", "only_kinds", "ignore_imports") if k in options}
    extra: dict[str, Any] = {k: tuple(v) for k, v in common.items()}
    for key in ("severity", "owner", "guidance", "unmatched_ignore_imports_alerting"):
        if key in options:
            extra[key] = options.pop(key)
    return ContractSpec(
        id=cid,
        type=contract_type,
        options=options,
        location=Location("pyproject.toml", 10),
        key_lines=dict(key_lines or {}),
        **extra,
    )


def config(
    *specs: ContractSpec,
    layers: Mapping[str, tuple[str, ...]] | None = None,
    exceptions: Iterable[ExceptionSpec] = (),
) -> AuditorConfig:
    return AuditorConfig(
        root=Path("/repo"), layers=dict(layers or {}), contracts=specs, exceptions=tuple(exceptions)
    )


def pairs(result: Any) -> set[tuple[str, str]]:
    """(importer, imported) of every violation in a ContractResult."""
    return {(v.importer, v.imported) for v in result.violations}
