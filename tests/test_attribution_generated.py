"""A generated history (hundreds of commits, every source, lines rewritten many times): per-file
line counts by origin must equal those computed independently from plain `git blame
--line-porcelain` plus the table of commits the generator kept."""

from __future__ import annotations

import json
import random
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from gitrepo import GitRepo, git_env, isolate

from auditor.attribution import attribute
from auditor.config.model import AttributionSettings

FILES = [f"pkg/f{i}.py" for i in range(5)]
# kind -> (author, trailers, origin, agent) of a commit made "by identity"
IDENTITIES = {
    "human": (("Hana", "hana@example.com"), [], "human", None),
    "claude": (
        ("Hana", "hana@example.com"),
        [("Co-Authored-By", "Claude Sonnet 4.5 <noreply@anthropic.com>")],
        "ai",
        "claude-code",
    ),
    "codex": (
        ("Hana", "hana@example.com"),
        [("Co-authored-by", "Codex <noreply@openai.com>")],
        "ai",
        "codex",
    ),
    "copilot": (
        ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"),
        [],
        "ai",
        "copilot",
    ),
    "cursor": (("Ivo", "ivo@example.com"), [("Made-with", "Cursor")], "ai", "cursor"),
    "aider": (("Ivo (aider)", "ivo@example.com"), [], "ai", "aider"),
    "assisted": (("Ivo", "ivo@example.com"), [("Assisted-by", "Gemini:gemini-2.5-pro")], "ai", "gemini"),
    "dependabot": (
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
        [],
        "human",
        None,
    ),
}
NOTE_META = {
    "schema_version": "authorship/3.0.0",
    "base_commit_sha": "",
    "prompts": {
        "00112233aabbccdd": {"agent_id": {"tool": "claude", "id": "x", "model": "opus"}, "messages": []}
    },
    "humans": {"h_aaaaaaaaaaaaaaaa": {"author": "Hana <hana@example.com>"}},
}


