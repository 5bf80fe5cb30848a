"""Some files of a base commit, read from git once and kept in the cache folder.

A commit's files never change, so what a pre-merge check reads of REF is kept under the commit
id and the audited root's place in the repository: the listing of its configuration, pack and
baseline files with their contents, and the content hash of each changed module (its facts are
in the facts cache under that hash). A later run against the same commit asks git nothing for
them; another commit has another entry. An entry that cannot be read back exactly (damaged,
another shape, another hash scheme) is ignored and read from git again.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from auditor.domain.digest import sha256
from auditor.domain.errors import AuditorError
from auditor.index.git_ref import BaseRef
from auditor.parse.hashing import content_hash
from auditor.support.inputs import RefusedInput, loads_cache_entry, read_bounded
from auditor.support.safe_files import ensure_owned_dir, write_file

FOLDER = "ref-files"
KEPT_COMMITS = 32  # entries kept (the most recently written); older ones are removed
MAX_KEPT_BYTES = 4 * 1024 * 1024  # contents kept per commit; more: the listing only
MAX_ENTRY_BYTES = 2 * MAX_KEPT_BYTES  # an entry read back (base64 and JSON around the contents)
SCHEME = content_hash(b"")  # kept hashes are of this scheme (the facts cache's); another: unused


class CommitFiles:
    """Files of `base.commit` below the audited root: a listing, contents (None: missing at
    the commit) and content hashes, from the cache folder when kept there (`cache_dir` None:
    no cache)."""

    def __init__(self, base: BaseRef, cache_dir: Path | None) -> None:
        self.base = base
        self.path = cache_dir / FOLDER / f"{base.commit}-{_digest(base.prefix)}.json" if cache_dir else None
        self._cache_dir = cache_dir
        self.names: list[str] | None = None
        self.contents: dict[str, bytes | None] = {}
        self.hashes: dict[str, str] = {}  # path -> content hash (parse.hashing) at the commit
        self._changed = False
        if self.path is not None:
            self._load(self.path)

    def listing(self, list_names: Callable[[BaseRef], list[str]]) -> list[str]:
        """The kept listing, else `list_names(base)` (then kept)."""
        if self.names is None:
            self.names, self._changed = list_names(self.base), True
        return self.names

    def read(self, paths: Sequence[str], read: Callable[[BaseRef, list[str]], dict[str, bytes]]) -> dict[str, bytes]:
        """The contents of `paths` at the commit (missing ones left out); those not kept are
        read with `read(base, paths)` (one git process) and kept."""
        wanted = [p for p in paths if p not in self.contents]
        if wanted:
            found = read(self.base, wanted)
            self.contents.update({p: found.get(p) for p in wanted})
            self._changed = True
        return {p: data for p in paths if (data := self.contents.get(p)) is not None}

    def keep_hashes(self, hashes: dict[str, str]) -> None:
        """Keep the content hashes of files read at the commit (path -> content_hash)."""
        if any(self.hashes.get(p) != h for p, h in hashes.items()):
            self.hashes.update(hashes)
            self._changed = True

    def save(self) -> None:
        """Keep what was read (nothing without a cache folder or when nothing was read); a
        cache that cannot be written is not worth failing the check for."""
        if self.path is None or self._cache_dir is None or not self._changed:
            return
        size = sum(len(data) for data in self.contents.values() if data is not None)
        contents = self.contents if size <= MAX_KEPT_BYTES else {}
        entry = {
            "commit": self.base.commit,
            "prefix": self.base.prefix,
            "scheme": SCHEME,
            "names": self.names,
            "files": {p: None if d is None else base64.b64encode(d).decode("ascii") for p, d in contents.items()},
            "hashes": self.hashes,
        }
        try:
            folder = ensure_owned_dir(self._cache_dir, FOLDER)
            write_file(self.path, json.dumps(entry, separators=(",", ":")), inside=self._cache_dir)
            _prune(folder)
        except (OSError, AuditorError):
            return

    def _load(self, path: Path) -> None:
        try:
            entry = loads_cache_entry(read_bounded(path, max_bytes=MAX_ENTRY_BYTES).decode("utf-8"))
        except (OSError, RefusedInput, ValueError):
            return  # absent, damaged or not ours: read from git again
        if not _well_formed(entry) or (entry["commit"], entry["prefix"]) != (self.base.commit, self.base.prefix):
            return
        if entry["scheme"] != SCHEME:
            return
        try:
            contents = {p: None if d is None else base64.b64decode(d, validate=True) for p, d in entry["files"].items()}
        except ValueError:
            return
        self.names = None if entry["names"] is None else list(entry["names"])
        self.contents, self.hashes = contents, dict(entry["hashes"])


def _well_formed(entry: object) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("commit"), str) or not isinstance(entry.get("prefix"), str):
        return False
    names, files, hashes = entry.get("names"), entry.get("files"), entry.get("hashes")
    if names is None:
        names = []
    return (
        isinstance(entry.get("scheme"), str)
        and isinstance(names, list)
        and isinstance(files, dict)
        and isinstance(hashes, dict)
        and all(isinstance(n, str) and _relative(n) for n in (*names, *files, *hashes))
        and all(isinstance(d, str) or d is None for d in files.values())
        and all(isinstance(h, str) for h in hashes.values())
    )


def _relative(name: str) -> bool:
    """A path below the root, as git lists it (the caller writes it below a scratch folder)."""
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and "\0" not in name and all(p not in ("", ".", "..") for p in parts)


def _digest(prefix: str) -> str:
    return sha256(prefix.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _prune(folder: Path) -> None:
    """Remove the oldest entries beyond KEPT_COMMITS (a branch's bases come and go)."""
    entries = []
    with os.scandir(folder) as listing:
        for item in listing:
            if item.name.endswith(".json") and item.is_file(follow_symlinks=False):
                entries.append((item.stat(follow_symlinks=False).st_mtime_ns, item.path))
    for _, path in sorted(entries, reverse=True)[KEPT_COMMITS:]:
        try:
            os.unlink(path)
        except OSError:
            continue
