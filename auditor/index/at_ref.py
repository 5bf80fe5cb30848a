"""The import graph at a base ref, built from the working tree's graph and the changed files.

Files the change did not touch have the same content at REF, so their parsed facts are reused
as they are; only REF's versions of the changed files are read (from git) and parsed, through
the content-hash cache. A pre-merge check of a one-file change on a large project therefore
parses at most one file per side. The content hash of each REF version read is kept per base
commit (index.ref_files): a later run against the same commit takes those files' facts from
the cache without reading them, unless it must write them out for semgrep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from auditor.discover import is_module_part, walk_skips
from auditor.discover.model import SourceFile
from auditor.domain import FileFacts
from auditor.graph import ImportGraph
from auditor.graph.resolve import build_import_graph, replace_files, with_unchanged_imports
from auditor.index.git_ref import BaseRef, read_blobs
from auditor.index.ref_files import CommitFiles
from auditor.parse import HashedFiles, ParseCache, hash_sources, parse_files
from auditor.support.git import Change


def _source_roots(graph: ImportGraph) -> list[str]:
    """Path prefixes ("" or "src/") under which the audited modules live, longest first."""
    roots = set()
    for module in graph.modules.values():
        if not module.path:
            continue
        tail = module.name.replace(".", "/") + ("/__init__.py" if module.is_package else ".py")
        if module.path.endswith(tail):
            roots.add(module.path[: -len(tail)])
    return sorted(roots, key=len, reverse=True)


def module_for_path(
    path: str, roots: Sequence[str], packages: set[str], skips: Callable[[str, str], bool] | None = None
) -> tuple[str, bool] | None:
    """(module, is_package) of a file path below one of the audited packages, else None.

    Discovery's rules: its naming rule, and `skips` (discover.walk_skips: tool folders,
    .gitignore, `exclude`), so REF's side has no module the working tree's walk would skip."""
    for root in roots:
        if not path.startswith(root):
            continue
        rel = path[len(root) :]
        for suffix, is_package in (("/__init__.py", True), (".py", False)):
            if rel.endswith(suffix):
                parts = rel[: -len(suffix)].split("/")
                if parts[0] not in packages or not all(is_module_part(p) for p in parts):
                    continue
                if skips is not None and skips(root + parts[0], path):
                    return None
                return ".".join(parts), is_package
    return None


def base_graph(
    root: Path,
    head: ImportGraph,
    base: BaseRef,
    changes: Sequence[Change],
    scratch: Path,
    *,
    cache_dir: Path | None,
    jobs: int | None = None,
    write_files: bool = True,
    exclude: Sequence[str] = (),
) -> tuple[ImportGraph, list[str]]:
    """REF's import graph, and the repo paths of REF's changed files written below `scratch`
    (changed modules, and changed scripts and templates the security rules scan).

    `root`: the audited root (the working tree); `changes` use paths relative to it. REF's
    versions are parsed through the facts cache in `cache_dir` (None: no cache). With
    `write_files`, the changed files are written to `scratch` (they are what semgrep scans on
    the base side); they are parsed from memory either way.
    """
    wanted = sorted({c.old_path for c in changes if c.old_path and c.old_path.endswith(".py")})
    # a path the working tree's walk made a module is one at REF too (same naming and skip
    # rules); only the others (deleted or moved away since REF) need the rules themselves
    at_head = {m.path: (name, m.is_package) for name, m in head.modules.items() if m.path}
    located = {p: at_head[p] for p in wanted if p in at_head}
    others = [p for p in wanted if p not in at_head]
    if others:
        roots = _source_roots(head)
        packages = {name.split(".")[0] for name in head.modules}
        skips = walk_skips(root, exclude)  # `exclude`: the config's
        located.update({p: m for p in others if (m := module_for_path(p, roots, packages, skips)) is not None})
    cache = ParseCache(cache_dir) if cache_dir is not None else None
    try:
        facts, written = _facts_at_ref(base, located, changes, scratch, cache, cache_dir, jobs, write_files)
    finally:
        if cache is not None:
            cache.close()
    edits_only = (
        all(c.status == "M" for c in changes)
        and set(facts) == {c.path for c in changes if c.path in located}
        and all(f.module in head.modules for f in facts.values())
    )
    if edits_only:
        # the module set is unchanged: resolve only the edited files again, if their imports changed
        same = with_unchanged_imports(head, facts.values())
        return same if same is not None else replace_files(head, facts.values()), written
    changed = {c.path for c in changes if c.status != "D"}
    by_path: dict[str, FileFacts] = {f.path: f for f in head.facts.values() if f.path not in changed}
    by_path.update(facts)
    namespace = [m.name for m in head.modules.values() if not m.path]
    graph = build_import_graph(by_path.values(), include_external=True, namespace_packages=namespace)
    return graph, written


def _facts_at_ref(
    base: BaseRef,
    located: dict[str, tuple[str, bool]],
    changes: Sequence[Change],
    scratch: Path,
    cache: ParseCache | None,
    cache_dir: Path | None,
    jobs: int | None,
    write_files: bool,
) -> tuple[dict[str, FileFacts], list[str]]:
    """The facts of REF's versions of the `located` modules (path -> (module, is_package)),
    and the paths written below `scratch` (with `write_files`). A version whose content hash
    is kept for this commit, and whose facts the cache holds, is not read from git."""
    from auditor.security.suffixes import SUFFIXES

    # changed files the security rules scan that are no module (scripts, templates): written too,
    # so semgrep compares them like for like; never parsed
    scanned_only = sorted(
        {c.old_path for c in changes if c.old_path and c.old_path.endswith(SUFFIXES)} - set(located)
    )
    extra = read_blobs(base, scanned_only) if write_files and scanned_only else {}
    for path, data in extra.items():
        (scratch / path).parent.mkdir(parents=True, exist_ok=True)
        (scratch / path).write_bytes(data)

    def parse(known: dict[str, str]) -> tuple[dict[str, FileFacts], dict[str, bytes]]:
        """Facts of every located module, read from git but those of `known` (path -> content
        hash whose facts the cache holds); and the contents read (modules missing at REF left out)."""
        blobs = read_blobs(base, sorted(p for p in located if p not in known))
        files: list[SourceFile] = []
        for path in sorted([*blobs, *known]):
            target = scratch / path
            if write_files and path in blobs:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(blobs[path])
            module, is_package = located[path]
            files.append(SourceFile(path, str(target), module, is_package))
        hashed = hash_sources(blobs)  # from memory: REF's contents never touch a stat cache
        hashed = HashedFiles({**hashed.hashes, **known}, hashed.sources, hashed.errors)
        facts, _errors = parse_files(scratch, files, cache=cache, jobs=jobs, hashed=hashed)
        kept.keep_hashes({p: hashed.hashes[p] for p in blobs if p in facts})  # the cache now holds those
        return facts, blobs

    kept = CommitFiles(base, cache_dir)
    known: dict[str, str] = {}
    if cache is not None and not write_files:
        hashes = {p: h for p in located if (h := kept.hashes.get(p)) is not None}
        stored = cache.get_many(hashes.values()) if hashes else {}
        known = {p: h for p, h in hashes.items() if h in stored}
    facts, read = parse(known)
    if known and any(p not in facts for p in known):  # a damaged facts entry: read them after all
        known = {}
        facts, read = parse(known)
    if cache is not None:
        kept.save()
    # what semgrep scans on the base side (written below `scratch` when it runs)
    return facts, sorted([*read, *known, *extra])
