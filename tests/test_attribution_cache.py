"""Blame cache: an unchanged file is never blamed twice (git calls counted via a wrapper script)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import GitRepo, isolate, logged_git

from auditor.attribution import attribute
from auditor.config.model import AttributionSettings

SETTINGS = AttributionSettings()


def counting_git(tmp_path: Path) -> tuple[str, Path]:
    """A git wrapper that appends its arguments to a log, one call per line."""
    script, log = logged_git(tmp_path)
    return str(script), log


def calls(log: Path, verb: str) -> int:
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if f" {verb} " in f" {line} ")


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate(monkeypatch)
    r = GitRepo(tmp_path / "repo")
    r.commit({f"pkg/m{i}.py": f"x = {i}\n" for i in range(3)}, "three files")
    r.commit(
        {"pkg/m0.py": "x = 0\ny = 1\n"}, "second", trailers=[("Co-authored-by", "Codex <noreply@openai.com>")]
    )
    return r


def test_second_run_blames_nothing_and_one_change_blames_one_file(repo: GitRepo, tmp_path: Path) -> None:
    git, log = counting_git(tmp_path)
    paths = [f"pkg/m{i}.py" for i in range(3)]
    cache = tmp_path / "cache"
    first = attribute(repo.path, paths, SETTINGS, cache_dir=cache, git=git)
    assert calls(log, "blame") == 3 and first.blamed_files == 3
    log.unlink()
    second = attribute(repo.path, paths, SETTINGS, cache_dir=cache, git=git)
    assert calls(log, "blame") == 0 and second.blamed_files == 0
    assert calls(log, "log") == 0  # commit metadata came from the cache too
    assert second.files == first.files and second.summary == first.summary
    log.unlink()
    repo.commit({"pkg/m1.py": "x = 1\nz = 2\n"}, "touch one file")
    third = attribute(repo.path, paths, SETTINGS, cache_dir=cache, git=git)
    assert calls(log, "blame") == 1 and third.blamed_files == 1
    assert [o.commit for o in third.files["pkg/m1.py"].lines][1] == repo.head()
    assert third.files["pkg/m0.py"] == first.files["pkg/m0.py"]
    log.unlink()
    repo.write({"pkg/m2.py": "x = 2\nuncommitted = True\n"})
    fourth = attribute(repo.path, paths, SETTINGS, cache_dir=cache, git=git)
    assert calls(log, "blame") == 1
    assert [str(o.origin) for o in fourth.files["pkg/m2.py"].lines] == ["human", "unknown"]


def test_blame_options_are_part_of_the_key(repo: GitRepo, tmp_path: Path) -> None:
    git, log = counting_git(tmp_path)
    cache = tmp_path / "cache"
    attribute(repo.path, ["pkg/m0.py"], SETTINGS, cache_dir=cache, git=git)
    attribute(repo.path, ["pkg/m0.py"], AttributionSettings(blame_options=("-w",)), cache_dir=cache, git=git)
    attribute(repo.path, ["pkg/m0.py"], AttributionSettings(blame_options=("-w",)), cache_dir=cache, git=git)
    assert calls(log, "blame") == 2
    assert any("blame " in line and "--incremental -w" in line for line in log.read_text().splitlines())


def test_without_a_cache_dir_every_run_blames(repo: GitRepo, tmp_path: Path) -> None:
    git, log = counting_git(tmp_path)
    for _ in range(2):
        attribute(repo.path, ["pkg/m0.py", "pkg/m1.py"], SETTINGS, cache_dir=None, git=git)
    assert calls(log, "blame") == 4


def test_corrupt_cache_is_rebuilt(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "blame.sqlite").write_bytes(b"this is not a database" * 100)
    outcome = attribute(repo.path, ["pkg/m0.py"], SETTINGS, cache_dir=cache)
    assert [o.agent for o in outcome.files["pkg/m0.py"].lines] == [None, "codex"]
    assert any("rebuilt" in w for w in outcome.warnings)


def test_unusable_cache_dir_means_no_cache(repo: GitRepo, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    outcome = attribute(repo.path, ["pkg/m0.py"], SETTINGS, cache_dir=blocker / "cache")
    assert [o.agent for o in outcome.files["pkg/m0.py"].lines] == [None, "codex"]
    assert any("blame cache unusable" in w for w in outcome.warnings)


def test_blame_rows_are_stored_as_runs_and_read_back_line_for_line() -> None:
    import json

    from auditor.attribution.blame import BlamedLine, BlameRun, _decode, _encode, to_runs

    a, b = "a" * 40, "b" * 40
    lines = [
        BlamedLine(a, 1, "x.py"),
        BlamedLine(a, 2, "x.py"),
        BlamedLine(b, 7, "x.py"),
        BlamedLine(a, 3, "old/x.py"),  # same commit, another path: a new run
        BlamedLine(a, 9, "old/x.py"),  # a gap in the original lines: a new run
    ]
    runs = to_runs(lines)
    assert runs == [
        BlameRun(a, 1, "x.py", 2),
        BlameRun(b, 7, "x.py", 1),
        BlameRun(a, 3, "old/x.py", 1),
        BlameRun(a, 9, "old/x.py", 1),
    ]
    decoded = _decode(_encode(runs))
    assert decoded == runs
    assert [r.line(k) for r in decoded for k in range(r.length)] == lines
    # rows written one per line (before runs) still read
    per_line = {
        "c": [a, b],
        "p": ["x.py", "old/x.py"],
        "l": [[0, 1, 0], [0, 2, 0], [1, 7, 0], [0, 3, 1], [0, 9, 1]],
    }
    assert _decode(json.dumps(per_line)) == runs


def agents_of(repo: GitRepo, cache: Path, path: str = "pkg/m0.py") -> list[str | None]:
    outcome = attribute(repo.path, [path], SETTINGS, cache_dir=cache)
    return [o.agent for o in outcome.files[path].lines]


def test_amending_a_message_changes_the_verdict_without_clearing_the_cache(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert agents_of(repo, cache) == [None, "codex"]
    # remove the trailer: the file is byte-identical, its line now comes from the amended commit
    repo.git("commit", "-q", "--amend", "-m", "second", env={"GIT_COMMITTER_DATE": "2026-01-02T00:00:00Z"})
    assert agents_of(repo, cache) == [None, None]
    # add another agent's trailer back
    message = "second\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    repo.git("commit", "-q", "--amend", "-m", message, env={"GIT_COMMITTER_DATE": "2026-01-03T00:00:00Z"})
    assert agents_of(repo, cache) == [None, "claude-code"]


def test_rewriting_an_identity_changes_the_verdict(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert agents_of(repo, cache) == [None, "codex"]
    assert agents_of(repo, cache, "pkg/m1.py") == [None]
    repo.git(
        "commit", "-q", "--amend", "--no-edit", "--author", "Pat (aider) <pat@example.com>",
        env={"GIT_COMMITTER_DATE": "2026-01-02T00:00:00Z"},
    )
    # m1 was not touched by HEAD: its line still comes from the first commit, unchanged
    assert agents_of(repo, cache, "pkg/m1.py") == [None]
    assert agents_of(repo, cache) == [None, "aider"]


def test_moving_the_notes_ref_changes_the_verdict(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    head = repo.head()
    def note(tool: str) -> str:
        prompts = {"00112233aabbccdd": {"agent_id": {"tool": tool, "model": "m"}}}
        meta = json.dumps({"schema_version": "authorship/3.0.0", "prompts": prompts})
        return f"pkg/m0.py\n  00112233aabbccdd 2\n---\n{meta}\n"

    repo.add_note("refs/notes/ai", head, note("cursor"))
    assert agents_of(repo, cache) == [None, "cursor"]
    repo.add_note("refs/notes/ai", head, note("claude-code"))
    assert agents_of(repo, cache) == [None, "claude-code"]
    repo.git("update-ref", "-d", "refs/notes/ai")
    assert agents_of(repo, cache) == [None, "codex"]


def test_the_agent_table_and_the_trace_file_are_read_at_every_run(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert agents_of(repo, cache, "pkg/m1.py") == [None]
    extra = AttributionSettings(extra_ai_emails={"human@example.com": "house-agent"})
    outcome = attribute(repo.path, ["pkg/m1.py"], extra, cache_dir=cache)
    assert [o.agent for o in outcome.files["pkg/m1.py"].lines] == ["house-agent"]
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    record = {"vcs": {"type": "git", "revision": first}, "tool": {"name": "cursor"},
              "files": [{"path": "pkg/m1.py", "conversations": [{"contributor": {"type": "ai"},
                                                                  "ranges": [{"start_line": 1, "end_line": 1}]}]}]}
    repo.write({".agent-trace/traces.jsonl": json.dumps(record) + "\n"})
    assert agents_of(repo, cache, "pkg/m1.py") == ["cursor"]


def test_verdicts_are_cached_under_the_agent_table_and_config_key(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.attribution import agents

    cache = tmp_path / "cache"
    assert agents_of(repo, cache) == [None, "codex"]
    classified: list[str] = []
    real = agents.AgentTable.classify
    monkeypatch.setattr(agents.AgentTable, "classify", lambda self, c: classified.append(c.sha) or real(self, c))
    assert agents_of(repo, cache) == [None, "codex"]
    assert classified == []  # a warm run decides no commit again
    # another table: every verdict is decided again under its key
    table = tmp_path / "agents.toml"
    original = (agents.rules_dir() / "agents.toml").read_text(encoding="utf-8")
    table.write_text(original.replace('"noreply@openai.com", ', ""), encoding="utf-8")
    monkeypatch.setattr(agents, "rules_dir", lambda: tmp_path)
    assert agents_of(repo, cache) == [None, None]
    assert len(classified) == 2


def test_blame_reads_a_commit_graph_kept_in_the_cache_never_in_the_repository(
    repo: GitRepo, tmp_path: Path
) -> None:
    git, log = counting_git(tmp_path)
    paths = [f"pkg/m{i}.py" for i in range(3)]
    cache = tmp_path / "cache"
    plain = attribute(repo.path, paths, SETTINGS, cache_dir=None)
    first = attribute(repo.path, paths, SETTINGS, cache_dir=cache, git=git)
    assert first.files == plain.files
    assert (cache / "objects" / "info" / "commit-graph").is_file()
    assert not list((repo.path / ".git" / "objects" / "info").glob("commit-graph*"))
    assert calls(log, "commit-graph") == 1
    log.unlink()
    attribute(repo.path, paths, SETTINGS, cache_dir=cache, git=git)  # warm: nothing to blame
    repo.commit({"pkg/m1.py": "x = 1\nz = 2\n"}, "touch one file")
    third = attribute(repo.path, paths, SETTINGS, cache_dir=cache, git=git)
    assert calls(log, "commit-graph") == 1  # written again for the new HEAD, once
    assert third.files == attribute(repo.path, paths, SETTINGS, cache_dir=None).files


def test_no_commit_graph_in_a_shallow_clone_or_through_a_symlinked_cache_folder(
    repo: GitRepo, tmp_path: Path
) -> None:
    shallow = repo.clone(tmp_path / "shallow", "--depth", "1")
    attribute(shallow.path, ["pkg/m0.py"], SETTINGS, cache_dir=tmp_path / "c1")
    assert not (tmp_path / "c1" / "objects").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "c2").mkdir()
    (tmp_path / "c2" / "objects").symlink_to(elsewhere)
    outcome = attribute(repo.path, ["pkg/m0.py"], SETTINGS, cache_dir=tmp_path / "c2")
    assert [o.agent for o in outcome.files["pkg/m0.py"].lines] == [None, "codex"]
    assert not list(elsewhere.iterdir())
