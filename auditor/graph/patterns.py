"""Module patterns: `a.b` (exact), `a.*` (one segment), `a.**` (one or more segments).

Same semantics as import-linter's module expressions, so its users can move over.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

_SEGMENT = re.compile(r"^(\*\*|\*|[A-Za-z_][A-Za-z0-9_]*)$")


class ModulePattern:
    def __init__(self, text: str) -> None:
        text = text.strip()
        if not text or not all(_SEGMENT.match(seg) for seg in text.split(".")):
            raise ValueError(f"not a module pattern: {text!r} (expected e.g. 'pkg.mod', 'pkg.*', 'pkg.**')")
        if "**.**" in text:
            raise ValueError(f"not a module pattern: {text!r} ('**.**' is redundant)")
        self.text = text

    @property
    def has_wildcard(self) -> bool:
        return "*" in self.text

    @cached_property
    def _segments(self) -> tuple[str, ...]:
        return tuple(self.text.split("."))

    def matches(self, module: str) -> bool:
        """Segment-by-segment match: `*` is one segment, `**` one or more.

        Simulates the pattern as a small automaton over segment positions, so the cost is
        O(segments x pattern length) whatever the pattern: a regex with many `**` backtracks
        polynomially on deep module names (a hostile config could stall the run).
        """
        pattern = self._segments
        end = len(pattern)
        states = {0}
        for segment in module.split("."):
            following: set[int] = set()
            for i in states:
                if i == end:
                    continue
                token = pattern[i]
                if token == "**":
                    following.add(i)  # consumed this segment, may take more
                    following.add(i + 1)
                elif token == "*" or token == segment:
                    following.add(i + 1)
            if not following:
                return False
            states = following
        return end in states

    def __repr__(self) -> str:
        return f"ModulePattern({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModulePattern) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def in_patterns(module: str, patterns: Iterable[str | ModulePattern]) -> bool:
    """Whether `module` belongs to a layer/surface declared by `patterns`.

    A pattern covers the modules it matches and their descendants: `shop.api` covers `shop.api`
    and everything below it (import-linter's layer semantics), `shop.api.*` covers the children
    and their descendants, `shop.api.**` covers every descendant (not `shop.api` itself).
    """
    parts = module.split(".")
    for raw in patterns:
        pattern = raw if isinstance(raw, ModulePattern) else ModulePattern(raw)
        if not pattern.has_wildcard:  # the common case, without the automaton
            if module == pattern.text or module.startswith(pattern.text + "."):
                return True
            continue
        for depth in range(len(parts), 0, -1):
            if pattern.matches(".".join(parts[:depth])):
                return True
    return False


def modules_in(patterns: Iterable[str | ModulePattern], modules: Iterable[str]) -> set[str]:
    """The modules (from `modules`) that `patterns` cover, per `in_patterns`."""
    compiled = [p if isinstance(p, ModulePattern) else ModulePattern(p) for p in patterns]
    return {m for m in modules if in_patterns(m, compiled)}


def layers_of(module: str, layers: Mapping[str, Sequence[str | ModulePattern]]) -> tuple[str, ...]:
    """THE answer to "which layer is this module in": the names of every layer (or surface:
    the same question for `[surfaces]`) whose patterns cover `module` per `in_patterns`, in
    declaration order.

    Overlapping patterns (`shop` and `shop.api`) put a module in several layers, and every
    stage that tags or checks reports all of them (finding tags, module rules, scoped security
    rules). A display that has room for one label per module (the package view's layer column
    and the diagram's rows) shows the first: the layer declared first wins. That is a choice of
    label, not a second meaning. (`init`'s LayerPlan.layer_of answers another question: which
    inferred unit, by longest module prefix, of a plan that has no `[layers]` table yet.)
    """
    return tuple(name for name, patterns in layers.items() if in_patterns(module, patterns))


class LayerIndex:
    """`layers_of` for many modules: patterns compiled once, answers memoised (many findings
    share a module)."""

    def __init__(self, layers: Mapping[str, Sequence[str | ModulePattern]]) -> None:
        self.layers = {
            name: [p if isinstance(p, ModulePattern) else ModulePattern(p) for p in patterns]
            for name, patterns in layers.items()
        }
        self.seen: dict[str, tuple[str, ...]] = {}

    def __call__(self, module: str) -> tuple[str, ...]:
        found = self.seen.get(module)
        if found is None:
            found = self.seen[module] = layers_of(module, self.layers)
        return found

    def first(self, module: str) -> str | None:
        """The one label of a display: the first layer covering `module`, None outside all."""
        found = self(module)
        return found[0] if found else None
