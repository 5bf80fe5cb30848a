"""Where the shipped data lives: rule packs (top-level rules/) and report templates."""

from __future__ import annotations

from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[2]


def _locate(package: str, repo_relative: str) -> Path:
    checkout = _REPO_ROOT / repo_relative
    if checkout.is_dir():
        return checkout
    from importlib import resources

    return Path(str(resources.files(package)))


def rules_dir() -> Path:
    """The built-in rule packs (`builtin:NAME` resolves below here)."""
    return _locate("auditor._rules", "rules")


def templates_dir() -> Path:
    """The Jinja2 templates of the HTML report."""
    return _locate("auditor._templates", "reports/templates")
