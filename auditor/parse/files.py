"""Parse many files: read and hash them, serve what the cache has, parse the rest in parallel.

A full cache hit never imports libcst (the parser is imported lazily by the workers).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.discover.model import SourceFile
from auditor.domain import AnalysisError, FileFacts
from auditor.parse import serialize
from auditor.parse.cache import ParseCache
from auditor.parse.hashing import HashedFiles, content_hash, hash_files, read_source
from auditor.support import inputs

if TYPE_CHECKING:
    from concurrent.futures import Future

    from auditor.parse.progress import RichProgress

# Below this many files to parse, a process pool costs more than it saves. Measured on Django
# files, 2 busy cores, fork start: 48 files serial 0.17 s / pool 0.33 s; 128 files 1.90 / 1.94;
# 256 files 4.3 / 3.9. On idle cores the crossover is lower, hence 64.
SERIAL_BELOW = 64
_ERROR_KEY = "error"

_Job = tuple[str, str, bool, bytes]  # rel_path, module, is_package, source
_Outcome = tuple[str, str, str]  # rel_path, serialised facts or error text, content hash


def _parse_chunk(jobs: Sequence[_Job]) -> list[_Outcome]:
    from auditor.parse.source import parse_source, run_with_big_stack  # lazy: only to parse

    def work() -> list[_Outcome]:
        out: list[_Outcome] = []
        for rel, module, is_package, source in jobs:
            result = parse_source(source, path=rel, module=module, is_package=is_package)
            if isinstance(result, AnalysisError):
                out.append((rel, json.dumps({_ERROR_KEY: result.message}), content_hash(source)))
            else:
                out.append((rel, serialize.dumps(result), result.content_hash))
        return out

    return run_with_big_stack(work)


def _chunks(jobs: list[_Job], workers: int) -> Iterator[list[_Job]]:
    """Chunks of similar total size, biggest files first, so no worker is left with the tail."""
    ordered = sorted(jobs, key=lambda job: len(job[3]), reverse=True)
    budget = max(1, sum(len(job[3]) for job in ordered) // (workers * 6))
    chunk: list[_Job] = []
    size = 0
    for job in ordered:
        chunk.append(job)
        size += len(job[3])
        if size >= budget:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _run_pool(jobs: list[_Job], workers: int) -> list[_Outcome]:
    import multiprocessing  # lazy: a warm run parses nothing and never needs a pool
    from concurrent.futures import ProcessPoolExecutor

    # fork is the cheapest start on Linux, but only safe in a process with one thread: a child
    # forked while another thread holds a lock (imports, stdio) waits forever (`auditor mcp`
    # parses in a worker thread beside the protocol's reader threads)
    single = threading.active_count() == 1
    method = ("fork" if single else "forkserver") if sys.platform == "linux" else None
    context = multiprocessing.get_context(method)
    outcomes: list[_Outcome] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: list[Future[list[_Outcome]]] = [pool.submit(_parse_chunk, c) for c in _chunks(jobs, workers)]
        try:
            with _progress(len(jobs)) as advance:
                for future in futures:
                    chunk = future.result()
                    outcomes.extend(chunk)
                    advance(len(chunk))
        except BaseException:  # SIGINT / SIGTERM: stop the workers instead of parsing everything first
            processes = dict(getattr(pool, "_processes", None) or {})  # pid -> Process (CPython)
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes.values():
                process.kill()  # SIGKILL: forked workers inherit the SIGTERM-raises handler
            raise
    return outcomes


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, n: int) -> None:
        return None


def _progress(total: int) -> _NoProgress | RichProgress:
    if not sys.stderr.isatty() or total < SERIAL_BELOW:
        return _NoProgress()
    from auditor.parse.progress import RichProgress  # lazy: rich only on a terminal

    return RichProgress(total)


def facts_texts(
    files: Sequence[SourceFile],
    hashed: HashedFiles,
    *,
    cache: ParseCache | None,
    jobs: int | None,
) -> tuple[dict[str, str], list[AnalysisError]]:
    """Serialised facts by rel_path (cached, else parsed now), and an error for each file that
    did not parse. Errors of `hashed` (unreadable files) are not repeated."""
    by_rel = {f.rel_path: f for f in files}
    cached = cache.get_many(hashed.hashes.values()) if cache is not None else {}
    texts: dict[str, str] = {}
    errors: list[AnalysisError] = []
    todo: list[_Job] = []
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
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    if workers == 1 or len(todo) < SERIAL_BELOW:
        outcomes = _parse_chunk(todo) if todo else []
    else:
        outcomes = _run_pool(todo, workers)
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
                errors.append(AnalysisError(rel, str(inputs.loads_cache_entry(text)[_ERROR_KEY])))
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
) -> tuple[dict[str, FileFacts], dict[str, str], list[AnalysisError]]:
    """FileFacts and their serialised form by rel_path, and the files that did not parse.

    Errors of `hashed` (unreadable files) are not repeated. A damaged cache entry is parsed
    again and overwritten.
    """
    texts, errors = facts_texts(files, hashed, cache=cache, jobs=jobs)
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
