"""Which commit each line comes from: `git blame --incremental`, in parallel, cached in SQLite.

The working-tree content is blamed, so lines not committed yet come out with the all-zero
commit. A file whose content is its HEAD blob is blamed at HEAD (`git blame HEAD -- path`:
committed content, no working-tree file read, so no `.gitattributes` filter can run); only a
modified file is blamed with `--contents -` (its filters switched off by support.git). Results are cached in `<cache_dir>/blame.sqlite` under the key
(path, id of the blamed content, id of the HEAD blob of the path, blame options + shallow state).

An entry also records the HEAD it was last valid at. When HEAD has moved, the entry is used only
if every commit it names is still in HEAD's history (one `git rev-list HEAD` per run): an amend,
a reword or a rebase replaces those commits, and the file is blamed again. Commit metadata is
cached by sha (immutable); the agent table, git-ai notes and Agent Trace records are read at
every run, so nothing else can keep an old verdict.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from auditor.attribution.gitcmd import RepoInfo, head_blobs
from auditor.domain.digest import sha1, sha256
from auditor.domain.errors import ConfigError
from auditor.support import inputs
from auditor.support.git import Git, GitCommandFailed
from auditor.support.sqlitedb import SqliteDb

_HEADER = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64}) (\d+) (\d+)(?: (\d+))?$")
_ALLOWED_OPTION = re.compile(r"^-(w|M\d*|C{1,3}\d*)$")

_CHUNK = 900  # paths per SELECT: below SQLite's host-parameter limit on old builds
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
CREATE TABLE IF NOT EXISTS verdicts_v1 (
    sha TEXT NOT NULL,
    table_key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (sha, table_key)
);
CREATE TABLE IF NOT EXISTS head_blobs_v1 (
    head TEXT NOT NULL,
    path TEXT NOT NULL,
    blob TEXT NOT NULL,
    PRIMARY KEY (head, path)
);
"""


class BlamedLine(NamedTuple):
    """One line of `git blame` (a named tuple: a warm run rebuilds tens of thousands of them)."""

    commit: str  # full sha; all zeros when not committed yet
    orig_line: int  # line number in `commit`'s version of the file
    orig_path: str  # toplevel-relative path in `commit`


class BlameRun(NamedTuple):
    """`length` consecutive final lines from one commit and path, with consecutive original
    line numbers from `orig_start` (how blame output comes; a file has few runs, many lines)."""

    commit: str
    orig_start: int
    orig_path: str
    length: int

    def line(self, offset: int) -> BlamedLine:
        return BlamedLine(self.commit, self.orig_start + offset, self.orig_path)


def to_runs(lines: Sequence[BlamedLine]) -> list[BlameRun]:
    runs: list[BlameRun] = []
    for line in lines:
        last = runs[-1] if runs else None
        if (
            last is not None
            and last.commit == line.commit
            and last.orig_path == line.orig_path
            and last.orig_start + last.length == line.orig_line
        ):
            runs[-1] = last._replace(length=last.length + 1)
        else:
            runs.append(BlameRun(line.commit, line.orig_line, line.orig_path, 1))
    return runs


@dataclass(frozen=True, slots=True)
class BlameRequest:
    path: str  # toplevel-relative
    content: bytes  # working-tree bytes to blame
    content_id: str
    head_blob: str

    def key(self, options: str) -> tuple[str, str, str, str]:
        return (self.path, self.content_id, self.head_blob, options)

    def blame_args(self, options: Sequence[str], head: str) -> tuple[list[str], bytes | None]:
        """`git blame` arguments and stdin: committed content at `head` when the working tree
        has it unchanged, else the working-tree bytes."""
        if self.content_id == self.head_blob:
            return ["blame", "--incremental", *options, head, "--", self.path], None
        return ["blame", "--incremental", *options, "--contents", "-", "--", self.path], self.content


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
    algo = sha256 if len(like) == 64 else sha1
    return algo(b"blob %d\0" % len(content) + content).hexdigest()


