"""Stat signatures and the racy-timestamp rule, as git's index uses them.

A signature (mtime, ctime, inode, size) that did not change means the file (or a directory's
list of entries) did not change, with one exception: a change inside the same timestamp tick
as the moment the signature was recorded can keep it. So a signature is trusted only when the
path last changed more than RACY_NS before it was recorded. ctime is part of it because
`touch -d` or `os.utime` can back-date an mtime but not a ctime. Used by the stored discovery
(discover.snapshot) and the content-hash cache (parse.hashing).
"""

from __future__ import annotations

import os

RACY_NS = 2_000_000_000  # coarser than any file system's timestamp granularity (FAT: 2 s)

Signature = tuple[int, int, int, int]  # mtime_ns, ctime_ns, inode, size


def signature(st: os.stat_result) -> Signature:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_size)


def signature_of(path: str) -> Signature | None:
    """The path's signature, None when it does not exist (or cannot be stat-ed)."""
    try:
        return signature(os.stat(path))
    except OSError:
        return None


def settled(sig: Signature, recorded_ns: int) -> bool:
    """Whether a signature recorded at `recorded_ns` (wall clock, taken before the path was
    read) can be trusted: the path's last change lies more than RACY_NS before it."""
    return max(sig[0], sig[1]) + RACY_NS < recorded_ns
