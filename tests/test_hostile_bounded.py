"""Small hostile inputs cannot make huge outputs, deep JSON cannot crash, special files are not read.

Reproduced before the fix: a 450 KB Agent Trace file (one 100 KB path, 10,000 bad ranges) made
a 2.0 GB report.json and took 4.9 GB; a 43 MB git note a 348 MB index.html; deeply nested JSON
in a trace, a note or the baseline ended in RecursionError ("internal error", exit 2); a baseline
symlinked to /dev/zero was read until memory ran out.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import pytest
from gitrepo import GitRepo
from hostile.cli import run_cli
from init_projects import write_files

from auditor.attribution.agent_trace import TRACE_FILE, read_traces
from auditor.attribution.agents import CommitInfo, load_agent_table
from auditor.attribution.gitai_notes import MAX_NOTE_BYTES
from auditor.config.model import AttributionSettings
from auditor.config.toml_source import read_toml
from auditor.domain import ConfigError
from auditor.support.bounded import STRING_LIMIT

FILES = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "import os\n" * 30,
}
AUDIT = ["audit", "--no-semgrep", "--no-history", "--no-cache", "--out"]
REPORT_LIMIT = 3 << 20  # bytes: each report file stays under a few MB
RSS_LIMIT_MB = 600


def _trace_bomb(root: Path, revision: str, ranges: int = 10_000) -> int:
    record = {
        "version": "0.1",
        "vcs": {"type": "git", "revision": revision},
        "files": [
            {
                "path": "P" * 100_000,
                "conversations": [{"contributor": {"type": "ai"}, "ranges": [{"start_line": -i} for i in range(ranges)]}],
            }
        ],
    }
    text = json.dumps(record) + "\n"
    (root / ".agent-trace").mkdir(exist_ok=True)
    (root / TRACE_FILE).write_text(text)
    return len(text)


def _report_sizes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in out.iterdir()}


def test_trace_bomb_reading_is_bounded_in_memory_and_warnings(tmp_path: Path) -> None:
    size = _trace_bomb(tmp_path, "a" * 40)
    assert size < 500_000
    warnings: list[str] = []
    tracemalloc.start()
    try:
        read_traces(tmp_path, warnings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20, f"peak {peak / 2**20:.1f} MB"
    assert len(warnings) == 21
    assert warnings[-1] == f"{TRACE_FILE}: and 9,980 more warnings like these"
    assert all(len(w) < 400 for w in warnings) and "P…P" in warnings[0]


def test_trace_bomb_gives_small_reports(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    sha = GitRepo(root).commit(FILES, "initial")
    _trace_bomb(root, sha)
    out = tmp_path / "report"
    run = run_cli([*AUDIT, str(out)], cwd=root, timeout=300)
    run.assert_clean(codes=(0,))
    sizes = _report_sizes(out)
    assert sizes and all(size < REPORT_LIMIT for size in sizes.values()), sizes
    assert run.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {run.max_rss_mb:.0f} MB"
    warnings = json.loads((out / "report.json").read_text())["run"]["warnings"]
    assert any("more warnings like these" in w for w in warnings), warnings[-3:]


def test_huge_and_noisy_git_notes_give_small_reports(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    repo = GitRepo(root)
    first = repo.commit(FILES, "initial")
    second = repo.commit({"app/api/more.py": "import os\n"}, "more")
    # under the per-note limit but all noise: 200,000 unreadable lines with long keys
    noisy = "app/api/views.py\n" + "".join(f"  {'k' * 20}{i} x-y\n" for i in range(200_000)) + "---\n{}\n"
    assert len(noisy) < MAX_NOTE_BYTES
    repo.add_note("refs/notes/ai", first, noisy)
    huge = "app/api/more.py\n  abcdef0123456789 1\n---\n" + json.dumps({"pad": "x" * (MAX_NOTE_BYTES + 10)})
    repo.add_note("refs/notes/ai", second, huge)
    out = tmp_path / "report"
    run = run_cli([*AUDIT, str(out)], cwd=root, timeout=300)
    run.assert_clean(codes=(0,))
    sizes = _report_sizes(out)
    assert all(size < REPORT_LIMIT for size in sizes.values()), sizes
    warnings = json.loads((out / "report.json").read_text())["run"]["warnings"]
    assert any(f"note of {second[:12]}: larger than 8 MB" in w for w in warnings), warnings
    assert any(w.startswith("refs/notes/ai: and ") for w in warnings), warnings[-3:]


def test_deep_json_in_trace_and_note_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    repo = GitRepo(root)
    sha = repo.commit(FILES, "initial")
    repo.add_note("refs/notes/ai", sha, "app/api/views.py\n  abcdef0123456789 1\n---\n" + "[" * 200_000)
    (root / ".agent-trace").mkdir()
    (root / TRACE_FILE).write_text("[" * 200_000 + "]" * 200_000 + "\n" + '{"a":' * 100_000 + "\n")
    out = tmp_path / "report"
    run = run_cli([*AUDIT, str(out)], cwd=root, timeout=300)
    run.assert_clean(codes=(0,))
    assert "internal error" not in run.stderr
    warnings = json.loads((out / "report.json").read_text())["run"]["warnings"]
    assert f"{TRACE_FILE}:1: not JSON (JSON nested deeper than 64 levels; not read)" in warnings
    assert f"{TRACE_FILE}:2: not JSON (JSON nested deeper than 64 levels; not read)" in warnings
    assert any("metadata is not JSON (JSON nested deeper than 64 levels" in w for w in warnings), warnings


def _check_with_baseline(root: Path, *args: str) -> str:
    run = run_cli(["check", "--no-semgrep", "--no-cache", *args], cwd=root, timeout=60)
    run.assert_clean(codes=(2,))
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error" not in lines[0], run.stderr
    return lines[0]


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file (a character device); not read"),
        (lambda p: os.mkfifo(p), "not a regular file (a fifo); not read"),
        (lambda p: p.write_text('{"findings": ' + "[" * 100_000), "JSON nested deeper than 64 levels"),
        (
            lambda p: p.write_text('{"version": 1, "findings": [' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "]}"),
            "JSON nested deeper than 64 levels",
        ),
    ],
    ids=["dev-zero", "fifo", "deep-unterminated", "deep-valid"],
)
def test_hostile_baseline_is_one_line_and_exit_2(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {**FILES, "pyproject.toml": '[tool.auditor]\npackages = ["app"]\n'})
    make(tmp_path / "auditor-baseline.json")
    line = _check_with_baseline(tmp_path)
    assert line.startswith("auditor: error: ") and "auditor-baseline.json" in line
    assert expected in line, line


def test_agent_and_model_names_from_trailers_are_clipped() -> None:
    table = load_agent_table(AttributionSettings())
    assert len(table.agent_for_tool("T" * 100_000)) <= STRING_LIMIT
    info = CommitInfo("c" * 40, "Ann", "ann@example.com", "", "Ann", "ann@example.com",
                      (("Assisted-by", "Tool:" + "m" * 100_000),), "msg")  # fmt: skip
    match = table.classify(info)
    assert match is not None and match.ai
    assert len(match.agent or "") <= STRING_LIMIT and len(match.model or "") <= STRING_LIMIT


@pytest.mark.parametrize("make", [lambda p: p.symlink_to("/dev/zero"), lambda p: os.mkfifo(p)], ids=["dev-zero", "fifo"])
def test_special_toml_files_are_refused_not_read(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    # discovery and pack resolution already skip what is not a file; the reader refuses it too
    # (a file swapped for a fifo after that check would otherwise block the run)
    make(tmp_path / "auditor.toml")
    with pytest.raises(ConfigError, match="not a regular file"):
        read_toml(tmp_path / "auditor.toml")
    write_files(tmp_path, FILES)
    line = _check_with_baseline(tmp_path, "--config", "auditor.toml")  # exit 2, one line, no hang
    assert "config file not found" in line, line
