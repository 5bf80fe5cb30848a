"""discover -> hash -> (graph snapshot | parse (cached) -> resolve): the import graph of a project.

A warm run on an unchanged tree walks no directory (the stored discovery holds while the
directories it looked at are unchanged), reads no source file (stat signatures give the
hashes) and decodes one graph snapshot. After an edit that keeps the module set, the edited
files are parsed and the project's latest snapshot is patched; any other change builds the
graph from every file's cached facts. Either way the new state is stored as a snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.discover.model import Discovery
from auditor.discover.snapshot import discover_cached
from auditor.domain import UsageError
from auditor.graph import snapshot
from auditor.graph.model import ImportGraph
from auditor.graph.resolve import build_import_graph, replace_files
from auditor.parse import HashedFiles, ParseCache, hash_files
from auditor.parse.cache import CACHE_FILE
from auditor.parse.files import load_facts, worker_count
from auditor.parse.pool import ParsePool
from auditor.support.cache_home import project_cache_dir


def walk_tree(
    root: Path, *, packages: Sequence[str] = (), source_roots: Sequence[str] = (), exclude: Sequence[str] = ()
) -> Discovery:
    """The files and root packages under `root` (a walk: no parsing, no cache)."""
    from auditor.discover import discover

    return discover(root, packages=packages, source_roots=source_roots, exclude=exclude)


def build_graph(
    root: Path,
    *,
    packages: Sequence[str] = (),
    source_roots: Sequence[str] = (),
    exclude: Sequence[str] = (),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    include_external: bool = False,
) -> ImportGraph:
    """The import graph of the packages under `root`; graph.facts by module, graph.errors filled.

    Raises UsageError for an unusable root or an unknown package; file problems become errors.
    """
    return build_tree_graph(
        root,
        packages=packages,
        source_roots=source_roots,
        exclude=exclude,
        cache_dir=cache_dir,
        use_cache=use_cache,
        jobs=jobs,
        include_external=include_external,
    ).graph


@dataclass(frozen=True, slots=True)
class TreeGraph:
    """A tree's import graph (errors merged) and what it was built from: the discovery and the
    content hashes (for a long-lived caller that patches the graph after later edits)."""

    graph: ImportGraph
    found: Discovery
    hashed: HashedFiles


def build_tree_graph(
    root: Path,
    *,
    packages: Sequence[str] = (),
    source_roots: Sequence[str] = (),
    exclude: Sequence[str] = (),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    include_external: bool = False,
) -> TreeGraph:
    """`build_graph`, with the discovery and the hashes the graph was built from."""
    cache: ParseCache | None = None
    pool = ParsePool(worker_count(jobs))
    if use_cache:
        if not Path(root).is_dir():
            raise UsageError(f"{Path(root).absolute()} is not a directory")
        cache_path = Path(cache_dir) if cache_dir is not None else project_cache_dir(Path(root))
        cold = not (cache_path / CACHE_FILE).exists()
        cache = ParseCache(cache_path)
    else:
        cold = True
    if cold and pool.workers > 1:
        pool.start()  # the workers load the parser while this process walks and hashes
    try:
        with pool:
            found = discover_cached(root, cache, packages=packages, source_roots=source_roots, exclude=exclude)
            hashed = hash_files(str(found.root), found.files, cache)
            graph = _graph(found, hashed, cache, pool, include_external)
    finally:
        if cache is not None:
            cache.close()
    graph.errors = sorted([*found.errors, *hashed.errors, *graph.errors], key=lambda e: (e.path, e.message))
    return TreeGraph(graph, found, hashed)


def _graph(
    found: Discovery, hashed: HashedFiles, cache: ParseCache | None, pool: ParsePool, include_external: bool
) -> ImportGraph:
    """The stored snapshot of this exact state; else the latest snapshot of this project patched
    when only file contents changed; else a full build. A new state is stored for next time."""
    if cache is None:
        return _build(found, hashed, None, pool, include_external)[0]
    files = snapshot.state(found.files, hashed.hashes)
    key = snapshot.snapshot_key(
        files, include_external=include_external, namespace_packages=found.namespace_packages
    )
    stored = cache.get_snapshot(key)
    hit = snapshot.decode(stored) if stored is not None else None
    if hit is not None:
        return hit.graph
    project = snapshot.project_key(found.root, include_external)
    latest_key = cache.get_latest(project)
    latest_text = cache.get_snapshot(latest_key) if latest_key is not None else None
    latest = snapshot.decode(latest_text) if latest_text is not None else None
    built = _patched(latest, found, hashed, files, cache, pool) if latest is not None else None
    graph, texts = built or _build(found, hashed, cache, pool, include_external)
    cache.put_snapshot(key, snapshot.encode(graph, texts, files, found.namespace_packages), project=project)
    return graph


def _patched(
    latest: snapshot.Snapshot,
    found: Discovery,
    hashed: HashedFiles,
    files: dict[str, tuple[str, bool, str]],
    cache: ParseCache,
    pool: ParsePool,
) -> tuple[ImportGraph, dict[str, str]] | None:
    """`latest` with the edited files' imports replaced, when the change only edited files (same
    files, modules and namespace packages; every edited file parsed before and parses now)."""
    if latest.namespace_packages != found.namespace_packages or latest.files.keys() != files.keys():
        return None
    if any(latest.files[rel][:2] != row[:2] for rel, row in files.items()):
        return None  # a file now names another module (cannot happen without a move; be safe)
    changed = [
        f for f in found.files if f.rel_path in files and latest.files[f.rel_path][2] != files[f.rel_path][2]
    ]
    facts_of = latest.graph.facts
    if not changed or not isinstance(facts_of, snapshot.LazyFacts):
        return None
    if any(f.module not in facts_of or facts_of[f.module].path != f.rel_path for f in changed):
        return None  # an edited file had no facts (a parse error): the module set changes
    subset = HashedFiles(
        hashes={f.rel_path: hashed.hashes[f.rel_path] for f in changed},
        sources={f.rel_path: hashed.sources[f.rel_path] for f in changed if f.rel_path in hashed.sources},
    )
    facts, texts, errors = load_facts(changed, subset, cache=cache, jobs=pool.workers, pool=pool)
    if errors or len(facts) != len(changed):
        return None  # an edited file no longer parses: the module set changes
    graph = replace_files(latest.graph, facts.values())
    by_module = {name: facts_of.text(name) for name in facts_of}
    by_module.update({f.module: texts[f.path] for f in facts.values()})
    return graph, by_module


def _build(
    found: Discovery, hashed: HashedFiles, cache: ParseCache | None, pool: ParsePool, include_external: bool
) -> tuple[ImportGraph, dict[str, str]]:
    """The graph from every file's facts, and the serialised facts by module (for the snapshot)."""
    facts, texts, errors = load_facts(found.files, hashed, cache=cache, jobs=pool.workers, pool=pool)
    graph = build_import_graph(
        facts.values(),
        errors=errors,
        include_external=include_external,
        namespace_packages=found.namespace_packages,
    )
    return graph, {name: texts[f.path] for name, f in graph.facts.items()}


def config_graph(
    root: Path,
    config: AuditorConfig,
    *,
    packages: Sequence[str] = (),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
) -> ImportGraph:
    """The import graph of `root` as `config` describes it (packages, source roots, excludes),
    external imports kept; `packages` (--package) overrides the config's."""
    return build_graph(
        root,
        packages=packages or config.packages,
        source_roots=config.source_roots,
        exclude=config.exclude,
        cache_dir=cache_dir,
        use_cache=use_cache,
        jobs=jobs,
        include_external=True,
    )
