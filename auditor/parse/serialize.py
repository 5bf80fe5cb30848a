"""A compact, safe serialisation of FileFacts for the cache: JSON arrays, no pickle.

FileFacts: [path, module, is_package, content_hash, line_count, imports, all_names] with imports
as [module, names, level, line, kind, is_from, anchor]. FileDefinitions: [path, content_hash,
definitions] with definitions as [qualname, kind, line, end_line, signature]. Bump
FORMAT_VERSION whenever a layout changes.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.domain import Definition, FileDefinitions, FileFacts, ImportKind, RawImport
from auditor.support import inputs

FORMAT_VERSION = 6  # bump when the layout, the extraction rules (kinds, lines, names) or their producer change
_KINDS = {k.value: k for k in ImportKind}


def dumps(facts: FileFacts) -> str:
    payload: list[Any] = [
        facts.path,
        facts.module,
        facts.is_package,
        facts.content_hash,
        facts.line_count,
        [[i.module, i.names, i.level, i.line, i.kind.value, i.is_from, i.anchor] for i in facts.imports],
        facts.all_names,
    ]
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def loads(text: str, *, path: str, module: str, is_package: bool) -> FileFacts:
    """Rebuild FileFacts; path/module come from the current discovery (same content, new place)."""
    data = inputs.loads_cache_entry(text)
    all_names = data[6]
    return FileFacts(
        path=path,
        module=module,
        is_package=is_package,
        content_hash=data[3],
        line_count=data[4],
        imports=tuple(
            RawImport(m, tuple(names), level, line, _KINDS[kind], is_from, anchor)
            for m, names, level, line, kind, is_from, anchor in data[5]
        ),
        all_names=None if all_names is None else tuple(all_names),
    )


def dumps_definitions(found: FileDefinitions) -> str:
    definitions = [[d.qualname, d.kind, d.line, d.end_line, d.signature] for d in found.definitions]
    return json.dumps([found.path, found.content_hash, definitions], separators=(",", ":"), ensure_ascii=False)


def loads_definitions(text: str, *, path: str) -> FileDefinitions:
    """Rebuild FileDefinitions; the path comes from the caller (same content, new place)."""
    data = inputs.loads_cache_entry(text)
    return FileDefinitions(
        path=path,
        content_hash=data[1],
        definitions=tuple(Definition(q, k, line, end, sig) for q, k, line, end, sig in data[2]),
    )
