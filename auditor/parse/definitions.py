"""Definitions of files, parsed on demand and cached by content hash: only review surfaces
(public signatures) and security findings (the enclosing function) need them, so building a
graph never pays for them."""

from __future__ import annotations

from collections.abc import Mapping

from auditor.domain import FileDefinitions
from auditor.parse import serialize
from auditor.parse.cache import ParseCache
from auditor.parse.hashing import content_hash


def load_definitions(sources: Mapping[str, bytes], cache: ParseCache | None) -> dict[str, FileDefinitions]:
    """FileDefinitions by path for every source that parses (one that does not has none: its
    parse error is the graph's to report). Parsed here, one file after the other."""
    hashes = {path: content_hash(source) for path, source in sources.items()}
    cached = cache.get_many(hashes.values(), definitions=True) if cache is not None else {}
    found: dict[str, FileDefinitions] = {}
    todo: list[str] = []
    for path, digest in hashes.items():
        text = cached.get(digest)
        if text is not None:
            try:
                found[path] = serialize.loads_definitions(text, path=path)
                continue
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                pass  # a damaged or foreign entry: parsed again and overwritten
        todo.append(path)
    if not todo:
        return found
    from auditor.parse.source import parse_definitions, run_with_big_stack  # lazy: only to parse

    parsed = run_with_big_stack(lambda: [parse_definitions(sources[path], path=path) for path in todo])
    new: dict[str, str] = {}
    for path, result in zip(todo, parsed, strict=True):
        if isinstance(result, FileDefinitions):
            found[path] = result
            new[result.content_hash] = serialize.dumps_definitions(result)
    if cache is not None:
        cache.put_many(new, definitions=True)
    return found
