"""discover -> parse (cached) -> resolve: the import graph of a project."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditor.discover import discover
from auditor.graph.model import ImportGraph
from auditor.graph.resolve import build_import_graph
from auditor.parse import ParseCache, parse_files

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
    found = discover(root, packages=packages, source_roots=source_roots, exclude=exclude)
    cache: ParseCache | None = None
    if use_cache:
        cache = ParseCache(Path(cache_dir) if cache_dir is not None else found.root / DEFAULT_CACHE_DIR)
    try:
        facts, parse_errors = parse_files(found.root, found.files, cache=cache, jobs=jobs)
    finally:
        if cache is not None:
            cache.close()
    return build_import_graph(
        facts.values(),
        errors=[*found.errors, *parse_errors],
        include_external=include_external,
        namespace_packages=found.namespace_packages,
    )
