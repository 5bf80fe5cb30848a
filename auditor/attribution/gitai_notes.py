"""git-ai authorship notes (Git AI standard v3, `refs/notes/ai`).

A note on commit C lists, per file, `  <key> <ranges>` entries whose line numbers refer to the
file as of C; then a `---` line and JSON metadata. Keys: 16-hex prompt hashes (metadata
`prompts[key].agent_id.{tool,model}`), `s_...` session keys, optionally `s_x::t_y`
(metadata `sessions[s_x].agent_id`), and `h_...` known-human keys (metadata `humans`).
Later entries win over earlier ones for the same line, as in git-ai. A key missing from the
metadata still marks the line AI (the standard reserves non-`h_` keys for AI sessions), with a
warning. The attestation section may be empty (the note starts with `---`: a commit git-ai
processed and found no AI line in). Lines of C that no entry covers are human: git-ai's own
blame reports them so, and the engine does not re-decide them from C's trailers.

All notes are read with three git calls: `git notes --ref=ai list`, one `git cat-file
--batch-check` for their sizes, and one `git cat-file --batch` for the notes within the limits
(MAX_NOTE_BYTES each, MAX_NOTES_BYTES in all; a note past them is skipped with a warning).
Notes are repository data: metadata is read with the JSON depth limit, quoted keys and names
are clipped, and the warnings of one ref are capped (support.bounded, support.inputs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditor.support.bounded import WarningLog, clip
from auditor.support.git import Git, GitCommandFailed
from auditor.support.inputs import loads, megabytes

_ENTRY = re.compile(r"^  (\S+) (\S+)\s*$")
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")
MAX_NOTE_BYTES = 8 << 20
MAX_NOTES_BYTES = 128 << 20


@dataclass(frozen=True, slots=True)
class NoteVerdict:
    ai: bool
    agent: str | None  # raw tool name; normalised by the agent table later
    model: str | None
    human: str | None = None  # known human's "Name <email>"


@dataclass(slots=True)
class AuthorshipNote:
    """One parsed note: file -> list of (ranges, verdict), in the order written."""

    files: dict[str, list[tuple[tuple[tuple[int, int], ...], NoteVerdict]]] = field(default_factory=dict)

    def verdict(self, path: str, line: int) -> NoteVerdict | None:
        for ranges, verdict in reversed(self.files.get(path, [])):
            if any(a <= line <= b for a, b in ranges):
                return verdict
        return None


def parse_ranges(text: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in text.split(","):
        found = _RANGE.match(part)
        if not found:
            raise ValueError(f"bad line range {clip(repr(part), 60)}")
        start = int(found.group(1))
        end = int(found.group(2) or start)
        if start < 1 or end < start:
            raise ValueError(f"bad line range {clip(repr(part), 60)}")
        out.append((start, end))
    return tuple(out)


def _agent(record: object) -> tuple[str | None, str | None]:
    if not isinstance(record, dict):
        return None, None
    agent_id = record.get("agent_id")
    if not isinstance(agent_id, dict):
        return None, None
    tool, model = agent_id.get("tool"), agent_id.get("model")
    return (
        clip(tool) if isinstance(tool, str) and tool else None,
        clip(model) if isinstance(model, str) and model else None,
    )


def parse_note(text: str, where: str, warnings: list[str] | WarningLog) -> AuthorshipNote:
    """Parse one authorship log; problems become warnings naming `where`, never exceptions."""
    lines = text.split("\n")
    divider = next((i for i, line in enumerate(lines) if line.rstrip("\r") == "---"), None)
    attestation = "\n".join(lines if divider is None else lines[:divider])
    meta_text = "" if divider is None else "\n".join(lines[divider + 1 :])
    metadata: dict[str, object] = {}
    if meta_text.strip():
        try:
            loaded = loads(meta_text)
            metadata = loaded if isinstance(loaded, dict) else {}
        except ValueError as exc:
            warnings.append(f"{where}: metadata is not JSON ({exc})")
    elif divider is None:
        warnings.append(f"{where}: no `---` divider; reading attestations only")

    def table(name: str) -> dict[str, object]:
        value = metadata.get(name)
        return value if isinstance(value, dict) else {}

    prompts, sessions, humans = table("prompts"), table("sessions"), table("humans")
    note = AuthorshipNote()
    current: str | None = None
    for number, line in enumerate(attestation.split("\n"), 1):
        if not line.strip():
            continue
        if not line[0].isspace():
            current = line.strip()
            if len(current) >= 2 and current.startswith('"') and current.endswith('"'):
                current = current[1:-1]
            note.files.setdefault(current, [])
            continue
        found = _ENTRY.match(line)
        if current is None or not found:
            warnings.append(f"{where}:{number}: unreadable attestation line")
            continue
        key, ranges_text = found.groups()
        try:
            ranges = parse_ranges(ranges_text)
        except ValueError as exc:
            warnings.append(f"{where}:{number}: {exc}")
            continue
        if key.startswith("h_"):
            human = humans.get(key)
            author = human.get("author") if isinstance(human, dict) else None
            verdict = NoteVerdict(False, None, None, clip(author) if isinstance(author, str) else None)
        else:
            record = prompts.get(key) or sessions.get(key.split("::", 1)[0])
            if record is None:
                warnings.append(f"{where}:{number}: key {clip(key, 80)} has no prompt/session record")
            tool, model = _agent(record)
            verdict = NoteVerdict(True, tool, model)
        note.files[current].append((ranges, verdict))
    return note


def read_notes(
    git: Git, commits: Iterable[str], warnings: list[str], ref: str = "ai"
) -> dict[str, AuthorshipNote]:
    """Notes of `commits` under refs/notes/<ref>: commit sha -> parsed note."""
    wanted = set(commits)
    if not wanted:
        return {}
    try:
        listing = git.run("notes", f"--ref={ref}", "list").decode("ascii", "replace")
    except GitCommandFailed as exc:
        warnings.append(f"git-ai notes: cannot list refs/notes/{ref} ({exc})")
        return {}
    blobs: dict[str, str] = {}
    for row in listing.splitlines():
        parts = row.split()
        if len(parts) == 2 and parts[1] in wanted:
            blobs[parts[0]] = parts[1]
    if not blobs:
        return {}
    log = WarningLog(f"refs/notes/{ref}")
    order = _within_limits(git, blobs, ref, log)
    notes: dict[str, AuthorshipNote] = {}
    out = git.run("cat-file", "--batch", input="".join(b + "\n" for b in order).encode()) if order else b""
    pos = 0
    for blob in order:
        end = out.find(b"\n", pos)
        if end < 0:
            log.append("git-ai notes: truncated `git cat-file --batch` output")
            break
        header = out[pos:end].decode("ascii", "replace").split()
        pos = end + 1
        if len(header) != 3 or header[1] != "blob":
            log.append(f"git-ai notes: note {blob} is not readable")
            continue
        size = int(header[2])
        text = out[pos : pos + size].decode("utf-8", "replace")
        pos += size + 1
        commit = blobs[blob]
        notes[commit] = parse_note(text, f"refs/notes/{ref} note of {commit[:12]}", log)
    log.flush_into(warnings)
    return notes


def _within_limits(git: Git, blobs: dict[str, str], ref: str, log: WarningLog) -> list[str]:
    """The note blobs to read, in order: each at most MAX_NOTE_BYTES, MAX_NOTES_BYTES in all."""
    order = sorted(blobs)
    sizes = git.run("cat-file", "--batch-check", input="".join(b + "\n" for b in order).encode())
    chosen: list[str] = []
    total = 0
    for blob, row in zip(order, sizes.decode("ascii", "replace").splitlines(), strict=False):
        header = row.split()
        size = int(header[2]) if len(header) == 3 and header[2].isdigit() else 0
        where = f"refs/notes/{ref} note of {blobs[blob][:12]}"
        if size > MAX_NOTE_BYTES:
            log.append(f"{where}: larger than {megabytes(MAX_NOTE_BYTES)} ({megabytes(size)}); not read")
        elif total + size > MAX_NOTES_BYTES:
            log.append(f"{where}: the notes read so far reach {megabytes(MAX_NOTES_BYTES)}; not read")
        else:
            chosen.append(blob)
            total += size
    return chosen
