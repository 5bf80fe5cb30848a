"""sha1, sha256 and blake2b from CPython's own implementations when it has them.

`import hashlib` loads OpenSSL (about 2 ms of every run's start-up) for digests that CPython's
built-in `_sha1`, `_sha2` / `_sha256` and `_blake2` modules give identically; `hashlib` is the fallback
where a build lacks them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any


def _builtin(name: str, *modules: str) -> Any:
    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    import hashlib

    return getattr(hashlib, name)


if TYPE_CHECKING:
    from hashlib import blake2b, sha1, sha256
else:
    sha1 = _builtin("sha1", "_sha1")  # git's object ids
    sha256 = _builtin("sha256", "_sha2", "_sha256")  # _sha2 from Python 3.12
    blake2b = _builtin("blake2b", "_blake2")

__all__ = ["blake2b", "sha1", "sha256"]
