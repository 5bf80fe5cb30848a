"""A whole import graph as one cache entry, so a warm run on an unchanged tree skips resolution.

The key covers everything the graph depends on: the parser version, every file's path, module
name and content hash, the namespace packages and whether external imports are kept. The entry
holds the modules, the resolved imports, the parse and resolution errors, and each file's
serialised facts, which are decoded only when someone asks for them (`LazyFacts`): a contract
check reads none, a public-interface contract reads a few `__init__` files.

JSON, like the per-file cache (never pickle or marshal: a damaged cache must not be able to
crash or take over the process), in two documents on two lines: the graph, then the facts texts
(three quarters of the entry). The second is JSON-decoded only on the first access to a
module's facts; the first records its length and CRC-32, so a damaged entry still decodes to
None at once and the graph is rebuilt.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.discover.model import SourceFile
from auditor.domain import AnalysisError, FileFacts, Import, ImportKind, Module
from auditor.domain.digest import sha256
from auditor.graph.model import ImportGraph
from auditor.parse import PARSER_VERSION, serialize
from auditor.support import inputs

SNAPSHOT_VERSION = 3  # bump when the entry's layout changes (3: the facts texts on a second line)
_KINDS = {k.value: k for k in ImportKind}


def snapshot_key(
    files: Mapping[str, tuple[str, bool, str]], *, include_external: bool, namespace_packages: Iterable[str]
) -> str:
    """The key of the graph built from `files` (`state()`: unhashed files, e.g. unreadable ones,
    are not part of the graph and not part of the key)."""
    rows = sorted((rel, module, is_package, digest) for rel, (module, is_package, digest) in files.items())
    payload = [PARSER_VERSION, SNAPSHOT_VERSION, include_external, sorted(namespace_packages), rows]
    return sha256(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()


def project_key(root: Path, include_external: bool) -> str:
    """Which project a snapshot belongs to: its latest snapshot is the base for patching."""
    return sha256(json.dumps([str(root), include_external]).encode()).hexdigest()


class LazyFacts(Mapping[str, FileFacts]):
    """FileFacts by module name, each decoded from its serialised form on first access; the
    serialised forms (`texts`: a JSON object, module -> text) are decoded on the first access
    to any."""

    def __init__(self, rows: Mapping[str, tuple[str, bool]], texts: str) -> None:
        self._rows = rows  # module -> (path, is_package)
        self._texts: str | dict[str, str] = texts
        self._decoded: dict[str, FileFacts] = {}

    def __getitem__(self, module: str) -> FileFacts:
        found = self._decoded.get(module)
        if found is None:
            path, is_package = self._rows[module]
            found = serialize.loads(self.text(module), path=path, module=module, is_package=is_package)
            self._decoded[module] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, module: object) -> bool:
        return module in self._rows

    def text(self, module: str) -> str:
        """The serialised facts of `module`, as stored (for writing the next snapshot)."""
        if isinstance(self._texts, str):
            texts = inputs.loads_cache_entry(self._texts)  # checked against its CRC-32 already
            if not isinstance(texts, dict) or texts.keys() != self._rows.keys():
                raise ValueError("graph snapshot: the facts do not match the modules")
            self._texts = texts
        return str(self._texts[module])


@dataclass(frozen=True, slots=True)
class Snapshot:
    graph: ImportGraph  # facts: LazyFacts
    files: dict[str, tuple[str, bool, str]]  # rel_path -> (module, is_package, content hash)
    namespace_packages: tuple[str, ...]


def state(files: Sequence[SourceFile], hashes: Mapping[str, str]) -> dict[str, tuple[str, bool, str]]:
    """rel_path -> (module, is_package, content hash) of the hashed files: what a graph is built from."""
    return {f.rel_path: (f.module, f.is_package, hashes[f.rel_path]) for f in files if f.rel_path in hashes}


def encode(
    graph: ImportGraph,
    texts: Mapping[str, str],
    files: Mapping[str, tuple[str, bool, str]],
    namespace_packages: Sequence[str],
) -> str:
    """The snapshot of `graph`; `texts` are the serialised facts by module (as cached), `files`
    the state it was built from (`state()`), so a later run can patch it after an edit."""
    imports = [*graph.imports(), *graph.external_imports]
    facts = json.dumps({name: texts[name] for name in graph.facts}, separators=(",", ":"), ensure_ascii=False)
    payload = {
        "files": {rel: list(row) for rel, row in files.items()},
        "namespace_packages": list(namespace_packages),
        "modules": [[m.name, m.path, m.is_package] for m in graph.modules.values()],
        "imports": [[i.importer, i.imported, i.line, i.kind.value, i.external, i.names] for i in imports],
        "errors": [[e.path, e.message] for e in graph.errors],
        # from the modules, not the facts: reading lazy facts would decode every one of them
        "facts": {name: [graph.modules[name].path, graph.modules[name].is_package] for name in graph.facts},
        "facts_check": _check(facts),
    }
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n" + facts


def _check(facts: str) -> list[int]:
    """The length and CRC-32 of the facts line (accidental damage, as a JSON parse would find)."""
    data = facts.encode("utf-8", "surrogatepass")
    return [len(data), zlib.crc32(data)]


def decode(text: str) -> Snapshot | None:
    """The graph of a snapshot and the state it was built from, or None when the entry is damaged."""
    graph_line, _, facts = text.partition("\n")
    try:
        data = inputs.loads_cache_entry(graph_line)
        if data["facts_check"] != _check(facts):
            return None  # damaged (or a line short)
        modules = [Module(str(name), str(path), bool(pkg)) for name, path, pkg in data["modules"]]
        imports = [
            Import(importer, imported, line, _KINDS[kind], external, tuple(names))
            for importer, imported, line, kind, external, names in data["imports"]
        ]
        errors = [AnalysisError(path, message) for path, message in data["errors"]]
        rows = {str(name): (str(path), bool(pkg)) for name, (path, pkg) in data["facts"].items()}
        files = {str(rel): (str(m), bool(pkg), str(h)) for rel, (m, pkg, h) in data["files"].items()}
        namespace = tuple(str(n) for n in data["namespace_packages"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    graph = ImportGraph(modules, imports, facts=LazyFacts(rows, facts), errors=errors)
    return Snapshot(graph, files, namespace)
