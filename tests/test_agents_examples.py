"""examples/agents: the Claude Code hook run on a small repository with the hook input Claude Code
sends, and the MCP client configurations parsed and their server started with the SDK client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from gitrepo import GitRepo
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from shop_config import layered_shop

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "agents"
HOOK = EXAMPLES / "claude-code" / "auditor_check.py"
GUIDANCE = "Move the conversion into shop.api."
PYPROJECT = layered_shop().replace('layers = ["api", "domain"]\n', f'layers = ["api", "domain"]\nguidance = "{GUIDANCE}"\n')
BIN = str(Path(sys.executable).parent)  # the auditor command of this environment


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/api/__init__.py": "",
         "shop/api/views.py": "X = 1\n", "shop/domain/__init__.py": "", "shop/domain/rules.py": "Y = 2\n"},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "AUDITOR_HOOK_ARGS": "--no-semgrep",
        **extra,
    }


def run_hook(repo: GitRepo, tmp_path: Path, event: dict, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(HOOK)],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        env=env(tmp_path, **extra),
        cwd=tmp_path,
        check=False,
    )


def edit_event(repo: GitRepo, rel: str, tool: str = "Edit") -> dict:
    """What Claude Code sends a PostToolUse hook after an edit."""
    path = str(repo.path / rel)
    return {
        "session_id": "abc123",
        "transcript_path": "/tmp/transcript.jsonl",
        "cwd": str(repo.path),
        "hook_event_name": "PostToolUse",
        "tool_name": tool,
        "tool_input": {"file_path": path, "old_string": "Y = 2", "new_string": "..."},
        "tool_response": {"filePath": path, "success": True},
    }


def test_the_hook_reports_the_new_finding_of_the_edited_file_to_the_agent(repo, tmp_path):
    repo.write({"shop/domain/rules.py": "from shop.api import views\n", "shop/domain/other.py": "import shop.api\n"})
    done = run_hook(repo, tmp_path, edit_event(repo, "shop/domain/rules.py"), AUDITOR_BASE_BRANCH="main")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("auditor: your edit of ") and "adds 1 architecture finding(s)" in lines[0]
    assert lines[1].startswith("- [layered] shop/domain/rules.py:1: ")
    assert f"  instead: {GUIDANCE}" in lines
    assert "other.py" not in done.stderr  # only the edited file


def test_the_hook_is_silent_on_a_clean_edit_and_on_other_tools_and_files(repo, tmp_path):
    repo.write({"shop/domain/rules.py": "Y = 3\n"})
    clean = run_hook(repo, tmp_path, edit_event(repo, "shop/domain/rules.py", "Write"), AUDITOR_BASE_BRANCH="main")
    assert (clean.returncode, clean.stderr) == (0, "")
    notes = edit_event(repo, "README.md")
    assert run_hook(repo, tmp_path, notes).returncode == 0
    bash = {**edit_event(repo, "shop/domain/rules.py"), "tool_name": "Bash"}
    assert run_hook(repo, tmp_path, bash).returncode == 0
    scratch = tmp_path / "scratch.py"
    scratch.write_text("from shop.api import views\n")
    elsewhere = {**edit_event(repo, "x.py"), "tool_input": {"file_path": str(scratch)}}
    assert run_hook(repo, tmp_path, elsewhere).returncode == 0


def test_the_hook_says_why_it_cannot_check_without_blocking_the_agent(repo, tmp_path):
    done = run_hook(repo, tmp_path, edit_event(repo, "shop/domain/rules.py"), AUDITOR_BASE_BRANCH="nope")
    assert done.returncode == 1 and "merge base" in done.stderr
    (repo.path / "pyproject.toml").write_text("[tool.auditor]\npackages = 3\n")
    done = run_hook(repo, tmp_path, edit_event(repo, "shop/domain/rules.py"), AUDITOR_BASE_BRANCH="main")
    assert done.returncode == 1 and done.stderr.startswith("auditor: error: ")


def test_the_claude_code_settings_run_the_hook_after_edits():
    settings = json.loads((EXAMPLES / "claude-code" / "settings.json").read_text())
    (entry,) = settings["hooks"]["PostToolUse"]
    assert set(entry["matcher"].split("|")) == {"Edit", "Write", "MultiEdit"}
    assert entry["hooks"][0]["command"].endswith("/.claude/hooks/auditor_check.py")


@pytest.mark.parametrize("name", [".mcp.json", "mcp-servers.json"])
def test_the_mcp_configurations_start_the_server(name, repo, tmp_path):
    server = json.loads((EXAMPLES / name).read_text())["mcpServers"]["auditor"]
    assert server.get("type", "stdio") == "stdio"
    args = [str(repo.path) if a == "/path/to/your/project" else a for a in server["args"]]
    params = StdioServerParameters(
        command=server["command"], args=[*args, "--no-semgrep"], env=env(tmp_path), cwd=repo.path
    )

    async def main() -> list[str]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            info = await session.initialize()
            assert info.serverInfo.name == "auditor"
            rules = await session.call_tool("module_rules", {"module": "shop.domain.rules"})
            assert rules.structuredContent["may_not_import"][0]["layer"] == "api"
            return sorted(t.name for t in (await session.list_tools()).tools)

    assert anyio.run(main) == ["check", "explain", "import_path", "module_rules"]
