#!/usr/bin/env python3
"""Claude Code hook (PostToolUse on Edit|Write|MultiEdit): after the agent edits a Python file,
run `auditor check --base <merge base> --only <file> --format json` and hand the change's new
findings back to the agent.

Claude Code passes the hook a JSON object on stdin (`cwd`, `tool_name`, `tool_input.file_path`,
...). Exit 0 says nothing; exit 2 shows stderr to the agent, which then fixes what it broke.
Any other problem (no git, no auditor, a broken configuration) exits 1: Claude Code shows it to
the user and the agent carries on.

Settings (environment):
  AUDITOR_BASE_BRANCH  the branch the change will merge into (default: origin/main, else main)
  AUDITOR              the auditor command (default: auditor)
  AUDITOR_HOOK_ARGS    extra arguments for `auditor check`, e.g. "--no-semgrep" for speed
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

EDIT_TOOLS = {"Edit", "Write", "MultiEdit"}


def merge_base(cwd: str) -> str | None:
    wanted = os.environ.get("AUDITOR_BASE_BRANCH")
    for branch in [wanted] if wanted else ["origin/main", "main"]:
        done = subprocess.run(
            ["git", "merge-base", "HEAD", branch], cwd=cwd, capture_output=True, text=True, check=False
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    return None


def report(findings: list[dict], path: str) -> str:
    lines = [f"auditor: your edit of {path} adds {len(findings)} architecture finding(s); fix them before going on:"]
    for f in findings:
        where = f"{f.get('path')}:{f.get('line')}" if f.get("line") else str(f.get("path"))
        lines.append(f"- [{f['rule']}] {where}: {f['message']}")
        if f.get("guidance"):
            lines.append(f"  instead: {f['guidance']}")
        chain = f.get("chain") or []
        if chain:
            lines.append("  via " + " -> ".join([chain[0]["importer"], *(hop["imported"] for hop in chain)]))
    lines.append("`auditor rules explain RULE` (or the MCP tool `explain`) says why and what to do instead.")
    return "\n".join(lines)


def main() -> int:
    try:
        event = json.load(sys.stdin)
    except ValueError:
        print("auditor hook: the hook input is not JSON", file=sys.stderr)
        return 1
    path = (event.get("tool_input") or {}).get("file_path") or ""
    if event.get("tool_name") not in EDIT_TOOLS or not path.endswith(".py"):
        return 0
    cwd = event.get("cwd") or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd()
    project = os.path.realpath(cwd)
    if not os.path.realpath(os.path.join(cwd, path)).startswith(project + os.sep):
        return 0  # a file outside the project (a scratch file, another checkout): not ours to check
    base = merge_base(cwd)
    if base is None:
        print("auditor hook: no merge base with the base branch (set AUDITOR_BASE_BRANCH)", file=sys.stderr)
        return 1
    command = [
        *shlex.split(os.environ.get("AUDITOR", "auditor")),
        "check", cwd, "--base", base, "--only", path, "--format", "json",
        *shlex.split(os.environ.get("AUDITOR_HOOK_ARGS", "")),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        print(done.stderr.strip() or f"auditor hook: auditor exited {done.returncode}", file=sys.stderr)
        return 1
    try:
        findings = [f for f in json.loads(done.stdout)["findings"] if f.get("status") == "new"]
    except (ValueError, KeyError, TypeError):
        print("auditor hook: auditor printed no JSON report", file=sys.stderr)
        return 1
    if not findings:
        return 0
    print(report(findings, path), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