def generate(repo: GitRepo, commits: int, seed: int = 7) -> tuple[dict, dict, dict, list[dict]]:
    """Returns (identity origin by sha, note lines by sha, trace lines by sha, trace records)."""
    rnd = random.Random(seed)
    content: dict[str, list[str]] = {f: [] for f in FILES}
    table: dict[str, tuple[str, str | None]] = {}
    note_lines: dict[str, dict[tuple[str, int], str]] = {}
    trace_lines: dict[str, dict[tuple[str, int], str]] = {}
    records: list[dict] = []
    renamed = False
    for n in range(commits):
        if n == commits // 2 and not renamed:  # a rename mid-history: blame follows it
            sha = repo.mv(FILES[4], "pkg/renamed.py", message="rename")
            content["pkg/renamed.py"] = content.pop(FILES[4])
            table[sha] = ("human", None)
            renamed = True
            continue
        kind = rnd.choice([*IDENTITIES, "note", "note", "trace", "trace"])
        touched = rnd.sample(sorted(content), rnd.randint(1, 2))
        new_lines: dict[str, list[int]] = {}
        for path in touched:
            lines = content[path]
            start = rnd.randint(0, len(lines))
            removed = rnd.randint(0, min(4, len(lines) - start))
            added = [f"v_{n}_{k} = {n * 100 + k}\n" for k in range(rnd.randint(1, 6))]
            lines[start : start + removed] = added
            new_lines[path] = list(range(start + 1, start + 1 + len(added)))
        base_kind = kind if kind in IDENTITIES else ("human" if kind == "note" else "codex")
        author, trailers, origin, agent = IDENTITIES[base_kind]
        sha = repo.commit(
            {p: "".join(content[p]) for p in touched},
            f"change {n}",
            author=author,
            trailers=trailers,
            date=f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
        )
        table[sha] = (origin, agent)
        if kind == "note":
            body, marks = "", {}
            for path, numbers in new_lines.items():
                ai = numbers[: (len(numbers) + 1) // 2]
                human = numbers[len(ai) :][:1]
                body += f"{path}\n  00112233aabbccdd {','.join(map(str, ai))}\n"
                if human:
                    body += f"  h_aaaaaaaaaaaaaaaa {human[0]}\n"
                marks.update({(path, i): "ai" for i in ai} | {(path, i): "human" for i in human})
            repo.add_note("refs/notes/ai", sha, body + "---\n" + json.dumps(NOTE_META) + "\n")
            note_lines[sha] = marks
        if kind == "trace":
            path, numbers = next(iter(new_lines.items()))
            kind_of = rnd.choice(["ai", "human", "mixed"])
            rng = {"start_line": numbers[0], "end_line": numbers[-1]}
            records.append(
                {
                    "version": "0.1",
                    "vcs": {"type": "git", "revision": sha},
                    "tool": {"name": "cursor"},
                    "files": [
                        {"path": path, "conversations": [{"contributor": {"type": kind_of}, "ranges": [rng]}]}
                    ],
                }
            )
            trace_lines[sha] = {(path, i): kind_of for i in numbers}
    return table, note_lines, trace_lines, records


def independent_counts(
    repo: GitRepo, paths: list[str], table: dict, notes: dict, traces: dict, agents: Counter | None = None
) -> dict[str, Counter]:
    """Plain `git blame --line-porcelain` + the generator's knowledge of every commit."""
    out = {}
    agents = Counter() if agents is None else agents
    for path in paths:
        blame = subprocess.run(
            ["git", "blame", "--line-porcelain", "--", path],
            cwd=repo.path,
            capture_output=True,
            env=git_env(),
            check=True,
        ).stdout.decode()
        tally: Counter = Counter()
        sha = orig = name = None
        for line in blame.splitlines():
            parts = line.split(" ")
            if len(parts[0]) == 40 and len(parts) >= 3 and parts[1].isdigit():
                sha, orig = parts[0], int(parts[1])
            elif line.startswith("filename "):
                name = line[len("filename ") :]
            elif line.startswith("\t"):
                if sha == "0" * 40:
                    tally["unknown"] += 1
                elif (name, orig) in traces.get(sha, {}):
                    tally[traces[sha][(name, orig)]] += 1
                    agents["cursor"] += traces[sha][(name, orig)] == "ai"
                elif (name, orig) in notes.get(sha, {}):
                    tally[notes[sha][(name, orig)]] += 1
                    agents["claude-code"] += notes[sha][(name, orig)] == "ai"
                else:
                    tally[table[sha][0]] += 1
                    if table[sha][1]:
                        agents[table[sha][1]] += 1
        out[path] = tally
    return out


@pytest.mark.slow
def test_generated_history_matches_plain_blame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    table, notes, traces, records = generate(repo, 240)
    (repo.path / ".agent-trace").mkdir()
    (repo.path / ".agent-trace" / "traces.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    paths = sorted(p for p in repo.git("ls-files", "*.py").split())
    repo.write({paths[0]: (repo.path / paths[0]).read_text() + "uncommitted = 1\n"})
    outcome = attribute(repo.path, paths, AttributionSettings(), cache_dir=tmp_path / "cache", jobs=2)
    agents: Counter = Counter()
    expected = independent_counts(repo, paths, table, notes, traces, agents)
    got = {p: Counter({k: v for k, v in vars_of(outcome.summary.files[p]).items() if v}) for p in paths}
    assert got == expected
    assert outcome.summary.by_agent == {a: n for a, n in sorted(agents.items()) if n}
    assert sum(c["ai"] for c in expected.values()) > 50 and sum(c["human"] for c in expected.values()) > 50
    assert sum(c["mixed"] for c in expected.values()) > 0 and expected[paths[0]]["unknown"] == 1
    assert len(notes) > 10 and len(traces) > 10


def vars_of(counts: object) -> dict[str, int]:
    return {k: getattr(counts, k) for k in ("ai", "human", "mixed", "unknown")}
