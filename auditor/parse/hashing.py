"""Content hashes of the discovered files, without reading the files that did not change.

Like git's index, the cache records each file's stat signature next to the content hash it
had. A file whose signature is unchanged and settled (support.filestat: the racy-timestamp
rule) keeps its hash without being read; any other file is read and hashed again, and recorded
with a later check time, which makes it trustworthy from the next run on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from auditor.discover.model import SourceFile
from auditor.domain import AnalysisError
from auditor.domain.digest import blake2b
from auditor.parse.cache import ParseCache
from auditor.support import filestat

MAX_FILE_BYTES = 10 * 1024 * 1024  # files above this are reported, not parsed
_TOO_LARGE = f"file is larger than {MAX_FILE_BYTES // 2**20} MB; skipped"


def content_hash(source: bytes) -> str:
    return blake2b(source, digest_size=16).hexdigest()


@dataclass(slots=True)
class HashedFiles:
    """The content hash of every readable file, and the bytes of those read in this run."""

    hashes: dict[str, str] = field(default_factory=dict)  # rel_path -> content hash
    sources: dict[str, bytes] = field(default_factory=dict)  # rel_path -> bytes (read this run)
    errors: list[AnalysisError] = field(default_factory=list)  # unreadable or too large


def _signature_text(sig: filestat.Signature) -> str:
    return ":".join(map(str, sig))


def read_source(f: SourceFile, errors: list[AnalysisError]) -> bytes | None:
    """The file's bytes, or None with an error recorded (unreadable, or over the size limit)."""
    try:
        with open(f.abs_path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        errors.append(AnalysisError(f.rel_path, f"cannot read: {exc.strerror or exc}"))
        return None
    if len(data) > MAX_FILE_BYTES:
        errors.append(AnalysisError(f.rel_path, _TOO_LARGE))
        return None
    return data


def hash_sources(sources: Mapping[str, bytes]) -> HashedFiles:
    """HashedFiles for contents already in memory (e.g. read from git), by rel_path."""
    out = HashedFiles()
    for rel, data in sources.items():
        if len(data) > MAX_FILE_BYTES:
            out.errors.append(AnalysisError(rel, _TOO_LARGE))
            continue
        out.hashes[rel] = content_hash(data)
        out.sources[rel] = data
    return out


def hash_files(directory: str, files: Sequence[SourceFile], cache: ParseCache | None) -> HashedFiles:
    """Hashes of `files` (all below `directory`); unchanged files are not read when `cache` has
    their signature. Newly taken hashes are recorded in the cache."""
    out = HashedFiles()
    recorded = cache.file_stats(directory) if cache is not None else {}
    fresh: list[tuple[str, str, str, int]] = []
    for f in files:
        path = f.abs_path
        try:
            st = os.stat(path)
        except OSError:
            st = None  # read_source reports why
        if st is not None:
            sig = filestat.signature(st)
            signature = _signature_text(sig)
            known = recorded.get(path)
            if known is not None and known[0] == signature and filestat.settled(sig, known[2]):
                out.hashes[f.rel_path] = known[1]
                continue
        checked_ns = time.time_ns()
        data = read_source(f, out.errors)
        if data is None:
            continue
        digest = content_hash(data)
        out.hashes[f.rel_path] = digest
        out.sources[f.rel_path] = data
        if st is not None and cache is not None:
            fresh.append((path, signature, digest, checked_ns))
    if cache is not None:
        # rows of deleted files go; files of another package selection under the same root stay
        current = {f.abs_path for f in files}
        gone = [p for p in recorded if p not in current and not os.path.exists(p)]
        cache.put_file_stats(fresh, forget=gone)
    return out
