"""A discovery reused while nothing it looked at changed (like git's untracked cache).

A walk records what its result depends on: the directories whose entries it read (adding,
removing or renaming an entry changes a directory's mtime and ctime) and the `.gitignore`
files it read. The next run stats those paths; if every signature is unchanged, and none is
racy (changed just before the walk, when a later change could keep the same timestamp),
the stored result is used without walking or matching ignore patterns (support.filestat has
the signatures and the racy rule). A walk that met a
symlink is not stored (its target could change without any watched path changing).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from auditor.discover.model import Discovery, SourceFile
from auditor.discover.walk import discover
from auditor.domain import AnalysisError
from auditor.domain.digest import sha256
from auditor.support import filestat, inputs

SNAPSHOT_VERSION = 3  # bump when the walk's rules change (2: folders without __init__; 3: unnamed .py listed)


class DiscoveryStore(Protocol):
    def get_discovery(self, key: str) -> str | None: ...

    def put_discovery(self, key: str, text: str) -> None: ...


def _key(root: Path, packages: Sequence[str], source_roots: Sequence[str], exclude: Sequence[str]) -> str:
    payload = [SNAPSHOT_VERSION, str(root), list(packages), list(source_roots), list(exclude)]
    return sha256(json.dumps(payload).encode()).hexdigest()


def _encode(found: Discovery, checked_ns: int) -> str:
    watched = [*found.watched_dirs, *found.watched_files]
    return json.dumps(
        {
            "checked_ns": checked_ns,
            "watched": {path: filestat.signature_of(path) for path in watched},
            "files": [[f.rel_path, f.abs_path, f.module, f.is_package] for f in found.files],
            "packages": found.packages,
            "source_roots": found.source_roots,
            "errors": [[e.path, e.message] for e in found.errors],
            "namespace_packages": found.namespace_packages,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _still_valid(data: dict[str, Any]) -> bool:
    checked_ns = int(data["checked_ns"])
    for path, recorded in data["watched"].items():
        current = filestat.signature_of(path)
        if (list(current) if current is not None else None) != recorded:
            return False
        if current is not None and not filestat.settled(current, checked_ns):
            return False  # racy: changed too close to the walk to trust its timestamps
    return True


def _decode(root: Path, text: str) -> Discovery | None:
    try:
        data = inputs.loads_cache_entry(text)
        if not _still_valid(data):
            return None
        return Discovery(
            root,
            [
                SourceFile(str(rel), str(path), str(module), bool(pkg))
                for rel, path, module, pkg in data["files"]
            ],
            tuple(data["packages"]),
            tuple(data["source_roots"]),
            [AnalysisError(str(path), str(message)) for path, message in data["errors"]],
            tuple(data["namespace_packages"]),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # a damaged entry: walk again


def discover_cached(
    root: Path,
    store: DiscoveryStore | None,
    *,
    packages: Sequence[str] = (),
    source_roots: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Discovery:
    """`discover(...)`, served from `store` while nothing the last walk looked at changed."""
    if store is None:
        return discover(root, packages=packages, source_roots=source_roots, exclude=exclude)
    root = Path(root).absolute()
    key = _key(root, packages, source_roots, exclude)
    stored = store.get_discovery(key)
    if stored is not None:
        found = _decode(root, stored)
        if found is not None:
            return found
    checked_ns = time.time_ns()  # before the walk: anything changed later is newer than this
    found = discover(root, packages=packages, source_roots=source_roots, exclude=exclude)
    if found.cacheable:
        store.put_discovery(key, _encode(found, checked_ns))
    return found
