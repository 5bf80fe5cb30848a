"""A git repository whose every string that reaches a report is hostile: file names, code, commit
messages, author names, trailer values, git-ai notes, CODEOWNERS, plus two planted secrets."""

from __future__ import annotations

import json
from pathlib import Path

from gitrepo import GitRepo

SECRETS = ("hunter2-SECRET-VALUE", "AKIAIOSFODNN7EXAMPLE", "s3cr3t-Passw0rd-XYZ")
# file names that are module names (no whitespace, no dots) but carry markup and injections
HOSTILE_NAMES = (
    "x<script>alert(1)<",
    "m%0A::error::owned%25",
    "md|[x](javascript:alert(7))`",
    "esc\x1b[31mred\x07bell",
    "rlo\u202eexe\u2066",  # bidi controls: reorder what a reviewer sees
)
# an Agent Trace path and a contract guidance whose newlines start workflow commands in CI logs
TRACE_PATH = "app/x\n::add-mask::trace-path \u202e\n```\nhttp://evil.test www.evil.test a@evil.test @alice #12"
GUIDANCE_TAIL = "\\n::add-mask::guidance-nl \\u202e\\n```\\nsee http://evil.test www.evil.test a@evil.test @alice #12"
EVIL_AUTHOR = ('<script>alert("author")</script>', "evil@example.com")
EVIL_MESSAGE = '<script>alert("commit")</script>\n::error::injected%0A\n'
EVIL_TRAILERS = [
    ("Co-authored-by", "<img src=x onerror=alert(3)> <noreply@anthropic.com>"),
    ("Assisted-by", "</td><script>alert(4)</script>:model<script>"),
    ("Generated-by", "::warning::pwned%0A<b>bold</b>"),
]


def note_text(paths: list[str]) -> str:
    meta = {
        "schema_version": "authorship/3.0.0",
        "base_commit_sha": "0" * 40,
        "prompts": {
            "abcdef0123456789": {
                "agent_id": {
                    "tool": "<script>alert(5)</script>",
                    "id": "s1",
                    "model": '"><svg onload=alert(6)>',
                },
                "messages": [],
            }
        },
    }
    body = "".join(f"{p}\n  abcdef0123456789 1-40\n" for p in paths)
    return f"{body}---\n{json.dumps(meta)}\n"


def write_report_repo(root: Path) -> GitRepo:
    files: dict[str, str | None] = {
        "pyproject.toml": (
            '[tool.auditor]\npackages = ["app"]\npacks = ["builtin:python-security"]\n\n'
            '[tool.auditor.layers]\napi = ["app.api.**"]\ndomain = ["app.domain.**"]\n\n'
            '[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\nlayers = ["api", "domain"]\n'
            f'guidance = "<script>alert(8)</script> | ::error::guidance{GUIDANCE_TAIL}"\n'
        ),
        ".github/CODEOWNERS": "* @evil-<script>alert(9)</script>\n",
        "app/__init__.py": "",
        "app/api/__init__.py": "",
        "app/api/views.py": "def view():\n    return '<script>alert(10)</script>'\n",
        "app/domain/__init__.py": "",
        "app/settings_secrets.py": (
            "import boto3\n\n"
            f'DATABASE_PASSWORD = "{SECRETS[0]}<script>alert(2)</script>"\n'
            f'api_key = "{SECRETS[2]}"\n'
            f's3 = boto3.client("s3", aws_access_key_id="{SECRETS[1]}")\n'
        ),
    }
    for name in HOSTILE_NAMES:
        files[f"app/domain/{name}.py"] = "# <script>alert(11)</script>\nfrom app.api import views\n"
    repo = GitRepo(root)
    sha = repo.commit(files, EVIL_MESSAGE, author=EVIL_AUTHOR, trailers=EVIL_TRAILERS)
    repo.add_note("refs/notes/ai", sha, note_text(sorted(p for p in files if p.endswith(".py"))))
    trace = {
        "vcs": {"type": "git", "revision": sha},
        "files": [{"path": TRACE_PATH, "conversations": [{"ranges": [{"start_line": 0}]}]}],
    }
    (root / ".agent-trace").mkdir()
    (root / ".agent-trace" / "traces.jsonl").write_text(json.dumps(trace) + "\n")
    return repo
