"""Both sides of the MCP server's pre-merge check, kept in memory between calls.

The working tree's side is `WarmTree`'s graph. REF's side (its graph with REF's versions of the
changed files, and the findings of the contracts on it) depends on nothing but REF's commit,
the changed files, the content of every other file (equal at REF by definition: git sees no
change), the configuration and the date exceptions expire against. An agent that edits the same
files call after call keeps all of that fixed, so REF's analysis is kept, keyed by all of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.config.model import AuditorConfig
from auditor.graph.model import ImportGraph
from auditor.index.git_ref import BaseRef
from auditor.index.warm_tree import WarmTree
from auditor.pipeline.analysis import Analysis, runs_semgrep
from auditor.pipeline.options import RunOptions
from auditor.support.git import Change
from auditor.usecases.check import CheckSides, analyse_base

KEPT = 4  # REF analyses kept (one per base ref and change an agent alternates between)


@dataclass(frozen=True)
class _BaseKey:
    toplevel: str
    commit: str
    prefix: str
    changes: tuple[Change, ...]
    unchanged: tuple[object, ...]  # every other file's (path, module, content hash)
    today: dt.date
    semgrep: bool


class WarmSides(CheckSides):
    """The working tree's graph patched in memory; REF's analysis reused while its key holds."""

    def __init__(self, tree: WarmTree) -> None:
        self.tree = tree
        self._kept: dict[_BaseKey, tuple[AuditorConfig, Analysis]] = {}
        self.base_runs = 0  # REF analyses computed (the rest were reused)

    def tree_graph(self, opts: RunOptions, config: AuditorConfig) -> ImportGraph:
        return tree_graph(self.tree, opts, config)

    def base_analysis(self, opts: RunOptions, head: Analysis, base_ref: BaseRef, changes: Sequence[Change]) -> Analysis:
        key = self._key(opts, head, base_ref, changes)
        kept = self._kept.pop(key, None) if key is not None else None
        if kept is None or kept[0] != head.config:
            self.base_runs += 1
            kept = (head.config, analyse_base(opts, head, base_ref, changes))
        if key is not None and not (key.semgrep and kept[1].incomplete_reasons):  # semgrep failed: try again
            self._kept[key] = kept  # the most recent last
            while len(self._kept) > KEPT:
                del self._kept[next(iter(self._kept))]
        return kept[1]

    def _key(self, opts: RunOptions, head: Analysis, base_ref: BaseRef, changes: Sequence[Change]) -> _BaseKey | None:
        paths = {p for c in changes for p in (c.path, c.old_path) if p}
        unchanged = self.tree.unchanged_state(paths)
        if unchanged is None:
            return None
        return _BaseKey(
            str(base_ref.toplevel),
            base_ref.commit,
            base_ref.prefix,
            tuple(changes),
            unchanged,
            opts.today,
            runs_semgrep(opts, head.config),
        )


def tree_graph(tree: WarmTree, opts: RunOptions, config: AuditorConfig) -> ImportGraph:
    """`tree`'s graph of the working tree, as `analysis.project_graph` builds it for `opts`."""
    cache_dir = opts.effective_cache_dir if opts.use_cache else None
    return tree.graph(opts.root, config, packages=opts.packages, cache_dir=cache_dir, jobs=opts.jobs)
