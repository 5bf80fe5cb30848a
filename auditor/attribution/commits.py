"""Commit metadata (identities, trailers, message) for every blamed commit in ONE `git log` call.

Commits are immutable by sha, so their raw metadata is cached next to the blame results. Their
verdicts (what the agent table makes of them) are cached under the table's key: a hash of
rules/agents.toml and of the config's extra_* settings, so changing either takes effect without
clearing the cache.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from auditor.attribution.agents import AgentMatch, CommitInfo, parse_trailers
from auditor.attribution.blame import BlameCache
from auditor.support import inputs
from auditor.support.git import Git

_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%(trailers:only,unfold,separator=%x1f)%x00%B%x00"
_FIELDS = 9


def _to_json(info: CommitInfo, parents: tuple[str, ...]) -> str:
    return json.dumps(
        {
            "an": info.author_name,
            "ae": info.author_email,
            "ad": info.author_date,
            "cn": info.committer_name,
            "ce": info.committer_email,
            "t": [list(t) for t in info.trailers],
            "m": info.message,
            "p": list(parents),
        },
        ensure_ascii=False,
    )


def _from_json(sha: str, data: str) -> tuple[CommitInfo, tuple[str, ...]]:
    raw = inputs.loads_cache_entry(data)
    info = CommitInfo(
        sha,
        raw["an"],
        raw["ae"],
        raw["ad"],
        raw["cn"],
        raw["ce"],
        tuple((k, v) for k, v in raw["t"]),
        raw["m"],
    )
    return info, tuple(raw["p"])


def parse_log(output: bytes) -> dict[str, tuple[CommitInfo, tuple[str, ...]]]:
    fields = output.decode("utf-8", "replace").split("\0")
    out: dict[str, tuple[CommitInfo, tuple[str, ...]]] = {}
    for i in range(0, len(fields) - _FIELDS + 1, _FIELDS):
        sha, parents, an, ae, ad, cn, ce, trailers, message = fields[i : i + _FIELDS]
        sha = sha.strip()
        info = CommitInfo(sha, an, ae, ad, cn, ce, parse_trailers(trailers), message)
        out[sha] = (info, tuple(parents.split()))
    return out


def load_commits(
    git: Git, shas: Iterable[str], cache: BlameCache
) -> tuple[dict[str, CommitInfo], dict[str, tuple[str, ...]]]:
    """(sha -> CommitInfo, sha -> parent shas) for `shas`: cache first, then one `git log`."""
    wanted = sorted(set(shas))
    found: dict[str, tuple[CommitInfo, tuple[str, ...]]] = {}
    db = cache.db
    if db is not None:
        for sha, data in _rows(cache, "SELECT sha, data FROM commits_v1 WHERE sha IN ({})", wanted):
            try:
                found[sha] = _from_json(sha, data)
            except (ValueError, KeyError, TypeError):
                continue
    missing = [sha for sha in wanted if sha not in found]
    if missing:
        out = git.run(
            "log",
            "--no-walk=unsorted",
            "--stdin",
            f"--format={_FORMAT}",
            input="\n".join(missing).encode() + b"\n",
        )
        fresh = parse_log(out)
        found.update(fresh)
        if db is not None and fresh:
            with db.transaction() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO commits_v1 VALUES (?, ?)",
                    [(sha, _to_json(info, parents)) for sha, (info, parents) in fresh.items()],
                )
    return {s: v[0] for s, v in found.items()}, {s: v[1] for s, v in found.items()}


def cached_verdicts(cache: BlameCache, table_key: str, shas: Iterable[str]) -> dict[str, AgentMatch | None]:
    """Verdicts of `shas` decided before by the agent table with key `table_key`."""
    found: dict[str, AgentMatch | None] = {}
    query = "SELECT sha, data FROM verdicts_v1 WHERE table_key=? AND sha IN ({})"
    for sha, data in _rows(cache, query, sorted(shas), table_key):
        try:
            raw = inputs.loads_cache_entry(data)
            found[sha] = None if raw is None else AgentMatch(bool(raw[0]), raw[1], raw[2], str(raw[3]))
        except (ValueError, KeyError, IndexError, TypeError):
            continue  # a damaged row is decided again and overwritten
    return found


def store_verdicts(cache: BlameCache, table_key: str, verdicts: dict[str, AgentMatch | None]) -> None:
    if cache.db is None or not verdicts:
        return
    rows = [
        (sha, table_key, json.dumps(None if v is None else [v.ai, v.agent, v.model, v.evidence]))
        for sha, v in verdicts.items()
    ]
    with cache.db.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO verdicts_v1 VALUES (?, ?, ?)", rows)


_CHUNK = 500  # SQLite allows 999 parameters per statement in old builds


def _rows(cache: BlameCache, query: str, shas: list[str], *first: str) -> list[tuple[str, str]]:
    """(sha, data) rows of `query` (an `IN ({})` over shas), a few statements in all."""
    if cache.db is None:
        return []
    rows: list[tuple[str, str]] = []
    for start in range(0, len(shas), _CHUNK):
        chunk = shas[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows.extend(cache.db.conn.execute(query.format(marks), (*first, *chunk)).fetchall())
    return rows
