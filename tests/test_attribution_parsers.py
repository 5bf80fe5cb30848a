"""The readers of hostile input: agent table, git-ai notes, Agent Trace records, blame output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.attribution.agent_trace import TRACE_FILE, read_traces
from auditor.attribution.agents import CommitInfo, load_agent_table, parse_trailers
from auditor.attribution.blame import BlameRun, parse_incremental
from auditor.attribution.gitai_notes import parse_note
from auditor.config.model import AttributionSettings

TABLE = load_agent_table(AttributionSettings())


def commit(
    author: tuple[str, str] = ("Pat", "pat@example.com"),
    trailers: tuple[tuple[str, str], ...] = (),
    message: str = "change",
    committer: tuple[str, str] | None = None,
) -> CommitInfo:
    committer = committer or author
    return CommitInfo("a" * 40, *author, "2026-01-01T00:00:00+00:00", *committer, trailers, message)


@pytest.mark.parametrize(
    ("info", "agent", "model"),
    [
        (
            commit(trailers=(("Co-Authored-By", "Claude Opus 4.5 <noreply@anthropic.com>"),)),
            "claude-code",
            "Claude Opus 4.5",
        ),
        (commit(trailers=(("Co-authored-by", "Claude <NoReply@Anthropic.com>"),)), "claude-code", None),
        (
            commit(message="x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n"),
            "claude-code",
            None,
        ),
        (commit(("claude[bot]", "209825114+claude[bot]@users.noreply.github.com")), "claude-code", None),
        (commit(trailers=(("Co-authored-by", "Codex <noreply@openai.com>"),)), "codex", None),
        (commit(("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com")), "copilot", None),
        (commit(trailers=(("Co-authored-by", "Copilot <copilot@github.com>"),)), "copilot", None),
        (commit(("Cursor Agent", "cursoragent@cursor.com")), "cursor", None),
        (commit(trailers=(("Made-with", "Cursor"),)), "cursor", None),
        (commit(("Pat (aider)", "pat@example.com")), "aider", None),
        (commit(trailers=(("Co-authored-by", "aider (gpt-4o) <aider@aider.chat>"),)), "aider", "gpt-4o"),
        (
            commit(
                ("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com")
            ),
            "devin",
            None,
        ),
        (
            commit(("google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com")),
            "jules",
            None,
        ),
        (commit(trailers=(("Co-authored-by", "Amp <amp@ampcode.com>"),)), "amp", None),
        (commit(trailers=(("Amp-Thread-ID", "https://ampcode.com/threads/T-1"),)), "amp", None),
        (
            commit(trailers=(("Co-authored-by", "Qwen-Coder <qwen-coder@alibabacloud.com>"),)),
            "qwen-code",
            None,
        ),
        (commit(("gemini-code-assist[bot]", "x@example.com")), "gemini", None),
        (
            commit(trailers=(("Assisted-by", "Claude:claude-3-opus coccinelle sparse"),)),
            "claude-code",
            "claude-3-opus",
        ),
        (commit(trailers=(("Assisted-by", "GitHub Copilot"),)), "copilot", None),
        (commit(trailers=(("Generated-by", "ChatGPT 5"),)), "chatgpt-5", None),
    ],
)
def test_agent_identities(info: CommitInfo, agent: str, model: str | None) -> None:
    match = TABLE.classify(info)
    assert match is not None and match.ai
    assert (match.agent, match.model) == (agent, model)


@pytest.mark.parametrize(
    "info",
    [
        commit(("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")),
        commit(("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")),
        commit(("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com")),
    ],
)
def test_bots_that_are_not_ai(info: CommitInfo) -> None:
    match = TABLE.classify(info)
    assert match is not None and not match.ai and match.agent is None


def test_people_named_like_agents_are_not_agents() -> None:
    assert TABLE.classify(commit(("Claude Monet", "claude@monet.fr"))) is None
    assert TABLE.classify(commit(trailers=(("Co-authored-by", "Jules Verne <jules@example.com>"),))) is None
    assert TABLE.classify(commit(message="mentions Claude Code but no marker")) is None


def test_config_extends_the_table() -> None:
    settings = AttributionSettings(
        extra_ai_emails={"bot@corp.example": "corp-agent"},
        extra_ai_name_patterns={r"build-agent-\d+": "builder"},
        extra_trailer_keys=("AI-Tool",),
    )
    table = load_agent_table(settings)

    def agent(info: CommitInfo) -> str | None:
        match = table.classify(info)
        assert match is not None and match.ai
        return match.agent

    assert agent(commit(trailers=(("Co-authored-by", "Bot <BOT@corp.example>"),))) == "corp-agent"
    assert agent(commit(("build-agent-7", "ci@corp.example"))) == "builder"
    assert agent(commit(trailers=(("AI-Tool", "Codex CLI"),))) == "codex"


def test_parse_trailers() -> None:
    assert parse_trailers("Co-authored-by: A <a@x>\x1fAssisted-by: Claude:opus\x1fnot a trailer") == (
        ("Co-authored-by", "A <a@x>"),
        ("Assisted-by", "Claude:opus"),
    )


def test_git_ai_note_keys_ranges_and_warnings() -> None:
    meta = {
        "schema_version": "authorship/3.0.0",
        "prompts": {"abcdef0123456789": {"agent_id": {"tool": "cursor", "model": "claude-4.5-opus"}}},
        "sessions": {"s_1234": {"agent_id": {"tool": "codex", "model": "gpt-5-codex"}}},
        "humans": {"h_99": {"author": "Pat <pat@example.com>"}},
    }
    text = (
        '"src/my file.py"\n  abcdef0123456789 1-4,9\n  h_99 3\n'
        "src/b.py\n  s_1234::t_00000000000001 2-3\n  abcdef0 5\n  deadbeefdeadbeef 1-x\n  ffff000011112222 7\n"
        "---\n" + json.dumps(meta)
    )
    warnings: list[str] = []
    note = parse_note(text, "note", warnings)
    assert note.verdict("src/my file.py", 3).human == "Pat <pat@example.com>"  # type: ignore[union-attr]
    assert note.verdict("src/my file.py", 4).agent == "cursor"  # type: ignore[union-attr]
    assert note.verdict("src/my file.py", 5) is None
    assert (note.verdict("src/b.py", 2).agent, note.verdict("src/b.py", 2).model) == ("codex", "gpt-5-codex")  # type: ignore[union-attr]
    assert note.verdict("src/b.py", 5).ai and note.verdict("src/b.py", 5).agent is None  # type: ignore[union-attr]
    assert note.verdict("src/b.py", 1) is None  # its entry had a bad range
    assert note.verdict("src/b.py", 7).ai  # type: ignore[union-attr]
    assert [w.split(": ", 1)[1] for w in warnings] == [
        "key abcdef0 has no prompt/session record",
        "bad line range '1-x'",
        "key ffff000011112222 has no prompt/session record",
    ]


def test_git_ai_note_garbage_never_raises() -> None:
    warnings: list[str] = []
    for text in ["", "---", "  orphan 1-2\n---\n{", "a.py\n  k 0-1\n---\n[]", "\x00\x01\n---\nnull"]:
        parse_note(text, "n", warnings)
    assert warnings


def test_agent_trace_lenient_reading(tmp_path: Path) -> None:
    good = {
        "version": "0.1.0",
        "vcs": {"type": "git", "revision": "ABCDEF1234567"},
        "tool": {"name": "cursor"},
        "files": [
            {
                "path": "./a.py",
                "conversations": [
                    {
                        "contributor": {"type": "ai", "model_id": "openai/gpt-5"},
                        "ranges": [
                            {"start_line": 1, "end_line": 2},
                            {"start_line": 3, "end_line": 3, "contributor": {"type": "human"}},
                            {"start_line": 5, "end_line": 4},
                        ],
                    }
                ],
            }
        ],
    }
    rows = [
        json.dumps(good),
        "{broken",
        "[1, 2]",
        json.dumps({"version": {"x": 1}, "vcs": {"type": "hg", "revision": "1"}, "files": []}),
        json.dumps(
            {"vcs": {"revision": "abc1234"}, "files": [{"path": "b.py", "conversations": [{"ranges": "x"}]}]}
        ),
        "",
    ]
    (tmp_path / ".agent-trace").mkdir()
    (tmp_path / TRACE_FILE).write_text("\n".join(rows))
    warnings: list[str] = []
    index = read_traces(tmp_path, warnings)
    full = "abcdef1234567" + "0" * 27
    index.resolve_revisions({full, "f" * 40})
    assert index.lookup(full, "a.py", 2).kind == "ai"  # type: ignore[union-attr]
    assert index.lookup(full, "a.py", 2).model == "openai/gpt-5"  # type: ignore[union-attr]
    assert index.lookup(full, "a.py", 3).kind == "human"  # type: ignore[union-attr]
    assert index.lookup(full, "a.py", 4) is None
    assert [w.split(": ", 1)[0] for w in warnings] == [
        f"{TRACE_FILE}:1",
        f"{TRACE_FILE}:2",
        f"{TRACE_FILE}:3",
        f"{TRACE_FILE}:4",
        f"{TRACE_FILE}:4",
        f"{TRACE_FILE}:5",
    ]


def test_incremental_entries_in_any_order_and_quoted_names() -> None:
    sha1, sha2 = "1" * 40, "2" * 40
    out = (
        f"{sha2} 1 3 1\nauthor B\nprevious {sha1} old.py\nfilename new.py\n"
        f'{sha1} 3 1 2\nauthor A\nsummary s\nfilename "we\\tird \\303\\251.py"\n'
        f'{sha1} 9 4 1\nfilename "we\\tird \\303\\251.py"\n'
        f"{sha1} 5 5 2\nboundary\nfilename new.py\n"
    ).encode()
    assert parse_incremental(out) == [
        BlameRun(sha1, 3, "we\tird é.py", 2),
        BlameRun(sha2, 1, "new.py", 1),
        BlameRun(sha1, 9, "we\tird é.py", 1),
        BlameRun(sha1, 5, "new.py", 2),
    ]
    # consecutive entries of one commit and path merge into one run
    merged = f"{sha1} 1 1 2\nfilename a.py\n{sha1} 3 3 1\nfilename a.py\n".encode()
    assert parse_incremental(merged) == [BlameRun(sha1, 1, "a.py", 3)]
    for bad in (b"garbage\n", f"{sha1} 1 2 1\nfilename a.py\n".encode(), f"{sha1} 1 1 1\nauthor A\n".encode()):
        with pytest.raises(ValueError):
            parse_incremental(bad)
