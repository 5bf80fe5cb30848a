"""The one reader of files and JSON that come from the audited repository, bounded.

Agent Trace records, git-ai note metadata, the baseline, the cache entries and the TOML
configuration are all read here, because each is attacker-controlled when the repository is
(a cache can be committed):
- a file is stat-ed before it is opened: anything but a regular file (a fifo, a device,
  `/dev/zero` through a symlink, a directory) is refused without opening it, and so is a file
  larger than the caller's `max_bytes`; the read itself stops at `max_bytes` too (a file that
  grows meanwhile, a /proc file that claims size 0);
- a document nested deeper than MAX_DEPTH levels is refused before it is parsed: the C parser
  recurses once per level, and a few hundred KB of `[` ended the run in RecursionError.
Both refusals are ValueErrors with one-line messages, so callers that already turn malformed
JSON into a warning or a `file:line` error handle them the same way. Cache entries, decoded by
the thousand, use `loads_cache_entry` (the parser's own recursion guard, as a ValueError).
"""

from __future__ import annotations

import json
import os
import re
import stat
from itertools import accumulate, repeat
from pathlib import Path
from typing import Any

MAX_DEPTH = 64  # documents auditor reads are 3-8 levels deep

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(c for c in range(256) if c not in b"[]{}")
_AS_STEP = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")
_CHUNK = 1 << 20


class RefusedInput(ValueError):
    """A file auditor will not read: not a regular file, or over the size limit."""


class JsonTooDeep(ValueError):
    """A JSON document nested deeper than the limit."""


def megabytes(size: int) -> str:
    return f"{size / (1 << 20):g} MB" if size >= 1 << 20 else f"{size:,} bytes"


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a fifo"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def read_bounded(path: Path | str, *, max_bytes: int) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `max_bytes` of them.

    RefusedInput for anything else; OSError (FileNotFoundError, PermissionError) as usual.
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise RefusedInput(f"not a regular file ({_kind(st.st_mode)}); not read")
    if st.st_size > max_bytes:
        raise RefusedInput(f"larger than {megabytes(max_bytes)} ({megabytes(st.st_size)}); not read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):  # swapped between the stat and the open
            raise RefusedInput(f"not a regular file ({_kind(opened.st_mode)}); not read")
        chunks, total = [], 0
        while total <= max_bytes:  # in chunks: read(max_bytes) would allocate all of it at once
            chunk = handle.read(min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    if total > max_bytes:  # it grew since the stat, or claims size 0 (/proc)
        raise RefusedInput(f"larger than {megabytes(max_bytes)}; not read")
    return b"".join(chunks)


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether `text`'s arrays and objects nest deeper than `limit` (brackets inside strings
    do not count). Linear, no recursion: the running depth over the brackets alone, chunk by
    chunk, stopping at the first chunk that goes past the limit."""
    if text.count("[") + text.count("{") <= limit:
        return False  # not enough brackets to be deeper
    brackets = _STRING.sub("", text).encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKET)
    if b"[" * (limit + 1) in brackets or b"{" * (limit + 1) in brackets:
        return True  # the usual bomb, found in one pass
    steps = brackets.translate(_AS_STEP)  # 2 opens, 0 closes: minus 1 is the step
    depth = 0
    for start in range(0, len(steps), _CHUNK):
        levels = list(accumulate(map(int.__sub__, steps[start : start + _CHUNK], repeat(1)), initial=depth))
        if max(levels) > limit:
            return True
        depth = levels[-1]
    return False


def loads(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads, refusing documents nested deeper than `max_depth` (JsonTooDeep)."""
    if too_deep(text, max_depth):
        raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels; not read")
    try:
        return json.loads(text)
    except RecursionError:  # a deep stack already: the limit was not low enough here
        raise JsonTooDeep(f"JSON nested deeper than this run can parse (limit {max_depth}); not read") from None


def loads_cache_entry(text: str) -> Any:
    """json.loads for auditor's own cache entries, read thousands at a time: no pre-scan (it
    would cost more than the parse), but a planted entry nested past the parser's recursion
    guard is JsonTooDeep, a ValueError the caches already treat as a damaged entry to rebuild."""
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonTooDeep("cache entry nested too deeply; not read") from None


def read_json(path: Path | str, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """A JSON document from a file: `read_bounded`, then `loads` (UTF-8; errors are ValueErrors)."""
    return loads(read_bounded(path, max_bytes=max_bytes).decode("utf-8"), max_depth=max_depth)
