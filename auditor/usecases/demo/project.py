"""The `shop` demo project: a layered package with a real, deterministic git history.

Human commits and commits by several coding agents (a Claude Code trailer, the Copilot bot,
an aider author, a git-ai note on refs/notes/ai and an Agent Trace record), introducing a few
architecture violations (domain -> api, a cycle, sqlalchemy outside shop.db) and security issues
(raw SQL f-string, verify=False). Every date and identity is fixed, and git runs without the
user's or the system's configuration, so the commit ids are the same on every machine.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from auditor.domain.errors import GitError, UsageError
from auditor.support.git import Git, GitCommandFailed, GitUnavailable
from auditor.support.safe_files import ensure_dir, refuse_link, write_file
from auditor.usecases.demo import rewritten_sources as rewritten
from auditor.usecases.demo import sources as src

BRANCH = "main"
BRIEF_FILE = "AGENTS.md"  # the committed architecture brief
MARKER = ".auditor-demo"  # marks a directory this module created (safe to recreate)
ALICE = ("Alice Ng", "alice@shop.example")
BOB = ("Bob Marsh", "bob@shop.example")
CAROL = ("Carol Diaz", "carol@shop.example")
COPILOT = ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com")
GITHUB = ("GitHub", "noreply@github.com")
AIDER = ("Dana Lee (aider)", "dana@shop.example")
GITAI_PROMPT = "4f1c2b9a7d3e6a10"
TRACE_ID = "0b8f1f3e-5c43-4d0a-9a65-6f2f3c1d7e21"


@dataclass(frozen=True, slots=True)
class DemoCommit:
    sha: str
    subject: str
    author: str
    date: str
    agent: str | None  # the agent the history records for it, if any


@dataclass(frozen=True, slots=True)
class DemoProject:
    root: Path
    commits: tuple[DemoCommit, ...]  # oldest first
    audit_points: tuple[str, str]  # the commits the demo audits, in order (first, then HEAD)
    branch: str = BRANCH


@dataclass(frozen=True, slots=True)
class _Step:
    subject: str
    body: str
    date: str  # ISO 8601 with offset
    author: tuple[str, str]
    files: Mapping[str, str]
    committer: tuple[str, str] | None = None  # default: the author
    agent: str | None = None


def _package_inits() -> dict[str, str]:
    docs = {
        "shop": "The shop: a layered web application.",
        "shop/api": "HTTP layer.",
        "shop/services": "Use cases.",
        "shop/auth": "Authentication.",
        "shop/clients": "Outbound HTTP clients.",
        "shop/db": "Data access.",
        "shop/domain": "Domain model.",
    }
    return {f"{pkg}/__init__.py": src.INIT.format(doc=doc) for pkg, doc in docs.items()}


def _steps() -> list[_Step]:
    claude_trailer = (
        "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>"
    )
    return [
        _Step(
            "Initial shop service: layered api, services, db, domain",
            "Layers and contracts are declared in pyproject.toml under [tool.auditor].",
            "2026-01-05T09:00:00+00:00",
            ALICE,
            {
                "pyproject.toml": src.PYPROJECT,
                ".gitignore": src.GITIGNORE,
                "README.md": src.README,
                ".github/CODEOWNERS": src.CODEOWNERS,
                **_package_inits(),
                "shop/settings.py": src.SETTINGS,
                "shop/api/schemas.py": src.API_SCHEMAS,
                "shop/api/serializers.py": src.API_SERIALIZERS,
                "shop/api/routes.py": src.API_ROUTES,
                "shop/services/orders.py": src.SERVICES_ORDERS,
                "shop/domain/models.py": src.DOMAIN_MODELS,
                "shop/domain/legacy.py": src.DOMAIN_LEGACY,
                "shop/db/session.py": src.DB_SESSION,
                "shop/db/repository.py": src.DB_REPOSITORY,
                "shop/auth/tokens.py": rewritten.AUTH_TOKENS_V1,
            },
        ),
        _Step(
            "Add the payments client and checkout",
            "",
            "2026-01-07T14:30:00+00:00",
            BOB,
            {
                "shop/clients/payments.py": rewritten.CLIENTS_PAYMENTS_V1,
                "shop/services/orders.py": src.SERVICES_ORDERS_WITH_PAYMENT,
            },
        ),
        _Step(
            "Add discount codes to pricing",
            claude_trailer,
            "2026-01-09T11:15:00+00:00",
            ALICE,
            {
                "shop/domain/pricing.py": src.DOMAIN_PRICING,
                "shop/services/orders.py": src.SERVICES_ORDERS_WITH_PRICING,
            },
            agent="claude-code",
        ),
        _Step(
            "Add a sales report endpoint",
            "Co-authored-by: Bob Marsh <bob@shop.example>",
            "2026-01-12T16:45:00+00:00",
            COPILOT,
            {
                "shop/services/reports.py": src.SERVICES_REPORTS,
                "shop/api/routes.py": src.API_ROUTES_WITH_REPORTS,
            },
            committer=GITHUB,
            agent="copilot",
        ),
        _Step(
            "Retry payment provider calls",
            "The sandbox provider has a self-signed certificate.",
            "2026-01-13T10:05:00+00:00",
            AIDER,
            {"shop/clients/payments.py": rewritten.CLIENTS_PAYMENTS_V2},
            agent="aider",
        ),
        _Step(
            "Add the refund flow",
            "Written with Cursor; git-ai recorded the AI lines in refs/notes/ai.",
            "2026-01-14T13:20:00+00:00",
            BOB,
            {
                "shop/services/refunds.py": src.SERVICES_REFUNDS,
                "shop/services/orders.py": src.SERVICES_ORDERS_WITH_REFUNDS,
            },
            agent="cursor",
        ),
        _Step(
            "Tokens: configurable expiry; auth no longer imports api schemas",
            "",
            "2026-01-15T09:40:00+00:00",
            CAROL,
            {"shop/auth/tokens.py": rewritten.AUTH_TOKENS_V2},
            agent="cursor",
        ),
    ]


def create_demo_project(dest: Path) -> DemoProject:
    """Write the demo project into `dest` (missing, empty, or an earlier demo) and commit its history."""
    _prepare(dest)
    git = _Git(dest)
    git.run("init", "-q", "-b", BRANCH)
    write_file(dest / MARKER, "created by `auditor demo`; safe to delete\n")
    commits: list[DemoCommit] = []
    steps = _steps()
    steps[0] = _with_brief(dest, steps[0])
    for step in steps:
        sha = _commit(git, step)
        commits.append(
            DemoCommit(sha, step.subject, f"{step.author[0]} <{step.author[1]}>", step.date, step.agent)
        )
    refunds, tokens = commits[5], commits[6]
    _add_gitai_note(git, refunds.sha, refunds.date)
    trace_step = _Step(
        "Record the Agent Trace of the token change",
        "",
        "2026-01-16T08:00:00+00:00",
        CAROL,
        {".agent-trace/traces.jsonl": _agent_trace_record(tokens.sha, tokens.date)},
    )
    commits.append(
        DemoCommit(
            _commit(git, trace_step), trace_step.subject, f"{CAROL[0]} <{CAROL[1]}>", trace_step.date, None
        )
    )
    return DemoProject(root=dest, commits=tuple(commits), audit_points=(commits[2].sha, commits[-1].sha))


def _with_brief(dest: Path, first: _Step) -> _Step:
    """The first commit with the AGENTS.md `auditor brief` writes for its configuration: the
    brief the agents of the later commits had, which `auditor demo` checks for staleness."""
    from auditor.usecases.brief import project_brief

    for rel in ("pyproject.toml", ".github/CODEOWNERS"):
        write_file(dest / rel, first.files[rel], inside=dest)
    brief = project_brief(dest, None)
    return dataclasses.replace(first, files={**first.files, BRIEF_FILE: brief})


def checkout(project: DemoProject, commit: str) -> None:
    """Check out one commit of the demo history (detached), or the branch by name."""
    git = _Git(project.root)
    if commit == project.branch:
        git.run("checkout", "-q", commit)
    else:
        git.run("checkout", "-q", "--detach", commit)


def _prepare(dest: Path) -> None:
    refuse_link(dest)
    if dest.exists():
        if not dest.is_dir():
            raise UsageError(f"{dest}: exists and is not a directory")
        entries = list(dest.iterdir())
        if entries and not _is_marker(dest / MARKER):
            raise UsageError(f"{dest}: not empty and not an earlier demo project; choose another --out")
        _remove_tree(dest)
    ensure_dir(dest)


def _is_marker(path: Path) -> bool:
    """The marker this module writes: a regular file (a symlink named like it is not)."""
    return path.is_file() and not path.is_symlink()


def _remove_tree(path: Path) -> None:
    """Delete an earlier demo project (only ever called on a directory holding MARKER)."""
    import shutil

    shutil.rmtree(path)


def _commit(git: _Git, step: _Step) -> str:
    for rel, text in step.files.items():
        write_file(git.root / rel, text, inside=git.root)
    git.run("add", "-A")
    message = step.subject + (f"\n\n{step.body}" if step.body else "") + "\n"
    committer = step.committer or step.author
    env = {
        "GIT_AUTHOR_NAME": step.author[0],
        "GIT_AUTHOR_EMAIL": step.author[1],
        "GIT_AUTHOR_DATE": step.date,
        "GIT_COMMITTER_NAME": committer[0],
        "GIT_COMMITTER_EMAIL": committer[1],
        "GIT_COMMITTER_DATE": step.date,
    }
    git.run("commit", "-q", "--no-verify", "--cleanup=verbatim", "-F", "-", env=env, stdin=message)
    return git.run("rev-parse", "HEAD").strip()


def _added_lines(before: str, after: str) -> list[int]:
    """1-based numbers of the lines of `after` that a diff from `before` adds."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    return [
        line + 1
        for tag, _, _, start, end in matcher.get_opcodes()
        if tag in ("insert", "replace")
        for line in range(start, end)
    ]


