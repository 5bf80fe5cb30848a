"""Agent Trace records (`.agent-trace/traces.jsonl`, spec v0.1).

Each JSONL line is a record: `vcs.revision`, `tool.name`, and
`files[].conversations[].{contributor, ranges[]}`; a range may override the contributor
(`ranges[].contributor`). `version` is read leniently (any string or number).

Mapping to HEAD (decision): the ranges describe the file as of the record's revision R, or, as
the reference implementation writes them (cursor/agent-trace `getVcsInfo`: `git rev-parse HEAD`
at the moment of the edit), the file as the NEXT commit on top of R will hold it. A line at HEAD
is covered when blame says it comes from commit R itself, or else from a commit whose parent is
R, at an original line number inside a range of a file entry naming the line's path. An amend
keeps the parent, so an amended commit still matches; a rebase gives it a new parent, and the
spec's `content_hash` names no hash function, so rebased commits are not matched (their lines
fall to the lower sources). Lines changed after the carrying commit are blamed on a later commit
and are no longer covered (the trace no longer describes them). Records without a git
revision cannot be mapped and are skipped with a warning. Contributor `unknown` decides
nothing (lower-precedence sources apply); `mixed` gives the line the origin `mixed`.
Malformed lines become warnings (file:line), never errors.

The file is repository data: it is read only when it is a regular file of at most
MAX_TRACE_BYTES, each record is refused past the JSON depth limit, quoted paths and names are
clipped, and its warnings are capped (support.bounded, support.inputs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.support.bounded import WarningLog, clip
from auditor.support.inputs import JsonTooDeep, RefusedInput, loads, read_bounded

TRACE_FILE = ".agent-trace/traces.jsonl"
MAX_TRACE_BYTES = 32 << 20
_TYPES = ("human", "ai", "mixed", "unknown")


@dataclass(frozen=True, slots=True)
class TraceRange:
    start: int
    end: int
    kind: str  # human | ai | mixed
    model: str | None
    tool: str | None


class TraceIndex:
    """Ranges by (revision, path); later records win over earlier ones."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], list[TraceRange]] = {}
        self._revisions: set[str] = set()

    def add(self, revision: str, path: str, rng: TraceRange) -> None:
        self._by_key.setdefault((revision, path), []).append(rng)
        self._revisions.add(revision)

    def __len__(self) -> int:
        return len(self._by_key)

    def resolve_revisions(self, commits: set[str]) -> None:
        """Expand abbreviated revisions to the full shas of known commits."""
        for rev in list(self._revisions):
            if rev in commits or len(rev) < 7:
                continue
            full = [c for c in commits if c.startswith(rev)]
            if len(full) == 1:
                for (r, p), ranges in list(self._by_key.items()):
                    if r == rev:
                        self._by_key.setdefault((full[0], p), []).extend(ranges)
                self._revisions.add(full[0])

    def lookup(self, revision: str, path: str, line: int) -> TraceRange | None:
        for rng in reversed(self._by_key.get((revision, path), ())):
            if rng.start <= line <= rng.end:
                return rng
        return None


def _contributor(raw: object) -> tuple[str | None, str | None]:
    if not isinstance(raw, dict):
        return None, None
    kind, model = raw.get("type"), raw.get("model_id")
    return (
        kind if isinstance(kind, str) and kind in _TYPES else None,
        clip(model) if isinstance(model, str) and model else None,
    )


def read_traces(toplevel: Path, warnings: list[str]) -> TraceIndex:
    """Parse the trace file at the repository's toplevel (absent file: empty index)."""
    index = TraceIndex()
    path = toplevel / TRACE_FILE
    try:
        text = read_bounded(path, max_bytes=MAX_TRACE_BYTES).decode("utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return index
    except RefusedInput as exc:
        warnings.append(f"{TRACE_FILE}: {exc}")
        return index
    except OSError as exc:
        warnings.append(f"{TRACE_FILE}: unreadable ({exc.strerror or exc})")
        return index
    log = WarningLog(TRACE_FILE)
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            _read_record(line, f"{TRACE_FILE}:{number}", index, log)
    log.flush_into(warnings)
    return index


def _read_record(line: str, where: str, index: TraceIndex, warnings: WarningLog) -> None:
    try:
        record = loads(line)
    except ValueError as exc:
        detail = str(exc) if isinstance(exc, JsonTooDeep) else exc.__class__.__name__
        warnings.append(f"{where}: not JSON ({detail})")
        return
    if not isinstance(record, dict):
        warnings.append(f"{where}: a record must be a JSON object")
        return
    version = record.get("version")
    if version is not None and not isinstance(version, (str, int, float)):
        warnings.append(f"{where}: unreadable version; reading the record anyway")
    vcs = record.get("vcs")
    revision = vcs.get("revision") if isinstance(vcs, dict) else None
    vcs_type = vcs.get("type", "git") if isinstance(vcs, dict) else None
    if not isinstance(revision, str) or not revision.strip() or vcs_type != "git":
        warnings.append(f"{where}: no git vcs.revision; the record cannot be mapped to lines")
        return
    revision = revision.strip().lower()
    tool_raw = record.get("tool")
    tool = tool_raw.get("name") if isinstance(tool_raw, dict) else None
    tool = clip(tool) if isinstance(tool, str) and tool else None
    files = record.get("files")
    if not isinstance(files, list):
        warnings.append(f"{where}: `files` must be a list")
        return
    for file in files:
        if not isinstance(file, dict) or not isinstance(file.get("path"), str):
            warnings.append(f"{where}: a file entry without a path")
            continue
        file_path = file["path"].removeprefix("./")
        shown = clip(file_path)  # in warnings: a 100 KB path is quoted as 200 characters
        conversations = file.get("conversations")
        if not isinstance(conversations, list):
            warnings.append(f"{where}: {shown}: `conversations` must be a list")
            continue
        for conv in conversations:
            if not isinstance(conv, dict) or not isinstance(conv.get("ranges"), list):
                warnings.append(f"{where}: {shown}: a conversation without ranges")
                continue
            kind, model = _contributor(conv.get("contributor"))
            for rng in conv["ranges"]:
                _read_range(rng, where, (file_path, shown), kind, model, tool, revision, index, warnings)


def _read_range(
    rng: object,
    where: str,
    paths: tuple[str, str],  # the file's path, and how warnings quote it
    kind: str | None,
    model: str | None,
    tool: str | None,
    revision: str,
    index: TraceIndex,
    warnings: WarningLog,
) -> None:
    file_path, shown = paths
    if not isinstance(rng, dict):
        warnings.append(f"{where}: {shown}: a range must be an object")
        return
    start, end = rng.get("start_line"), rng.get("end_line")
    if (
        not (isinstance(start, int) and isinstance(end, int))
        or isinstance(start, bool)
        or start < 1
        or end < start
    ):
        warnings.append(f"{where}: {shown}: bad range {clip(repr(start), 40)}-{clip(repr(end), 40)}")
        return
    if "contributor" in rng:
        r_kind, r_model = _contributor(rng.get("contributor"))
        kind, model = r_kind or kind, r_model or model
    if kind is None:
        warnings.append(f"{where}: {shown}: range {start}-{end} has no contributor type")
        return
    if kind == "unknown":
        return
    index.add(revision, file_path, TraceRange(start, end, kind, model, tool))
