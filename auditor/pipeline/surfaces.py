"""Review surfaces: public-API signatures of surface modules, compared run over run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from auditor.domain.run import ApiChange
from auditor.graph.patterns import layers_of
from auditor.pipeline.analysis import Analysis

# module -> [(qualname, kind, signature)]
ApiSnapshot = Mapping[str, Sequence[Sequence[str]]]


def _surface_of(module: str, surfaces: Mapping[str, Sequence[str]]) -> str | None:
    """The first surface covering `module` (graph.patterns.layers_of), None outside all."""
    return next(iter(layers_of(module, surfaces)), None)


def api_snapshot(analysis: Analysis) -> dict[str, list[tuple[str, str, str]]]:
    """Public top-level definitions (and public methods of public classes) of surface modules."""
    snapshot: dict[str, list[tuple[str, str, str]]] = {}
    surfaces = analysis.config.surfaces
    for module, facts in sorted(analysis.graph.facts.items()):
        if not _surface_of(module, surfaces):
            continue
        names = []
        for d in facts.definitions:
            parts = d.qualname.split(".")
            if any(p.startswith("_") for p in parts) or len(parts) > 2:
                continue
            names.append((d.qualname, d.kind, d.signature))
        snapshot[module] = sorted(names)
    return snapshot


def api_changes(analysis: Analysis, previous: ApiSnapshot | None) -> list[ApiChange]:
    """Added / removed / changed public signatures in surface modules since the previous run."""
    if not previous:
        return []
    current = api_snapshot(analysis)
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
            if facts and new is not None:
                definition = next((d for d in facts.definitions if d.qualname == name), None)
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