def _ranges(lines: list[int]) -> str:
    """git-ai's range syntax for sorted line numbers: `3,7-9,12`."""
    out = []
    for _, group in itertools.groupby(enumerate(lines), lambda pair: pair[1] - pair[0]):
        run = [line for _, line in group]
        out.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ",".join(out)


def gitai_note(sha: str) -> str:
    """A git-ai (standard v3) authorship note for the refund commit: Cursor wrote its new lines."""
    refunds = list(range(1, src.SERVICES_REFUNDS.count("\n") + 1))
    orders = _added_lines(src.SERVICES_ORDERS_WITH_PRICING, src.SERVICES_ORDERS_WITH_REFUNDS)
    metadata = {
        "schema_version": "authorship/3.0.0",
        "base_commit_sha": sha,
        "prompts": {
            GITAI_PROMPT: {
                "agent_id": {"tool": "cursor", "id": "demo-session-1", "model": "gpt-5"},
                "human_author": f"{BOB[0]} <{BOB[1]}>",
                "messages": [],
                "total_additions": len(refunds) + len(orders),
                "total_deletions": 0,
                "accepted_lines": len(refunds) + len(orders),
                "overriden_lines": 0,
            }
        },
    }
    return (
        f"shop/services/orders.py\n  {GITAI_PROMPT} {_ranges(orders)}\n"
        f"shop/services/refunds.py\n  {GITAI_PROMPT} {_ranges(refunds)}\n"
        f"---\n{json.dumps(metadata, sort_keys=True)}\n"
    )


