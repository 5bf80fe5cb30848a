"""`attribute`: the origin of every line of the given files at HEAD (working-tree content).

Per line, the first source that decides wins:
  unknown  the line is not committed yet, the file is untracked, or the line's commit is a
           shallow-clone boundary (its true commit lies beyond the clone)
  1 agent-trace  an Agent Trace range covers the line (see agent_trace.py for the mapping)
  2 git-ai       the line's commit has a git-ai note: ai when an entry covers its original line
                 number, else human (as git-ai's own blame says)
  3 commit       the commit's identities / trailers / message name an agent (ai), or its
                 author/committer is a known non-AI bot (human)
  4 override     the root-relative path matches attribution.generated_paths (ai, agent
                 "generated") / human_paths (human); this also applies to lines that would
                 otherwise be unknown (untracked, uncommitted, shallow, no git)
  blame          otherwise: human (a commit with no AI evidence)
Each source can be switched off in AttributionSettings.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.attribution.agent_trace import TraceIndex, read_traces
from auditor.attribution.agents import (
    AgentMatch,
    AgentTable,
    CommitInfo,
    check_settings,
    load_agent_table,
    table_key,
)
from auditor.attribution.blame import (
    BlameCache,
    BlamedLine,
    BlameRequest,
    blame_files,
    blob_id,
    cached_head_blobs,
    validate_options,
)
from auditor.attribution.commit_graph import graph_git
from auditor.attribution.commits import cached_verdicts, load_commits, store_verdicts
from auditor.attribution.gitai_notes import AuthorshipNote, read_notes
from auditor.attribution.gitcmd import ZERO_SHAS, RepoInfo, discover_repo
from auditor.attribution.outcome import (
    UNAVAILABLE,
    AttributionOutcome,
    outcome_without_repository,
    unavailable,
)
from auditor.attribution.reading import read_all
from auditor.attribution.summary import summarize
from auditor.config.model import AttributionSettings
from auditor.domain.code import AnalysisError
from auditor.domain.digest import sha1
from auditor.domain.errors import ConfigError, UsageError
from auditor.domain.findings import Origin
from auditor.domain.origin import FileAttribution, LineOrigin
from auditor.support.git import Git, GitCommandFailed, GitUnavailable
from auditor.support.safe_files import WriteError
from auditor.support.sqlitedb import DatabaseUnwritable

if TYPE_CHECKING:
    import pathspec  # imported lazily: ~10 ms, needed only for globs

UNKNOWN = LineOrigin(Origin.UNKNOWN)


@dataclass(frozen=True, slots=True)
class _Overrides:
    generated: pathspec.PathSpec | None
    human: pathspec.PathSpec | None

    @property
    def empty(self) -> bool:
        return self.generated is None and self.human is None

    def origin(self, path: str) -> LineOrigin | None:
        if self.generated is not None and self.generated.match_file(path):
            return LineOrigin(Origin.AI, agent="generated", source="override")
        if self.human is not None and self.human.match_file(path):
            return LineOrigin(Origin.HUMAN, source="override")
        return None


def _spec(patterns: Sequence[str], name: str) -> pathspec.PathSpec | None:
    if not patterns:
        return None
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"attribution.{name}: invalid pattern ({exc})") from None


def _split_lines(content: bytes) -> int:
    """Number of lines as git counts them (a final line without newline still counts)."""
    if not content:
        return 0
    return content.count(b"\n") + (0 if content.endswith(b"\n") else 1)


def attribute(
    root: Path,
    paths: Sequence[str],
    settings: AttributionSettings,
    *,
    cache_dir: Path | None,
    jobs: int | None = None,
    git: str = "git",
    read_unavailable: bool = True,
) -> AttributionOutcome:
    """Origins of every line of `paths` (relative to `root`); never fails on repository state.

    Without git history every line is `unknown` (unless a path override decides it); with
    `read_unavailable=False` the files are then not even read: the outcome has no files and a
    summary marked unavailable (a check only needs to know that nothing can be attributed).
    """
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory")
    options = validate_options(settings.blame_options)
    check_settings(settings)
    overrides = _Overrides(
        _spec(settings.generated_paths, "generated_paths") if settings.overrides else None,
        _spec(settings.human_paths, "human_paths") if settings.overrides else None,
    )
    early = outcome_without_repository(root, settings, read_unavailable=read_unavailable)
    if early is not None:
        return early
    warnings: list[str] = []
    errors: list[AnalysisError] = []
    runner = Git(git, root)
    contents: dict[str, bytes] | None = None
    cache: BlameCache | None = None
    try:
        repo = discover_repo(runner)
        contents = read_all(root, paths, errors)  # only paths inside the root from here on
        cache = _open_cache(cache_dir, warnings)
        blobs = cached_head_blobs(runner, repo, list(contents), cache)
    except (GitUnavailable, GitCommandFailed) as exc:
        if cache is not None:
            cache.close()
        warnings.append(f"{UNAVAILABLE}: {exc}")
        if contents is None and not read_unavailable and overrides.empty:
            return unavailable(warnings)
        if contents is None:
            contents = read_all(root, paths, errors)
        files = {p: _unattributed(p, c, overrides) for p, c in contents.items()}
        files.update({e.path: FileAttribution(e.path, ()) for e in errors})
        summary = summarize(files, shallow=False, available=False, warnings=warnings)
        return AttributionOutcome(files, summary, warnings, errors)
    top = Git(git, repo.toplevel)
    try:
        graph_dir = cache_dir if cache.db is not None else None  # an unusable cache holds no graph
        outcome = _attribute_in_repo(
            top,
            repo,
            blobs,
            contents,
            settings,
            overrides,
            options,
            (cache, graph_dir),
            jobs,
            warnings,
            errors,
        )
    finally:
        cache.close()
    return dataclasses.replace(outcome, head=(repo.head, repo.branch))


def _open_cache(cache_dir: Path | None, warnings: list[str]) -> BlameCache:
    """The blame cache under `cache_dir` (none when None); an unusable one is a warning."""
    try:
        return BlameCache(cache_dir / "blame.sqlite" if cache_dir is not None else None)
    except (OSError, sqlite3.Error, WriteError, DatabaseUnwritable) as exc:  # a symlink is refused, not this
        warnings.append(f"blame cache unusable, running without it: {exc}")
        return BlameCache(None)


def _unattributed(path: str, content: bytes, overrides: _Overrides) -> FileAttribution:
    origin = overrides.origin(path) or UNKNOWN
    return FileAttribution(path, (origin,) * _split_lines(content))


def _attribute_in_repo(
    git: Git,
    repo: RepoInfo,
    blobs: dict[str, str],
    contents: dict[str, bytes],
    settings: AttributionSettings,
    overrides: _Overrides,
    options: tuple[str, ...],
    caches: tuple[BlameCache, Path | None],  # the blame cache, and the folder for a commit-graph
    jobs: int | None,
    warnings: list[str],
    errors: list[AnalysisError],
) -> AttributionOutcome:
    cache, graph_dir = caches
    warnings.extend(cache.warnings)
    requests = []
    for path, content in contents.items():
        gpath = repo.git_path(path)
        if gpath in blobs:
            requests.append(BlameRequest(gpath, content, blob_id(content, blobs[gpath]), blobs[gpath]))
    shallow_key = (
        sha1("\n".join(sorted(repo.shallow)).encode()).hexdigest()[:12] if repo.shallow else ""
    )
    options_key = " ".join(options) + (f" shallow:{shallow_key}" if shallow_key else "")
    result = blame_files(
        git,
        requests,
        options,
        cache,
        options_key,
        jobs or os.cpu_count() or 1,
        head=repo.head,
        faster=lambda: graph_git(git, repo, graph_dir),
    )
    for gpath, reason in sorted(result.errors.items()):
        errors.append(AnalysisError(gpath[len(repo.prefix) :], f"git blame failed: {reason}"))
    shas = {r.commit for runs in result.lines.values() for r in runs if r.commit not in ZERO_SHAS}
    try:
        commits, parents = load_commits(git, shas, cache)
    except GitCommandFailed as exc:
        warnings.append(f"commit metadata unavailable, commit identities not read: {exc}")
        commits, parents = {}, {}
    try:
        notes = read_notes(git, shas, warnings) if settings.git_ai_notes and repo.notes else {}
    except GitCommandFailed as exc:
        warnings.append(f"git-ai notes unreadable: {exc}")
        notes = {}
    traces = read_traces(repo.toplevel, warnings) if settings.agent_trace else TraceIndex()
    if len(traces):
        traces.resolve_revisions(shas | {p for ps in parents.values() for p in ps})
    decider = _Decider(commits, notes, traces, overrides, settings, repo.shallow, parents)
    key = table_key(settings) if settings.commit_identity else ""
    decider.known = cached_verdicts(cache, key, shas) if key else {}
    files: dict[str, FileAttribution] = {}
    shallow_hit = False
    for path, content in contents.items():
        gpath = repo.git_path(path)
        blamed = result.lines.get(gpath)
        if blamed is None:  # untracked, or blame failed
            files[path] = _unattributed(path, content, overrides)
            continue
        origins: list[LineOrigin] = []
        by_commit: dict[str, tuple[LineOrigin, bool]] = {}  # decisions that depend on the commit only
        for run in blamed:
            if decider.same_for_whole_commit(run.commit):
                decided = by_commit.get(run.commit)
                if decided is None:
                    decided = by_commit[run.commit] = decider.decide(path, run.line(0))
                shallow_hit = shallow_hit or decided[1]
                origins.extend([decided[0]] * run.length)
                continue
            for offset in range(run.length):
                origin, beyond = decider.decide(path, run.line(offset))
                shallow_hit = shallow_hit or beyond
                origins.append(origin)
        files[path] = FileAttribution(path, tuple(origins))
    for error in errors:
        files.setdefault(error.path, FileAttribution(error.path, ()))
    if key:
        fresh = {s: v for s, v in decider.verdicts.items() if s not in decider.known and s in commits}
        store_verdicts(cache, key, fresh)
    if shallow_hit:
        warnings.append("shallow clone: lines older than the clone's boundary are unknown")
    summary = summarize(files, shallow=shallow_hit, available=True, warnings=warnings)
    return AttributionOutcome(files, summary, warnings, errors, result.blamed)


class _Decider:
    def __init__(
        self,
        commits: dict[str, CommitInfo],
        notes: dict[str, AuthorshipNote],
        traces: TraceIndex,
        overrides: _Overrides,
        settings: AttributionSettings,
        shallow: frozenset[str],
        parents: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.commits = commits
        self.parents = parents or {}
        self.notes, self.traces, self.overrides = notes, traces, overrides
        self.settings, self.shallow = settings, shallow
        self.known: dict[str, AgentMatch | None] = {}  # verdicts cached by an earlier run
        self.verdicts: dict[str, AgentMatch | None] = {}
        self._table: AgentTable | None = None

    @property
    def table(self) -> AgentTable:
        """The agent table, loaded when the first committed line is decided (29 regexes)."""
        if self._table is None:
            self._table = load_agent_table(self.settings)
        return self._table

    def same_for_whole_commit(self, sha: str) -> bool:
        """Whether every line of one file from commit `sha` gets the same decision: true unless
        an Agent Trace or a git-ai note could decide line by line."""
        return not len(self.traces) and not (self.settings.git_ai_notes and sha in self.notes)

    def _identity(self, sha: str) -> AgentMatch | None:
        if sha not in self.verdicts:
            info = self.commits.get(sha)
            if sha in self.known:
                self.verdicts[sha] = self.known[sha]
            else:
                self.verdicts[sha] = self.table.classify(info) if info is not None else None
        return self.verdicts[sha]

    def decide(self, path: str, line: BlamedLine) -> tuple[LineOrigin, bool]:
        """The line's origin, and whether it lies beyond a shallow boundary."""
        sha = line.commit
        if sha in ZERO_SHAS:
            return self.overrides.origin(path) or UNKNOWN, False
        if sha in self.shallow:
            return self.overrides.origin(path) or UNKNOWN, True
        info = self.commits.get(sha)
        base = {
            "commit": sha,
            "author": info.author if info else None,
            "date": info.author_date if info else None,
        }
        if self.settings.agent_trace:
            found = self._trace(sha, line)
            if found is not None:
                return LineOrigin(
                    found[0], agent=found[1], model=found[2], source="agent-trace", **base
                ), False
        if self.settings.git_ai_notes and sha in self.notes:
            verdict = self.notes[sha].verdict(line.orig_path, line.orig_line)
            if verdict is not None and verdict.ai:
                agent = self.table.agent_for_tool(verdict.agent) if verdict.agent else None
                return LineOrigin(Origin.AI, agent=agent, model=verdict.model, source="git-ai", **base), False
            if verdict is not None and verdict.human:
                base["author"] = verdict.human
            # a line the note does not cover is human for git-ai too: never re-decided by trailers
            return LineOrigin(Origin.HUMAN, source="git-ai", **base), False
        if self.settings.commit_identity:
            match = self._identity(sha)
            if match is not None and match.ai:
                return LineOrigin(
                    Origin.AI, agent=match.agent, model=match.model, source="commit", **base
                ), False
            if match is not None:
                return LineOrigin(Origin.HUMAN, source="commit", **base), False
        override = self.overrides.origin(path)
        if override is not None:
            return LineOrigin(override.origin, agent=override.agent, source="override", **base), False
        return LineOrigin(Origin.HUMAN, source="blame", **base), False

    def _trace(self, sha: str, line: BlamedLine) -> tuple[Origin, str | None, str | None] | None:
        if not len(self.traces):
            return None
        rng = self.traces.lookup(sha, line.orig_path, line.orig_line)
        for parent in self.parents.get(sha, ()) if rng is None else ():
            # the reference hook records the HEAD of the moment of the edit: the parent of the
            # commit that carries it (an amend keeps that parent, so amended commits match too)
            rng = self.traces.lookup(parent, line.orig_path, line.orig_line)
            if rng is not None:
                break
        if rng is None:
            return None
        origin = {"ai": Origin.AI, "human": Origin.HUMAN, "mixed": Origin.MIXED}[rng.kind]
        if origin is Origin.HUMAN:
            return origin, None, None
        agent = self.table.agent_for_tool(rng.tool) if rng.tool else None
        return origin, agent, rng.model
