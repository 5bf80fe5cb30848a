"""The demo project generator: a deterministic git history with human and agent commits."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from auditor.domain.errors import UsageError
from auditor.usecases.demo.project import MARKER, DemoProject, checkout, create_demo_project


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True, encoding="utf-8"
    ).stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoProject:
    return create_demo_project(tmp_path_factory.mktemp("demo") / "project")


def test_history_is_deterministic(demo: DemoProject, tmp_path: Path) -> None:
    again = create_demo_project(tmp_path / "again")
    assert [c.sha for c in again.commits] == [c.sha for c in demo.commits]
    assert again.audit_points == demo.audit_points
    assert git(again.root, "notes", "--ref=ai", "list") == git(demo.root, "notes", "--ref=ai", "list")


def test_history_has_fixed_dates_and_the_audit_points_in_order(demo: DemoProject) -> None:
    log = git(demo.root, "log", "--reverse", "--format=%H %aI %cI").split("\n")
    rows = [line.split() for line in log if line]
    assert [r[0] for r in rows] == [c.sha for c in demo.commits]
    assert all(r[1] == r[2] and r[1].startswith("2026-01-") for r in rows)
    first, second = demo.audit_points
    shas = [c.sha for c in demo.commits]
    assert shas.index(first) < shas.index(second) == len(shas) - 1
    assert git(demo.root, "rev-parse", demo.branch).strip() == second
    assert git(demo.root, "status", "--porcelain") == ""  # the marker file is git-ignored


def test_agent_evidence_of_every_kind_is_in_the_history(demo: DemoProject) -> None:
    log = git(demo.root, "log", "--format=%an <%ae>|%cn <%ce>%n%B")
    assert "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>" in log
    assert "🤖 Generated with [Claude Code]" in log
    assert (
        "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>|GitHub <noreply@github.com>"
        in log
    )
    assert "Dana Lee (aider) <dana@shop.example>|Dana Lee (aider)" in log
    trailers = git(demo.root, "log", "--format=%(trailers:key=Co-Authored-By,valueonly)")
    assert "Claude Opus 4.5 <noreply@anthropic.com>" in trailers  # git parses it as a trailer
    assert {"claude-code", "copilot", "aider", "cursor", None} <= {c.agent for c in demo.commits}


def test_gitai_note_covers_the_refund_commit(demo: DemoProject) -> None:
    refunds = next(c for c in demo.commits if c.subject == "Add the refund flow")
    note = git(demo.root, "notes", "--ref=ai", "show", refunds.sha)
    attestation, _, metadata = note.partition("\n---\n")
    assert "shop/services/refunds.py\n  4f1c2b9a7d3e6a10 1-18" in attestation
    assert "shop/services/orders.py\n  4f1c2b9a7d3e6a10 " in attestation
    meta = json.loads(metadata)
    assert meta["schema_version"] == "authorship/3.0.0"
    assert meta["prompts"]["4f1c2b9a7d3e6a10"]["agent_id"]["tool"] == "cursor"
    # the orders.py ranges name exactly the lines that commit added
    diff = git(demo.root, "show", "--format=", "-U0", refunds.sha, "--", "shop/services/orders.py")
    added = [h for h in diff.splitlines() if h.startswith("@@")]
    assert added, diff
    ranges = attestation.split("shop/services/orders.py\n  4f1c2b9a7d3e6a10 ")[1].split("\n")[0]
    hunk_starts = [int(h.split("+")[1].split(",")[0].split(" ")[0]) for h in added]
    assert [int(part.split("-")[0]) for part in ranges.split(",")] == hunk_starts


def test_agent_trace_record_points_at_the_token_commit(demo: DemoProject) -> None:
    tokens = next(c for c in demo.commits if c.subject.startswith("Tokens:"))
    record = json.loads((demo.root / ".agent-trace" / "traces.jsonl").read_text(encoding="utf-8"))
    assert record["vcs"] == {"type": "git", "revision": tokens.sha}
    (entry,) = record["files"]
    assert entry["path"] == "shop/auth/tokens.py"
    length = len(git(demo.root, "show", f"{tokens.sha}:shop/auth/tokens.py").splitlines())
    assert entry["conversations"][0]["ranges"] == [{"start_line": 1, "end_line": length}]


def test_the_config_is_accepted_by_the_config_loader(demo: DemoProject) -> None:
    from auditor.config.loader import load_config

    config = load_config(demo.root)
    assert {"api", "services", "auth", "clients", "data", "domain"} <= set(config.layers)
    assert set(config.surfaces) == {"auth", "data_models", "api_contracts"}
    assert [c.id for c in config.contracts if c.pack is None] == [
        "layered",
        "only-db-uses-sqlalchemy",
        "no-cycles",
    ]
    legacy = next(e for e in config.exceptions if e.importer == "shop.domain.legacy")
    assert legacy.reason and legacy.expires is not None
    assert any(p.name == "python-security" for p in config.packs)


def test_violations_and_security_issues_sit_where_the_story_says(demo: DemoProject) -> None:
    def at(commit: str, path: str) -> str:
        return git(demo.root, "show", f"{commit}:{path}")

    claude = next(c for c in demo.commits if c.agent == "claude-code")
    copilot = next(c for c in demo.commits if c.agent == "copilot")
    aider = next(c for c in demo.commits if c.agent == "aider")
    assert "from shop.api.serializers import" in at(claude.sha, "shop/domain/pricing.py")
    assert 'cursor.execute(f"SELECT' in at(copilot.sha, "shop/services/reports.py")
    assert "from sqlalchemy import text" in at(copilot.sha, "shop/services/reports.py")
    assert "verify=False" in at(aider.sha, "shop/clients/payments.py")
    head = demo.commits[-1].sha
    assert "from shop.services.refunds import" in at(head, "shop/services/orders.py")
    assert "from shop.services import orders" in at(head, "shop/services/refunds.py")  # the cycle
    # a human violation at the first audit point that a later commit fixes
    assert "from shop.api.schemas import" in at(demo.audit_points[0], "shop/auth/tokens.py")
    assert "shop.api" not in at(head, "shop/auth/tokens.py")


def test_checkout_moves_between_the_audit_points(demo: DemoProject) -> None:
    checkout(demo, demo.audit_points[0])
    try:
        assert git(demo.root, "rev-parse", "HEAD").strip() == demo.audit_points[0]
        assert not (demo.root / "shop" / "services" / "refunds.py").exists()
    finally:
        checkout(demo, demo.branch)
    assert (demo.root / "shop" / "services" / "refunds.py").exists()


def test_refuses_to_overwrite_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty"):
        create_demo_project(tmp_path)
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_recreates_an_earlier_demo(tmp_path: Path) -> None:
    first = create_demo_project(tmp_path / "p")
    (first.root / "scratch.py").write_text("x = 1\n", encoding="utf-8")
    second = create_demo_project(tmp_path / "p")
    assert (second.root / MARKER).exists() and not (second.root / "scratch.py").exists()
    assert second.audit_points == first.audit_points
