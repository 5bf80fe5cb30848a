"""The origin of a whole commit: for what a change removed, which has no line left to blame.

The same evidence as a committed line's (commit identities, co-author trailers, markers, known
non-AI bots; `auditor.attribution.agents`), decided for the commit alone: ai when it names an
agent, else human. A line that no longer exists has no Agent Trace range or git-ai note at HEAD.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from auditor.attribution.agents import check_settings, load_agent_table
from auditor.attribution.blame import BlameCache
from auditor.attribution.commits import load_commits
from auditor.config.model import AttributionSettings
from auditor.domain.findings import Origin
from auditor.domain.origin import LineOrigin
from auditor.support.git import Git, GitCommandFailed, GitUnavailable

UNKNOWN = LineOrigin(Origin.UNKNOWN)


def commit_origins(root: Path, shas: Iterable[str], settings: AttributionSettings) -> dict[str, LineOrigin]:
    """sha -> the commit's origin (unknown when git cannot tell)."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    check_settings(settings)
    try:
        commits, _ = load_commits(Git("git", root), wanted, BlameCache(None))
    except (GitCommandFailed, GitUnavailable):
        return {sha: UNKNOWN for sha in wanted}
    table = load_agent_table(settings) if settings.commit_identity else None
    out: dict[str, LineOrigin] = {}
    for sha in wanted:
        info = commits.get(sha)
        if info is None:
            out[sha] = UNKNOWN
            continue
        base = {"commit": sha, "author": info.author, "date": info.author_date, "source": "commit"}
        match = table.classify(info) if table is not None else None
        if match is not None and match.ai:
            out[sha] = LineOrigin(Origin.AI, agent=match.agent, model=match.model, **base)
        else:
            out[sha] = LineOrigin(Origin.HUMAN, **base)
    return out
