"""Parse many files: read and hash them, serve what the cache has, parse the rest in parallel.

A full cache hit never imports libcst (the parser is imported lazily by the workers).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.discover.model import SourceFile
from auditor.domain import AnalysisError, FileFacts
from auditor.parse import serialize
from auditor.parse.cache import ParseCache
from auditor.parse.source import MAX_FILE_BYTES, content_hash, parse_source, run_with_big_stack

if TYPE_CHECKING:
    from auditor.parse.progress import RichProgress

# Below this many files to parse, a process pool costs more than it saves. Measured on Django
# files, 2 busy cores, fork start: 48 files serial 0.17 s / pool 0.33 s; 128 files 1.90 / 1.94;
# 256 files 4.3 / 3.9. On idle cores the crossover is lower, hence 64.
SERIAL_BELOW = 64
_ERROR_KEY = "error"

_Job = tuple[str, str, bool, bytes]  # rel_path, module, is_package, source
_Outcome = tuple[str, str, str]  # rel_path, serialised facts or error text, content hash


def _parse_chunk(jobs: Sequence[_Job]) -> list[_Outcome]:
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


def _read(root: Path, files: Sequence[SourceFile]) -> tuple[dict[str, bytes], list[AnalysisError]]:
    sources: dict[str, bytes] = {}
    errors: list[AnalysisError] = []
    for f in files:
        try:
            with open(f.abs_path, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            errors.append(AnalysisError(f.rel_path, f"cannot read: {exc.strerror or exc}"))
            continue
        if len(data) > MAX_FILE_BYTES:
            errors.append(
                AnalysisError(f.rel_path, f"file is larger than {MAX_FILE_BYTES // 2**20} MB; skipped")
            )
            continue
        sources[f.rel_path] = data
    return sources, errors


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
    method = "fork" if sys.platform == "linux" else None
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


def _accept(f: SourceFile, text: str, facts: dict[str, FileFacts], errors: list[AnalysisError]) -> None:
    """Record one serialised outcome: facts, or an error stored as {"error": message}."""
    if text.startswith("{"):
        errors.append(AnalysisError(f.rel_path, json.loads(text)[_ERROR_KEY]))
    else:
        facts[f.rel_path] = serialize.loads(text, path=f.rel_path, module=f.module, is_package=f.is_package)


def parse_files(
    root: Path,
    files: Sequence[SourceFile],
    *,
    cache: ParseCache | None,
    jobs: int | None,
) -> tuple[dict[str, FileFacts], list[AnalysisError]]:
    """FileFacts by rel_path for every file that could be analysed, and an error for each other."""
    sources, errors = _read(root, files)
    by_rel = {f.rel_path: f for f in files}
    hashes = {rel: content_hash(data) for rel, data in sources.items()}
    cached = cache.get_many(hashes.values()) if cache is not None else {}
    facts: dict[str, FileFacts] = {}
    todo: list[_Job] = []
    for rel, digest in hashes.items():
        f = by_rel[rel]
        text = cached.get(digest)
        if text is not None:
            try:
                _accept(f, text, facts, errors)
                continue
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                pass  # a damaged or foreign cache entry: parse the file again and overwrite it
        todo.append((rel, f.module, f.is_package, sources[rel]))
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    if workers == 1 or len(todo) < SERIAL_BELOW:
        outcomes = _parse_chunk(todo) if todo else []
    else:
        outcomes = _run_pool(todo, workers)
    new_entries: dict[str, str] = {}
    for rel, text, digest in outcomes:
        new_entries[digest] = text
        _accept(by_rel[rel], text, facts, errors)
    if cache is not None:
        cache.put_many(new_entries)
    errors.sort(key=lambda e: (e.path, e.message))
    return dict(sorted(facts.items())), errors
