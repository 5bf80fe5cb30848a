"""The import graph as JSON, Graphviz dot or GraphML: sorted, stable, every string escaped.

JSON shape (`auditor graph --format json`):
  {"modules": [{"name", "path", "is_package"}],
   "imports": [{"importer", "imported", "line", "kind", "external"}],
   "errors":  [{"path", "message"}]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

from auditor.domain import Import, ImportKind
from auditor.graph.model import ImportGraph

FORMATS = ("json", "dot", "graphml")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def selected_imports(
    graph: ImportGraph, *, kinds: Collection[ImportKind] | None = None, include_external: bool = False
) -> list[Import]:
    """Distinct import occurrences, sorted, optionally restricted to some kinds."""
    chosen = list(graph.imports())
    if include_external:
        chosen += graph.external_imports
    if kinds is not None:
        wanted = set(kinds)
        chosen = [i for i in chosen if i.kind in wanted]
    unique = {(i.importer, i.imported, i.line, i.kind.value, i.external): i for i in chosen}
    return [unique[key] for key in sorted(unique)]


def to_dict(
    graph: ImportGraph, *, kinds: Collection[ImportKind] | None = None, include_external: bool = False
) -> dict[str, Any]:
    return {
        "modules": [
            {"name": m.name, "path": m.path, "is_package": m.is_package}
            for m in sorted(graph.modules.values(), key=lambda m: m.name)
        ],
        "imports": [
            {
                "importer": i.importer,
                "imported": i.imported,
                "line": i.line,
                "kind": i.kind.value,
                "external": i.external,
            }
            for i in selected_imports(graph, kinds=kinds, include_external=include_external)
        ],
        "errors": [
            {"path": e.path, "message": e.message}
            for e in sorted(graph.errors, key=lambda e: (e.path, e.message))
        ],
    }


def to_json(
    graph: ImportGraph, *, kinds: Collection[ImportKind] | None = None, include_external: bool = False
) -> str:
    """One record per line (readable, diff-friendly) and fast: each record goes through the C
    encoder; ensure_ascii writes any odd character from the audited repo as a \\u escape."""
    data = to_dict(graph, kinds=kinds, include_external=include_external)
    parts = []
    for key, records in data.items():
        body = ",\n".join("    " + json.dumps(r) for r in records)
        parts.append(f"  {json.dumps(key)}: [\n{body}\n  ]" if records else f"  {json.dumps(key)}: []")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _edges(imports: list[Import]) -> dict[tuple[str, str], list[Import]]:
    edges: dict[tuple[str, str], list[Import]] = {}
    for i in imports:
        edges.setdefault((i.importer, i.imported), []).append(i)
    return edges


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _dot_id(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r")
    # other control characters (ESC...) would reach a terminal raw: show them as text
    escaped = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def to_dot(
    graph: ImportGraph, *, kinds: Collection[ImportKind] | None = None, include_external: bool = False
) -> str:
    imports = selected_imports(graph, kinds=kinds, include_external=include_external)
    lines = ["digraph imports {", "  node [shape=box];"]
    for name in sorted(graph.modules):
        lines.append(f"  {_dot_id(name)};")
    externals = sorted({i.imported for i in imports if i.external})
    for name in externals:
        lines.append(f"  {_dot_id(name)} [style=dashed];")
    for (a, b), occurrences in sorted(_edges(imports).items()):
        kinds_text = ",".join(sorted({i.kind.value for i in occurrences}))
        lines_text = ",".join(str(n) for n in sorted({i.line for i in occurrences}))
        lines.append(
            f"  {_dot_id(a)} -> {_dot_id(b)} [kinds={_dot_id(kinds_text)}, lines={_dot_id(lines_text)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _xml_safe(text: str) -> str:
    return _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def to_graphml(
    graph: ImportGraph, *, kinds: Collection[ImportKind] | None = None, include_external: bool = False
) -> str:
    import networkx as nx

    imports = selected_imports(graph, kinds=kinds, include_external=include_external)
    out = nx.DiGraph()
    for m in sorted(graph.modules.values(), key=lambda m: m.name):
        out.add_node(_xml_safe(m.name), path=_xml_safe(m.path), is_package=m.is_package, external=False)
    for name in sorted({i.imported for i in imports if i.external}):
        out.add_node(_xml_safe(name), path="", is_package=False, external=True)
    for (a, b), occurrences in sorted(_edges(imports).items()):
        out.add_edge(
            _xml_safe(a),
            _xml_safe(b),
            kinds=",".join(sorted({i.kind.value for i in occurrences})),
            lines=",".join(str(n) for n in sorted({i.line for i in occurrences})),
            count=len(occurrences),
        )
    return "\n".join(nx.generate_graphml(out)) + "\n"


def export(
    graph: ImportGraph,
    fmt: str,
    *,
    kinds: Collection[ImportKind] | None = None,
    include_external: bool = False,
) -> str:
    """The graph in `fmt` (one of FORMATS)."""
    writers = {"json": to_json, "dot": to_dot, "graphml": to_graphml}
    if fmt not in writers:
        raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return writers[fmt](graph, kinds=kinds, include_external=include_external)
