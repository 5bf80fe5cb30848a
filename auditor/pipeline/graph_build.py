"""discover -> hash -> (graph snapshot | parse (cached) -> resolve): the import graph of a project.

A warm run on an unchanged tree walks no directory (the stored discovery holds while the
directories it looked at are unchanged), reads no source file (stat signatures give the
hashes) and decodes one graph snapshot; after an edit, the edited files are parsed, every other file's facts
come from the per-file cache, and a new snapshot is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.discover.model import Discovery
from auditor.discover.snapshot import discover_cached
from auditor.domain import UsageError
from auditor.graph import snapshot
from auditor.graph.model import ImportGraph
from auditor.graph.resolve import build_import_graph
from auditor.parse import HashedFiles, ParseCache, hash_files
from auditor.parse.files import load_facts

DEFAULT_CACHE_DIR = ".auditor"


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
    cache: ParseCache | None = None
    if use_cache:
        if not Path(root).is_dir():
            raise UsageError(f"{Path(root).absolute()} is not a directory")
        cache = ParseCache(
            Path(cache_dir) if cache_dir is not None else Path(root).absolute() / DEFAULT_CACHE_DIR
        )
    try:
        found = discover_cached(root, cache, packages=packages, source_roots=source_roots, exclude=exclude)
        hashed = hash_files(str(found.root), found.files, cache)
        key = snapshot.snapshot_key(
            found.files,
            hashed.hashes,
            include_external=include_external,
            namespace_packages=found.namespace_packages,
        )
        stored = cache.get_snapshot(key) if cache is not None else None
        graph = snapshot.decode(stored) if stored is not None else None
        if graph is None:
            graph, texts = _build(found, hashed, cache, jobs, include_external)
            if cache is not None:
                cache.put_snapshot(key, snapshot.encode(graph, texts))
    finally:
        if cache is not None:
            cache.close()
    graph.errors = sorted([*found.errors, *hashed.errors, *graph.errors], key=lambda e: (e.path, e.message))
    return graph


def _build(
    found: Discovery, hashed: HashedFiles, cache: ParseCache | None, jobs: int | None, include_external: bool
) -> tuple[ImportGraph, dict[str, str]]:
    """The graph from every file's facts, and the serialised facts by module (for the snapshot)."""
    facts, texts, errors = load_facts(found.files, hashed, cache=cache, jobs=jobs)
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
