"""Which commit each line comes from: `git blame --porcelain`, in parallel, cached in SQLite.

The working-tree content is blamed (`--contents -`), so lines not committed yet come out with
the all-zero commit. Results are cached in `<cache_dir>/blame.sqlite` under the key
(path, id of the blamed content, id of the HEAD blob of the path, blame options + shallow state).

Assumption, documented: for a given path, the same HEAD blob means the same history. That
is false only after a history rewrite that keeps the file byte-identical but changes which
commit introduced its lines (rare); `--no-cache` or deleting the file recovers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from auditor.attribution.gitcmd import Git, GitCommandFailed
from auditor.domain.errors import ConfigError
from auditor.support.sqlitedb import SqliteDb

_HEADER = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64}) (\d+) (\d+)(?: (\d+))?$")
_ALLOWED_OPTION = re.compile(r"^-(w|M\d*|C{1,3}\d*)$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS blame_v1 (
    path TEXT NOT NULL,
    content_id TEXT NOT NULL,
    head_blob TEXT NOT NULL,
    options TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (path, content_id, head_blob, options)
);
CREATE TABLE IF NOT EXISTS commits_v1 (
    sha TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
"""


class BlamedLine(NamedTuple):
    """One line of `git blame` (a named tuple: a warm run rebuilds tens of thousands of them)."""

    commit: str  # full sha; all zeros when not committed yet
    orig_line: int  # line number in `commit`'s version of the file
    orig_path: str  # toplevel-relative path in `commit`


@dataclass(frozen=True, slots=True)
class BlameRequest:
    path: str  # toplevel-relative
    content: bytes  # working-tree bytes to blame
    content_id: str
    head_blob: str

    def key(self, options: str) -> tuple[str, str, str, str]:
        return (self.path, self.content_id, self.head_blob, options)


def validate_options(options: Sequence[str]) -> tuple[str, ...]:
    """Only -w, -M[n], -C[n] (up to -CCC) are accepted: the options that change attribution."""
    for option in options:
        if not _ALLOWED_OPTION.match(option):
            raise ConfigError(
                f"attribution.blame_options: unsupported option {option!r} (allowed: -w, -M, -C)"
            )
    return tuple(options)


def blob_id(content: bytes, like: str) -> str:
    """The git blob id of `content`, in the hash of the repository (sha1, or sha256 for 64 hex)."""
    algo = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return algo(b"blob %d\0" % len(content) + content).hexdigest()


def parse_porcelain(output: bytes) -> list[BlamedLine]:
    """Lines of `git blame --porcelain` output, in final-line order."""
    lines: list[BlamedLine] = []
    filenames: dict[str, str] = {}
    current: tuple[str, int] | None = None
    group_file: str | None = None
    for raw in output.split(b"\n"):
        if raw.startswith(b"\t"):
            if current is None:
                raise ValueError("content line before a header")
            sha, orig = current
            path = group_file if group_file is not None else filenames.get(sha, "")
            lines.append(BlamedLine(sha, orig, path))
            current = None
            continue
        text = raw.decode("utf-8", "surrogateescape")
        if current is None:
            found = _HEADER.match(text)
            if found:
                current = (found.group(1), int(found.group(2)))
                if found.group(4) is not None:  # first line of a group: a filename follows
                    group_file = None
                continue
            if text:
                raise ValueError(f"unexpected blame output: {text[:60]!r}")
            continue
        if text.startswith("filename "):
            group_file = _unquote(text[len("filename ") :])
            filenames[current[0]] = group_file
    return lines


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of unusual file names."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    body = name[1:-1].encode("latin-1", "backslashreplace")
    return body.decode("unicode_escape").encode("latin-1").decode("utf-8", "surrogateescape")


def _encode(lines: Sequence[BlamedLine]) -> str:
    commits: dict[str, int] = {}
    paths: dict[str, int] = {}
    rows = []
    for line in lines:
        c = commits.setdefault(line.commit, len(commits))
        p = paths.setdefault(line.orig_path, len(paths))
        rows.append([c, line.orig_line, p])
    return json.dumps({"c": list(commits), "p": list(paths), "l": rows}, separators=(",", ":"))


def _decode(data: str) -> list[BlamedLine]:
    raw = json.loads(data)
    commits, paths = raw["c"], raw["p"]
    return [BlamedLine(commits[c], o, paths[p]) for c, o, p in raw["l"]]


class BlameCache:
    """Blame results by key, in SQLite; a no-op when `path` is None (--no-cache)."""

    def __init__(self, path: Path | None) -> None:
        self.db = SqliteDb(path, SCHEMA) if path is not None else None

    @property
    def warnings(self) -> list[str]:
        return self.db.warnings if self.db else []

    def get_many(
        self, keys: Iterable[tuple[str, str, str, str]]
    ) -> dict[tuple[str, str, str, str], list[BlamedLine]]:
        found: dict[tuple[str, str, str, str], list[BlamedLine]] = {}
        if self.db is None:
            return found
        for key in keys:
            row = self.db.conn.execute(
                "SELECT data FROM blame_v1 WHERE path=? AND content_id=? AND head_blob=? AND options=?",
                key,
            ).fetchone()
            if row is not None:
                try:
                    found[key] = _decode(row[0])
                except (ValueError, KeyError, IndexError, TypeError):
                    continue  # a damaged row is re-blamed and overwritten
        return found

    def put_many(self, items: Mapping[tuple[str, str, str, str], Sequence[BlamedLine]]) -> None:
        if self.db is None or not items:
            return
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO blame_v1 VALUES (?, ?, ?, ?, ?)",
                [(*key, _encode(lines)) for key, lines in items.items()],
            )

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


@dataclass(frozen=True, slots=True)
class BlameResult:
    lines: dict[str, list[BlamedLine]]  # toplevel path -> lines
    errors: dict[str, str]  # toplevel path -> reason
    blamed: int  # how many files git blame ran on (the rest came from the cache)


def blame_files(
    git: Git,
    requests: Sequence[BlameRequest],
    options: Sequence[str],
    cache: BlameCache,
    options_key: str,
    jobs: int,
) -> BlameResult:
    """Blame every request not in the cache, `jobs` git processes at a time."""
    keyed = {req.key(options_key): req for req in requests}
    cached = cache.get_many(keyed)
    todo = [req for key, req in keyed.items() if key not in cached]
    fresh: dict[tuple[str, str, str, str], list[BlamedLine]] = {}
    errors: dict[str, str] = {}

    def one(req: BlameRequest) -> tuple[BlameRequest, list[BlamedLine] | str]:
        try:
            out = git.run(
                "blame", "--porcelain", *options, "--contents", "-", "--", req.path, input=req.content
            )
            return req, parse_porcelain(out)
        except (GitCommandFailed, ValueError) as exc:
            return req, str(exc)

    if todo:
        from concurrent.futures import ThreadPoolExecutor  # lazy: only when files need blaming

        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
            for req, result in pool.map(one, todo):
                if isinstance(result, str):
                    errors[req.path] = result
                else:
                    fresh[req.key(options_key)] = result
        cache.put_many(fresh)
    lines = {key[0]: value for key, value in {**cached, **fresh}.items()}
    return BlameResult(lines, errors, len(todo))
