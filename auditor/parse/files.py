"""Parse many files: serve what the cache has, parse the rest in parallel (parse.pool).

A full cache hit never imports libcst (the parser is imported lazily by the workers).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from auditor.discover.model import SourceFile
from auditor.domain import AnalysisError, FileFacts
from auditor.parse import serialize
from auditor.parse.cache import ParseCache
from auditor.parse.hashing import HashedFiles, hash_files, read_source
from auditor.parse.pool import ERROR_KEY, Job, ParsePool, parse_jobs
from auditor.support import inputs


def worker_count(jobs: int | None) -> int:
    """Parse workers for `--jobs N` (None: one per core)."""
    return max(1, jobs if jobs is not None else (os.cpu_count() or 1))


def facts_texts(
    files: Sequence[SourceFile],
    hashed: HashedFiles,
    *,
    cache: ParseCache | None,
    jobs: int | None,
    pool: ParsePool | None = None,
) -> tuple[dict[str, str], list[AnalysisError]]:
    """Serialised facts by rel_path (cached, else parsed now), and an error for each file that
    did not parse. Errors of `hashed` (unreadable files) are not repeated."""
    by_rel = {f.rel_path: f for f in files}
    cached = cache.get_many(hashed.hashes.values()) if cache is not None else {}
    texts: dict[str, str] = {}
    errors: list[AnalysisError] = []
    todo: list[Job] = []
    for rel, digest in hashed.hashes.items():
        text = cached.get(digest)
        if text is not None and _well_formed(text):
            texts[rel] = text
            continue
        source = hashed.sources.get(rel)
        if source is None:  # hashed through its stat signature, so not read yet
            source = read_source(by_rel[rel], errors)
            if source is None:
                continue
        f = by_rel[rel]
        todo.append((rel, f.module, f.is_package, source))
    outcomes = parse_jobs(todo, workers=worker_count(jobs), pool=pool)
    new_entries: dict[str, str] = {}
    for rel, text, digest in outcomes:
        new_entries[digest] = text
        texts[rel] = text
    if cache is not None:
        cache.put_many(new_entries)
    return texts, errors


def _well_formed(text: str) -> bool:
    """A cache entry is a JSON array (facts) or object (a parse error); anything else is damage."""
    return text.startswith(("[", "{")) and text.endswith(("]", "}"))


def _decode_texts(
    files: Sequence[SourceFile], texts: dict[str, str]
) -> tuple[dict[str, FileFacts], list[AnalysisError], list[str]]:
    """FileFacts by rel_path from serialised facts, an error for each stored parse error, and
    the rel_paths whose entry is damaged (they must be parsed again)."""
    by_rel = {f.rel_path: f for f in files}
    facts: dict[str, FileFacts] = {}
    errors: list[AnalysisError] = []
    damaged: list[str] = []
    for rel, text in texts.items():
        f = by_rel[rel]
        try:
            if text.startswith("{"):
                errors.append(AnalysisError(rel, str(inputs.loads_cache_entry(text)[ERROR_KEY])))
            else:
                facts[rel] = serialize.loads(text, path=rel, module=f.module, is_package=f.is_package)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            damaged.append(rel)  # a damaged or foreign cache entry
    return facts, errors, damaged


def load_facts(
    files: Sequence[SourceFile],
    hashed: HashedFiles,
    *,
    cache: ParseCache | None,
    jobs: int | None,
    pool: ParsePool | None = None,
) -> tuple[dict[str, FileFacts], dict[str, str], list[AnalysisError]]:
    """FileFacts and their serialised form by rel_path, and the files that did not parse.

    Errors of `hashed` (unreadable files) are not repeated. A damaged cache entry is parsed
    again and overwritten.
    """
    texts, errors = facts_texts(files, hashed, cache=cache, jobs=jobs, pool=pool)
    facts, stored_errors, damaged = _decode_texts(files, texts)
    if damaged:
        fixed = _reparse(files, hashed, damaged, cache=cache, jobs=jobs, errors=errors)
        texts.update(fixed)
        more_facts, more_errors, _ = _decode_texts(files, fixed)
        facts.update(more_facts)
        stored_errors += more_errors
    return facts, texts, [*errors, *stored_errors]


def parse_files(
    root: Path,
    files: Sequence[SourceFile],
    *,
    cache: ParseCache | None,
    jobs: int | None,
    hashed: HashedFiles | None = None,
) -> tuple[dict[str, FileFacts], list[AnalysisError]]:
    """FileFacts by rel_path for every file that could be analysed, and an error for each other.

    `hashed`: the files' hashes when the caller has taken them already (hash_files).
    """
    if hashed is None:
        hashed = hash_files(str(root), files, cache)
    facts, _texts, errors = load_facts(files, hashed, cache=cache, jobs=jobs)
    errors = sorted([*hashed.errors, *errors], key=lambda e: (e.path, e.message))
    return dict(sorted(facts.items())), errors


def _reparse(
    files: Sequence[SourceFile],
    hashed: HashedFiles,
    rels: Sequence[str],
    *,
    cache: ParseCache | None,
    jobs: int | None,
    errors: list[AnalysisError],
) -> dict[str, str]:
    """Parse `rels` again without reading the cache (their entries were damaged) and overwrite
    their entries; the serialised facts by rel_path."""
    subset = HashedFiles(
        hashes={rel: hashed.hashes[rel] for rel in rels},
        sources={rel: hashed.sources[rel] for rel in rels if rel in hashed.sources},
    )
    texts, new_errors = facts_texts(files, subset, cache=None, jobs=jobs)
    errors.extend(new_errors)
    if cache is not None:
        cache.put_many({subset.hashes[rel]: text for rel, text in texts.items()})
    return texts
