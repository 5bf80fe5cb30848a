"""The working tree's import graph, kept in memory by a long-lived process (`auditor mcp`) and
patched after edits.

The first call (and any call after the module set may have changed) builds the graph through
the same engine and caches as the command line (`build_tree_graph`) and keeps the discovery,
the content hashes and the graph it came from: the origin. A later call re-checks the discovery
with the stat signatures of the folders the walk read (support.filestat's racy-timestamp rule:
a signature recorded too close to a change is not trusted), takes the content hashes again (by
stat signature, kept in memory: a file whose signature is unchanged is not read), parses only
the files whose content differs from the origin (in memory) and resolves
just those again on top of the origin graph. Nothing is decoded from or written to the
snapshot store on that path.

Anything it cannot patch soundly (a folder changed; a file added, removed or unreadable; an
edited file that no longer parses; other settings) goes back to the engine, and that graph is
the new origin. Nothing kept goes stale: each call compares the tree with what the origin saw."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.discover.model import SourceFile
from auditor.domain import FileFacts
from auditor.graph import snapshot
from auditor.graph.model import ImportGraph
from auditor.graph.resolve import replace_files
from auditor.index.tree import TreeGraph, build_tree_graph
from auditor.parse import HashedFiles
from auditor.parse.files import load_facts
from auditor.parse.hashing import content_hash, read_source
from auditor.support import filestat

FileState = dict[str, tuple[str, bool, str]]  # rel_path -> (module, is_package, content hash)


@dataclass(frozen=True)
class _Settings:
    """What the graph depends on besides the files."""

    root: Path
    packages: tuple[str, ...]
    source_roots: tuple[str, ...]
    exclude: tuple[str, ...]
    cache_dir: Path | None
    jobs: int | None


@dataclass
class _Origin:
    """A graph the engine built, with the discovery, hashes and folder signatures it saw."""

    settings: _Settings
    built: TreeGraph
    files: FileState
    checked_ns: int  # wall clock before the build: later changes are never settled against it
    watched: dict[str, filestat.Signature | None] = field(default_factory=dict)

    def discovery_holds(self) -> bool:
        """Whether the discovery still describes the tree: every folder and `.gitignore` the
        walk read has the signature it had, and that signature is settled."""
        if not self.built.found.cacheable:
            return False  # the walk met a symlink: its target may change unseen
        for path, recorded in self.watched.items():
            current = filestat.signature_of(path)
            if current != recorded:
                return False
            if current is not None and not filestat.settled(current, self.checked_ns):
                return False
        return True


class _Hashes:
    """Content hashes by stat signature, kept in memory (`hash_files`' rule without its store):
    a file whose signature is unchanged and settled keeps its hash and is not read."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[filestat.Signature, str, int]] = {}  # path -> (signature, hash, checked_ns)

    def seed(self, files: Sequence[SourceFile], hashes: dict[str, str], checked_ns: int) -> None:
        """Take the hashes a build found, each with the file's signature now and the time the
        build began: a file changed since (or just before) the build is read on its next use."""
        for f in files:
            signature = filestat.signature_of(f.abs_path)
            if signature is not None and f.rel_path in hashes:
                self._known[f.abs_path] = (signature, hashes[f.rel_path], checked_ns)

    def of(self, files: Sequence[SourceFile]) -> HashedFiles:
        out = HashedFiles()
        for f in files:
            signature = filestat.signature_of(f.abs_path)
            kept, digest, kept_ns = self._known.get(f.abs_path, (None, "", 0))
            if signature is not None and signature == kept and filestat.settled(signature, kept_ns):
                out.hashes[f.rel_path] = digest
                continue
            checked_ns = time.time_ns()
            data = read_source(f, out.errors)
            if data is None:
                continue
            out.hashes[f.rel_path] = digest = content_hash(data)
            out.sources[f.rel_path] = data
            if signature is not None:
                self._known[f.abs_path] = (signature, digest, checked_ns)
        return out


class WarmTree:
    """The working tree's graph between the calls of one server (one analysis at a time)."""

    def __init__(self) -> None:
        self._origin: _Origin | None = None
        self._edited: dict[str, tuple[str, FileFacts]] = {}  # rel_path -> (hash, facts), vs origin
        self._graph: tuple[frozenset[tuple[str, str]], ImportGraph] | None = None
        self.files: FileState = {}  # the state of the graph last returned
        self.rebuilds = 0  # graphs the engine built (the rest were patched in memory)
        self._hashes = _Hashes()

    def graph(
        self,
        root: Path,
        config: AuditorConfig,
        *,
        packages: Sequence[str] = (),
        cache_dir: Path | None,
        jobs: int | None = None,
    ) -> ImportGraph:
        """The import graph of the tree at `root` as `config` describes it, external imports
        kept (`packages`: --package, instead of the config's); what the engine's `config_graph`
        returns for the same tree. `cache_dir` None (no cache): built afresh, nothing kept."""
        settings = _Settings(
            root, tuple(packages or config.packages), tuple(config.source_roots), tuple(config.exclude), cache_dir, jobs
        )
        origin = self._origin
        if cache_dir is None or origin is None or origin.settings != settings or not origin.discovery_holds():
            return self._rebuild(settings)
        patched = self._patched(origin)
        return patched if patched is not None else self._rebuild(settings)

    def _rebuild(self, settings: _Settings) -> ImportGraph:
        self._origin, self._edited, self._graph, self.files = None, {}, None, {}
        checked_ns = time.time_ns()
        built = build_tree_graph(
            settings.root,
            packages=settings.packages,
            source_roots=settings.source_roots,
            exclude=settings.exclude,
            cache_dir=settings.cache_dir,
            use_cache=settings.cache_dir is not None,
            jobs=settings.jobs,
            include_external=True,
        )
        self.rebuilds += 1
        if settings.cache_dir is not None:
            found = built.found
            watched = {p: filestat.signature_of(p) for p in (*found.watched_dirs, *found.watched_files)}
            files = snapshot.state(found.files, built.hashed.hashes)
            self._hashes.seed(found.files, built.hashed.hashes, checked_ns)
            self._origin = _Origin(settings, built, files, checked_ns, watched)
            self.files = files
        return built.graph

    def _patched(self, origin: _Origin) -> ImportGraph | None:
        """The origin graph with every file edited since patched in; None when a patch cannot
        give what a build would (the file set, an unreadable file or a parse changed)."""
        found = origin.built.found
        hashed = self._hashes.of(found.files)
        if hashed.errors != origin.built.hashed.errors:
            return None
        files = snapshot.state(found.files, hashed.hashes)
        if files.keys() != origin.files.keys():
            return None
        changed = [f for f in found.files if f.rel_path in files and files[f.rel_path] != origin.files[f.rel_path]]
        modules = origin.built.graph.modules
        if any(f.module not in modules or modules[f.module].path != f.rel_path for f in changed):
            return None  # the origin could not parse it: the module set changes
        edited = {f.rel_path: self._edited[f.rel_path] for f in changed if _known(self._edited, f, files)}
        unparsed = [f for f in changed if f.rel_path not in edited]
        if unparsed:
            facts = _parse(unparsed, hashed, origin.settings)
            if facts is None:
                return None
            edited.update((f.path, (files[f.path][2], f)) for f in facts)
        self._edited, self.files = edited, files
        key = frozenset((rel, digest) for rel, (digest, _) in edited.items())
        if self._graph is None or self._graph[0] != key:
            graph = replace_files(origin.built.graph, [f for _, f in edited.values()]) if edited else None
            self._graph = (key, graph or origin.built.graph)
        return self._graph[1]

    def unchanged_state(self, changed: Iterable[str]) -> tuple[object, ...] | None:
        """The namespace packages and the state (path, module, content hash) of every file of
        the last graph outside `changed`, as a key; None when nothing is kept (no cache)."""
        if self._origin is None:
            return None
        skip = set(changed)
        rows = tuple(sorted((rel, row) for rel, row in self.files.items() if rel not in skip))
        return (self._origin.built.found.namespace_packages, rows)


def _known(edited: dict[str, tuple[str, FileFacts]], f: SourceFile, files: FileState) -> bool:
    kept = edited.get(f.rel_path)
    return kept is not None and kept[0] == files[f.rel_path][2]


def _parse(changed: Sequence[SourceFile], hashed: HashedFiles, settings: _Settings) -> list[FileFacts] | None:
    """The facts of `changed`, parsed in memory (an edit's content is new: the content-hash
    cache would only be written, at the cost of a database commit per call); None when one of
    them no longer parses (the module set changes)."""
    subset = HashedFiles(
        hashes={f.rel_path: hashed.hashes[f.rel_path] for f in changed},
        sources={f.rel_path: hashed.sources[f.rel_path] for f in changed if f.rel_path in hashed.sources},
    )
    facts, _texts, errors = load_facts(changed, subset, cache=None, jobs=settings.jobs)
    if errors or len(facts) != len(changed):
        return None
    return list(facts.values())

