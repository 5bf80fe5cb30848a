"""git-ai authorship notes (Git AI standard v3, `refs/notes/ai`).

A note on commit C lists, per file, `  <key> <ranges>` entries whose line numbers refer to the
file as of C; then a `---` line and JSON metadata. Keys: 16-hex prompt hashes (metadata
`prompts[key].agent_id.{tool,model}`), `s_...` session keys, optionally `s_x::t_y`
(metadata `sessions[s_x].agent_id`), and `h_...` known-human keys (metadata `humans`).
Later entries win over earlier ones for the same line, as in git-ai. A key missing from the
metadata still marks the line AI (the standard reserves non-`h_` keys for AI sessions), with a
warning. Lines of C that no entry covers are not decided here (git-ai: "untracked").

All notes are read with two git calls: `git notes --ref=ai list` and one `git cat-file --batch`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditor.attribution.gitcmd import Git, GitCommandFailed

_ENTRY = re.compile(r"^  (\S+) (\S+)\s*$")
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


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
            raise ValueError(f"bad line range {part!r}")
        start = int(found.group(1))
        end = int(found.group(2) or start)
        if start < 1 or end < start:
            raise ValueError(f"bad line range {part!r}")
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
        tool if isinstance(tool, str) and tool else None,
        model if isinstance(model, str) and model else None,
    )


def parse_note(text: str, where: str, warnings: list[str]) -> AuthorshipNote:
    """Parse one authorship log; problems become warnings naming `where`, never exceptions."""
    attestation, sep, meta_text = text.partition("\n---\n")
    if not sep and text.rstrip("\n").endswith("\n---"):
        attestation, meta_text = text.rstrip("\n")[:-4], ""
    metadata: dict[str, object] = {}
    if meta_text.strip():
        try:
            loaded = json.loads(meta_text)
            metadata = loaded if isinstance(loaded, dict) else {}
        except ValueError as exc:
            warnings.append(f"{where}: metadata is not JSON ({exc})")
    elif not sep:
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
            verdict = NoteVerdict(False, None, None, author if isinstance(author, str) else None)
        else:
            record = prompts.get(key) or sessions.get(key.split("::", 1)[0])
            if record is None:
                warnings.append(f"{where}:{number}: key {key} has no prompt/session record")
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
    order = sorted(blobs)
    out = git.run("cat-file", "--batch", input="".join(b + "\n" for b in order).encode())
    notes: dict[str, AuthorshipNote] = {}
    pos = 0
    for blob in order:
        end = out.find(b"\n", pos)
        if end < 0:
            warnings.append("git-ai notes: truncated `git cat-file --batch` output")
            break
        header = out[pos:end].decode("ascii", "replace").split()
        pos = end + 1
        if len(header) != 3 or header[1] != "blob":
            warnings.append(f"git-ai notes: note {blob} is not readable")
            continue
        size = int(header[2])
        text = out[pos : pos + size].decode("utf-8", "replace")
        pos += size + 1
        commit = blobs[blob]
        notes[commit] = parse_note(text, f"refs/notes/{ref} note of {commit[:12]}", warnings)
    return notes