def parse_incremental(output: bytes) -> list[BlameRun]:
    """Runs of `git blame --incremental` output, in final-line order.

    Each entry is `<sha> <orig line> <final line> <count>`, header fields the first time a commit
    appears, and always a closing `filename <path>` line; entries come in any order. No line
    content is printed, so there is far less to read than with --porcelain."""
    entries: list[tuple[int, BlameRun]] = []
    current: tuple[str, int, int, int] | None = None
    for raw in output.split(b"\n"):
        text = raw.decode("utf-8", "surrogateescape")
        if current is None:
            found = _HEADER.match(text)
            if found is None or found.group(4) is None:
                if text:
                    raise ValueError(f"unexpected blame output: {text[:60]!r}")
                continue
            current = (found.group(1), int(found.group(2)), int(found.group(3)), int(found.group(4)))
        elif text.startswith("filename "):
            sha, orig, final, count = current
            entries.append((final, BlameRun(sha, orig, _unquote(text[len("filename ") :]), count)))
            current = None
    if current is not None:
        raise ValueError("blame entry without a filename")
    entries.sort(key=lambda e: e[0])
    runs: list[BlameRun] = []
    expected = 1
    for final, run in entries:
        if final != expected:
            raise ValueError(f"blame output misses line {expected}")
        expected = final + run.length
        last = runs[-1] if runs else None
        if last and (last.commit, last.orig_path, last.orig_start + last.length) == (
            run.commit, run.orig_path, run.orig_start
        ):
            runs[-1] = last._replace(length=last.length + run.length)
        else:
            runs.append(run)
    return runs


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of unusual file names."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    body = name[1:-1].encode("latin-1", "backslashreplace")
    return body.decode("unicode_escape").encode("latin-1").decode("utf-8", "surrogateescape")


def _encode(runs: Sequence[BlameRun], head: str = "") -> str:
    """[commit index, first original line, path index, length] per run; `head`: the commit whose
    history the runs were checked against."""
    commits: dict[str, int] = {}
    paths: dict[str, int] = {}
    rows = [
        [
            commits.setdefault(r.commit, len(commits)),
            r.orig_start,
            paths.setdefault(r.orig_path, len(paths)),
            r.length,
        ]
        for r in runs
    ]
    return json.dumps({"c": list(commits), "p": list(paths), "r": rows, "h": head}, separators=(",", ":"))


def _decode(data: str) -> list[BlameRun]:
    return _decode_entry(data)[0]


def _decode_entry(data: str) -> tuple[list[BlameRun], str]:
    """(runs, head the runs were last checked against; "" for rows written before heads)."""
    raw = inputs.loads_cache_entry(data)
    commits, paths = raw["c"], raw["p"]
    head = raw.get("h") if isinstance(raw.get("h"), str) else ""
    if "l" in raw:  # one row per line, as written before runs
        return to_runs([BlamedLine(commits[c], o, paths[p]) for c, o, p in raw["l"]]), head
    runs = [BlameRun(commits[c], int(first), paths[p], int(count)) for c, first, p, count in raw["r"]]
    return runs, head


class BlameCache:
    """Blame results by key, in SQLite; a no-op when `path` is None (--no-cache)."""

    def __init__(self, path: Path | None) -> None:
        self.db = SqliteDb(path, SCHEMA) if path is not None else None

    @property
    def warnings(self) -> list[str]:
        return self.db.warnings if self.db else []

    def get_many(
        self, keys: Iterable[tuple[str, str, str, str]]
    ) -> dict[tuple[str, str, str, str], tuple[list[BlameRun], str]]:
        """Entries by key: (runs, the HEAD they were last valid at). One SELECT per chunk of
        paths (a file's other versions are read too, and left out here)."""
        found: dict[tuple[str, str, str, str], tuple[list[BlameRun], str]] = {}
        wanted = set(keys)
        if self.db is None or not wanted:
            return found
        paths = sorted({key[0] for key in wanted})
        for start in range(0, len(paths), _CHUNK):
            chunk = paths[start : start + _CHUNK]
            rows = self.db.conn.execute(
                "SELECT path, content_id, head_blob, options, data FROM blame_v1 "
                f"WHERE path IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for path, content_id, head_blob, options, data in rows:
                key = (path, content_id, head_blob, options)
                if key not in wanted:
                    continue
                try:
                    found[key] = _decode_entry(data)
                except (ValueError, KeyError, IndexError, TypeError):
                    continue  # a damaged row is re-blamed and overwritten
        return found

    def put_many(self, items: Mapping[tuple[str, str, str, str], Sequence[BlameRun]], head: str = "") -> None:
        if self.db is None or not items:
            return
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO blame_v1 VALUES (?, ?, ?, ?, ?)",
                [(*key, _encode(runs, head)) for key, runs in items.items()],
            )

    def head_blobs(self, head: str) -> dict[str, str]:
        """The blob ids recorded for commit `head`: toplevel path -> blob id ("" when the path
        is not in that commit). A commit's tree never changes, so an entry is never stale."""
        if self.db is None:
            return {}
        rows = self.db.conn.execute("SELECT path, blob FROM head_blobs_v1 WHERE head=?", (head,))
        return {str(path): str(blob) for path, blob in rows}

    def put_head_blobs(self, head: str, blobs: Mapping[str, str]) -> None:
        """Record `blobs` for commit `head`, dropping other commits' rows (one HEAD is kept)."""
        if self.db is None or not blobs:
            return
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM head_blobs_v1 WHERE head != ?", (head,))
            conn.executemany("INSERT OR REPLACE INTO head_blobs_v1 VALUES (?, ?, ?)", [(head, *i) for i in blobs.items()])

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def cached_head_blobs(git: Git, repo: RepoInfo, paths: Sequence[str], cache: BlameCache) -> dict[str, str]:
    """`head_blobs` for `paths`, asking git only for those the cache has no answer for at this
    HEAD (a warm run on an unchanged HEAD lists nothing)."""
    wanted = {repo.git_path(p): p for p in paths}
    known = {g: b for g, b in cache.head_blobs(repo.head).items() if g in wanted}
    missing = [p for g, p in wanted.items() if g not in known]
    if missing:
        listed = head_blobs(git, missing)
        fresh = {repo.git_path(p): listed.get(repo.git_path(p), "") for p in missing}
        cache.put_head_blobs(repo.head, fresh)
        known.update(fresh)
    return {g: b for g, b in known.items() if b}


