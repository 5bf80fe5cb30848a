"""Layer scoping: which files a layer-scoped semgrep rule applies to.

A layer is a set of module patterns (import-linter semantics, via `auditor.graph.patterns`):
`shop.api` covers `shop.api` and its descendants, `shop.api.**` only the descendants. The
auditor turns the files of those modules into semgrep `paths` when it renders a rule, so
renaming a layer's modules in the config moves the scope without editing the rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from auditor.config.model import SemgrepRuleRef
from auditor.graph.patterns import ModulePattern, in_patterns


def files_for_layers(
    layer_names: Iterable[str],
    layers: Mapping[str, tuple[str, ...]],
    modules: Mapping[str, str],
) -> set[str]:
    """Repo paths of the modules (module name -> repo path) that belong to any named layer; a
    name the configuration does not define covers nothing."""
    patterns = [ModulePattern(p) for name in layer_names for p in layers.get(name, ())]
    if not patterns:
        return set()
    return {path for module, path in modules.items() if path and in_patterns(module, patterns)}


def inactive_reason(
    ref: SemgrepRuleRef, layers: Mapping[str, tuple[str, ...]], modules: Mapping[str, str]
) -> str | None:
    """Why a layer-scoped pack entry does not run here, or None when it does.

    A boundary ("only in layer X" / "everywhere except layer X") means nothing in a project that
    has no layer X: run anyway, `except_layers` would flag every call. So the entry runs only when
    at least one layer it names is defined (in the config or a pack) and covers a module.
    """
    names = ref.only_layers or ref.except_layers
    if not names or not modules:
        return None
    undefined = [n for n in names if n not in layers]
    empty = [n for n in names if n in layers and not files_for_layers([n], layers, modules)]
    if len(undefined) + len(empty) < len(names):
        return None
    reasons = [
        _about(undefined, "is not defined", "are not defined"),
        _about(empty, "matches no module", "match no module"),
    ]
    return "; ".join(r for r in reasons if r)


def _about(names: list[str], one: str, many: str) -> str:
    if not names:
        return ""
    listed = ", ".join(f"'{n}'" for n in names)
    return f"layer {listed} {one}" if len(names) == 1 else f"layers {listed} {many}"


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a rule applies: `include` None means every target; `exclude` is subtracted."""

    include: frozenset[str] | None = None
    exclude: frozenset[str] = frozenset()

    @property
    def unrestricted(self) -> bool:
        return self.include is None and not self.exclude

    def admits(self, path: str) -> bool:
        if path in self.exclude:
            return False
        return self.include is None or path in self.include


def scope_for(
    ref: SemgrepRuleRef, layers: Mapping[str, tuple[str, ...]], modules: Mapping[str, str]
) -> Scope:
    """The files one pack entry applies to (see `inactive_reason` for when it applies nowhere)."""
    if ref.only_layers:
        return Scope(include=frozenset(files_for_layers(ref.only_layers, layers, modules)))
    if ref.except_layers:
        return Scope(exclude=frozenset(files_for_layers(ref.except_layers, layers, modules)))
    preferred = files_for_layers(ref.prefer_layers, layers, modules)
    if preferred:  # a project that has an api/web layer: there; one without: everywhere
        return Scope(include=frozenset(preferred))
    return Scope()


def path_globs(paths: Collection[str], targets: Collection[str]) -> list[str]:
    """Anchored semgrep path patterns covering exactly `paths` among `targets`.

    A directory whose every target is in `paths` collapses into one `/dir/` pattern, so a big
    layer renders into a few patterns instead of one per file.
    """
    wanted = set(paths)
    dirs_all_in: dict[str, bool] = {}
    for target in targets:
        parts = target.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            d = "/".join(parts[:depth])
            dirs_all_in[d] = dirs_all_in.get(d, True) and target in wanted
    globs: list[str] = []
    covered: set[str] = set()
    for d in sorted(dirs_all_in):
        if dirs_all_in[d] and not any(d.startswith(c + "/") for c in covered):
            covered.add(d)
            globs.append("/" + _escape(d) + "/")
    for path in sorted(wanted):
        if not any(path.startswith(c + "/") for c in covered):
            globs.append("/" + _escape(path))
    return globs


def anchored_glob(path: str) -> str:
    """The semgrep path pattern matching exactly the repository file `path`."""
    return "/" + _escape(path)


def _escape(path: str) -> str:
    out = []
    for ch in path:
        if ch in "*?[]!\\":
            out.append("\\")
        out.append(ch)
    return "".join(out)
