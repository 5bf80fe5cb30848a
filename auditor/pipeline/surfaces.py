"""Review surfaces: public-API signatures of surface modules, compared run over run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from auditor.domain import FileDefinitions
from auditor.domain.run_views import ApiChange
from auditor.graph.patterns import layers_of
from auditor.pipeline.analysis import Analysis

# module -> [(qualname, kind, signature)]
ApiSnapshot = Mapping[str, Sequence[Sequence[str]]]


def _surface_of(module: str, surfaces: Mapping[str, Sequence[str]]) -> str | None:
    """The first surface covering `module` (graph.patterns.layers_of), None outside all."""
    return next(iter(layers_of(module, surfaces)), None)


def _surface_definitions(analysis: Analysis) -> dict[str, FileDefinitions | None]:
    """What each module in a surface defines (None: its file could not be read again)."""
    surfaces = analysis.config.surfaces
    graph = analysis.graph
    paths = {m: graph.modules[m].path for m in sorted(graph.facts) if m in graph.modules and _surface_of(m, surfaces)}
    with analysis.definitions_index() as definitions:
        defined = definitions.read(paths.values())
    return {module: defined.get(path) for module, path in paths.items()}


def _public(found: FileDefinitions | None) -> list[tuple[str, str, str]]:
    names = []
    for d in found.definitions if found is not None else ():
        parts = d.qualname.split(".")
        if any(p.startswith("_") for p in parts) or len(parts) > 2:
            continue
        names.append((d.qualname, d.kind, d.signature))
    return sorted(names)


def api_snapshot(analysis: Analysis) -> dict[str, list[tuple[str, str, str]]]:
    """Public top-level definitions (and public methods of public classes) of surface modules."""
    return {module: _public(found) for module, found in _surface_definitions(analysis).items()}


def api_changes(analysis: Analysis, previous: ApiSnapshot | None) -> list[ApiChange]:
    """Added / removed / changed public signatures in surface modules since the previous run."""
    if not previous:
        return []
    defined = _surface_definitions(analysis)
    current = {module: _public(found) for module, found in defined.items()}
    changes: list[ApiChange] = []
    for module in sorted(set(current) | set(previous)):
        surface = _surface_of(module, analysis.config.surfaces)
        if surface is None:
            continue
        before = {q: (k, s) for q, k, s in previous.get(module, ())}
        after = {q: (k, s) for q, k, s in current.get(module, ())}
        facts = analysis.graph.facts.get(module)
        for name in sorted(set(before) | set(after)):
            old, new = before.get(name), after.get(name)
            if old == new:
                continue
            change = "added" if old is None else "removed" if new is None else "changed"
            line = None
            origin = "unknown"
            path = facts.path if facts else None
            known = defined.get(module)
            if facts and known is not None and new is not None:
                definition = next((d for d in known.definitions if d.qualname == name), None)
                if definition is not None:
                    line = definition.line
                    lines = analysis.line_origins.get(facts.path)
                    if lines is not None:
                        origin = lines.span(definition.line, definition.end_line).origin.value
            changes.append(
                ApiChange(
                    surface=surface,
                    module=module,
                    name=name,
                    change=change,
                    before=old[1] or old[0] if old else None,
                    after=new[1] or new[0] if new else None,
                    origin=origin,
                    path=path,
                    line=line,
                )
            )
    return changes
