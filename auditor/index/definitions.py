"""The definitions of a tree's modules, on demand (parse.definitions), through the parse cache."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from auditor.domain import FileDefinitions
from auditor.parse import MAX_FILE_BYTES, ParseCache
from auditor.parse.definitions import load_definitions


class DefinitionIndex:
    """Definitions of the module files the graph has facts for (`module_paths`, repo-relative);
    any other file has none. `cache_dir` None: nothing is cached."""

    def __init__(self, root: Path, module_paths: Iterable[str], *, cache_dir: Path | None) -> None:
        self.root = root
        self._paths = frozenset(module_paths)
        self._cache_dir = cache_dir
        self._cache: ParseCache | None = None  # opened on the first lookup, until close()

    def of_sources(self, sources: Mapping[str, bytes]) -> dict[str, FileDefinitions]:
        """FileDefinitions for the module files among `sources` (path -> the bytes just read)."""
        wanted = {path: source for path, source in sources.items() if path in self._paths}
        if not wanted:
            return {}
        if self._cache is None and self._cache_dir is not None:
            self._cache = ParseCache(self._cache_dir)
        return load_definitions(wanted, self._cache)

    def close(self) -> None:
        """Close the cache (a later lookup opens it again)."""
        cache, self._cache = self._cache, None
        if cache is not None:
            cache.close()

    def __enter__(self) -> DefinitionIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def of_source(self, path: str, source: bytes) -> FileDefinitions | None:
        return self.of_sources({path: source}).get(path)

    def read(self, paths: Iterable[str]) -> dict[str, FileDefinitions]:
        """FileDefinitions for the module files among `paths`, read from the tree now."""
        sources: dict[str, bytes] = {}
        for path in paths:
            if path not in self._paths:
                continue
            try:
                with (self.root / path).open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except OSError:
                continue  # gone or unreadable since the graph was built: no definitions
            if len(data) <= MAX_FILE_BYTES:
                sources[path] = data
        return self.of_sources(sources)