@dataclass(frozen=True, slots=True)
class BlameResult:
    lines: dict[str, list[BlameRun]]  # toplevel path -> its lines, as runs
    errors: dict[str, str]  # toplevel path -> reason
    blamed: int  # how many files git blame ran on (the rest came from the cache)


def blame_files(
    git: Git,
    requests: Sequence[BlameRequest],
    options: Sequence[str],
    cache: BlameCache,
    options_key: str,
    jobs: int,
    head: str,
    faster: Callable[[], Git | None] | None = None,
) -> BlameResult:
    """Blame every request not in the cache, `jobs` git processes at a time (`head`: the
    commit the requests' head blobs come from; `faster`: a Git to blame with, made only when
    some file must be blamed, e.g. one reading a commit-graph)."""
    keyed = {req.key(options_key): req for req in requests}
    cached = _still_in_history(git, cache, cache.get_many(keyed), head)
    # largest files first: the longest blames start early, so no worker is left with one at the end
    todo = sorted((req for key, req in keyed.items() if key not in cached), key=lambda r: -len(r.content))
    fresh: dict[tuple[str, str, str, str], list[BlameRun]] = {}
    errors: dict[str, str] = {}

    def one(req: BlameRequest) -> tuple[BlameRequest, list[BlameRun] | str]:
        args, stdin = req.blame_args(options, head)
        try:
            return req, parse_incremental(git.run(*args, input=stdin))
        except (GitCommandFailed, ValueError) as exc:
            return req, str(exc)

    if todo:
        from concurrent.futures import ThreadPoolExecutor  # lazy: only when files need blaming

        git = (faster() if faster is not None else None) or git

        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
            for req, result in pool.map(one, todo):
                if isinstance(result, str):
                    errors[req.path] = result
                else:
                    fresh[req.key(options_key)] = result
        cache.put_many(fresh, head)
    lines = {key[0]: value for key, value in {**cached, **fresh}.items()}
    return BlameResult(lines, errors, len(todo))


def _still_in_history(
    git: Git,
    cache: BlameCache,
    entries: Mapping[tuple[str, str, str, str], tuple[list[BlameRun], str]],
    head: str,
) -> dict[tuple[str, str, str, str], list[BlameRun]]:
    """The cached entries whose commits are all still in HEAD's history.

    An entry checked at this HEAD is valid as it is. After HEAD moved, an entry is kept only when
    every commit it names is still reachable (one `git rev-list HEAD`): an amend, a reword or a
    rebase replaces the commits a line came from (their messages and identities decide its
    verdict), so the file is blamed again. Kept entries are re-stamped with the new HEAD."""
    valid = {key: runs for key, (runs, at) in entries.items() if at == head}
    stale = {key: runs for key, (runs, at) in entries.items() if at != head}
    if not stale:
        return valid
    try:
        reachable = set(git.run("rev-list", head).decode("ascii", "replace").split())
    except GitCommandFailed:
        return valid
    kept = {
        key: runs
        for key, runs in stale.items()
        if all(r.commit in reachable or set(r.commit) == {"0"} for r in runs)
    }
    cache.put_many(kept, head)
    return {**valid, **kept}
