"""Worker processes that parse many files at once, and the one-file-at-a-time fallback.

A cold run starts its pool before it walks and hashes the tree (`ParsePool.start`): each worker
imports libcst (about 0.2 s of CPU) while the parent is still busy, instead of after it.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from auditor.domain import AnalysisError
from auditor.parse import serialize
from auditor.parse.hashing import content_hash

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from auditor.parse.progress import RichProgress

# Below this many files to parse, a process pool costs more than it saves. Measured on Django
# files, 2 busy cores, fork start: 48 files serial 0.17 s / pool 0.33 s; 128 files 1.90 / 1.94;
# 256 files 4.3 / 3.9. On idle cores the crossover is lower, hence 64.
SERIAL_BELOW = 64
ERROR_KEY = "error"
GC_YOUNG_THRESHOLD = 20_000  # a worker's first-generation threshold (see _import_parser)

Job = tuple[str, str, bool, bytes]  # rel_path, module, is_package, source
Outcome = tuple[str, str, str]  # rel_path, serialised facts or error text, content hash


def parse_chunk(jobs: Sequence[Job]) -> list[Outcome]:
    """Parse `jobs` one after the other (in a worker, or in this process)."""
    from auditor.parse.source import parse_source, run_with_big_stack  # lazy: only to parse

    def work() -> list[Outcome]:
        out: list[Outcome] = []
        for rel, module, is_package, source in jobs:
            result = parse_source(source, path=rel, module=module, is_package=is_package)
            if isinstance(result, AnalysisError):
                out.append((rel, json.dumps({ERROR_KEY: result.message}), content_hash(source)))
            else:
                out.append((rel, serialize.dumps(result), result.content_hash))
        return out

    return run_with_big_stack(work)


def _import_parser() -> None:
    """A worker's first task: load libcst and the parser while the parent walks and hashes;
    then leave what is loaded out of the garbage collector's passes, and run them less often.
    A parse makes hundreds of thousands of short-lived objects, freed by reference counting;
    the default thresholds walk the young ones every 700 allocations. Measured in one process
    on Django's files (4 alternating rounds, CPU s): 2.04 by default, 1.79 so tuned."""
    import gc

    import libcst  # noqa: F401

    import auditor.parse.source  # noqa: F401

    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 50, 100)


def _chunks(jobs: list[Job], workers: int) -> Iterator[list[Job]]:
    """Chunks of similar total size, biggest files first, so no worker is left with the tail."""
    ordered = sorted(jobs, key=lambda job: len(job[3]), reverse=True)
    budget = max(1, sum(len(job[3]) for job in ordered) // (workers * 6))
    chunk: list[Job] = []
    size = 0
    for job in ordered:
        chunk.append(job)
        size += len(job[3])
        if size >= budget:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class ParsePool:
    """`workers` processes, started on first use or early with `start()`; close() ends them."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    def start(self) -> ParsePool:
        if self._executor is None:
            import multiprocessing  # lazy: a warm run parses nothing and never needs a pool
            from concurrent.futures import ProcessPoolExecutor

            # fork is the cheapest start on Linux, but only safe in a process with one thread: a
            # child forked while another thread holds a lock (imports, stdio) waits forever
            # (`auditor mcp` parses in a worker thread beside the protocol's reader threads)
            single = threading.active_count() == 1
            method = ("fork" if single else "forkserver") if sys.platform == "linux" else None
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_import_parser,
            )
            self._executor.submit(int)  # starts the workers (all of them, under fork) now
        return self

    def run(self, jobs: list[Job]) -> list[Outcome]:
        """Parse `jobs` in the workers; on SIGINT / SIGTERM the workers are killed, not waited for."""
        executor = self.start()._executor
        assert executor is not None
        outcomes: list[Outcome] = []
        futures: list[Future[list[Outcome]]] = [
            executor.submit(parse_chunk, c) for c in _chunks(jobs, self.workers)
        ]
        try:
            with _progress(len(jobs)) as advance:
                for future in futures:
                    chunk = future.result()
                    outcomes.extend(chunk)
                    advance(len(chunk))
        except BaseException:
            self.kill()
            raise
        return outcomes

    def kill(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = dict(getattr(executor, "_processes", None) or {})  # pid -> Process (CPython)
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes.values():
            process.kill()  # SIGKILL: forked workers inherit the SIGTERM-raises handler

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            self.kill()  # an error, SIGINT or SIGTERM: nothing more is wanted of the workers
        else:
            self.close()


def parse_jobs(jobs: list[Job], *, workers: int, pool: ParsePool | None) -> list[Outcome]:
    """Parse `jobs` in `pool` when it was started early, else in a pool of `workers` when
    there are enough of them to pay for one, else here."""
    if not jobs:
        return []
    if pool is not None and pool.started:
        return pool.run(jobs)
    if workers == 1 or len(jobs) < SERIAL_BELOW:
        return parse_chunk(jobs)
    with ParsePool(workers) as fresh:
        return fresh.run(jobs)


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