def _add_gitai_note(git: _Git, sha: str, date: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": BOB[0],
        "GIT_AUTHOR_EMAIL": BOB[1],
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": BOB[0],
        "GIT_COMMITTER_EMAIL": BOB[1],
        "GIT_COMMITTER_DATE": date,
    }
    git.run("notes", "--ref=ai", "add", "-F", "-", sha, env=env, stdin=gitai_note(sha))


def _agent_trace_record(sha: str, date: str) -> str:
    """One Agent Trace (v0.1) record: the token module as of `sha` was written by an agent."""
    record = {
        "version": "0.1.0",
        "id": TRACE_ID,
        "timestamp": date.replace("+00:00", "Z"),
        "vcs": {"type": "git", "revision": sha},
        "tool": {"name": "cursor", "version": "2.1.0"},
        "files": [
            {
                "path": "shop/auth/tokens.py",
                "conversations": [
                    {
                        "contributor": {"type": "ai", "model_id": "openai/gpt-5"},
                        "ranges": [{"start_line": 1, "end_line": rewritten.AUTH_TOKENS_V2.count("\n")}],
                    }
                ],
            }
        ],
    }
    return json.dumps(record, sort_keys=True) + "\n"


class _Git:
    """git in one directory, isolated from the user's and the system's configuration."""

    def __init__(self, root: Path) -> None:
        self.root = root
        env = {"GIT_CONFIG_GLOBAL": os.devnull, "TZ": "UTC"}
        config = (("commit.gpgsign", "false"), ("core.autocrlf", "false"))
        self.git = Git("git", root, env, isolated=True, config=config)

    def run(self, *args: str, env: Mapping[str, str] | None = None, stdin: str | None = None) -> str:
        git = self.git.with_env(env) if env else self.git
        data = stdin.encode("utf-8") if stdin is not None else None
        try:
            out = git.run(*args, input=data)
        except GitUnavailable as exc:
            raise GitError("git is not installed; the demo needs it to build its history") from exc
        except GitCommandFailed as exc:
            detail = (exc.stderr or exc.stdout.decode("utf-8", "replace")).strip().splitlines()
            raise GitError(
                f"git {args[0]} failed in {self.root}: {detail[-1] if detail else exc.returncode}"
            ) from None
        return out.decode("utf-8")
