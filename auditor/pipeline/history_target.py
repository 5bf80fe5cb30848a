"""Where a run's history lives and under which name: resolved once for `audit` and `history`.

Location: `--history` (a file, or a `postgresql://` URL), else the config's `history`, else
ROOT/.auditor/history.sqlite. Name (the repository identity in a shared history): the
normalised URL of the `origin` remote (no scheme, credentials, port or `.git`; host in lower
case), else the config's `project`, else the project folder's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.drift.history import default_history_path
from auditor.drift.history_store import is_url
from auditor.support.git import normalise_remote, remote_url


@dataclass(frozen=True, slots=True)
class HistoryTarget:
    location: Path | str  # a SQLite file, or a PostgreSQL URL
    repository: str


def history_location(root: Path, given: str | None, config: AuditorConfig | None) -> Path | str:
    if given:
        return given if is_url(given) else Path(given).absolute()
    configured = config.history if config is not None else None
    if configured:
        return configured if is_url(configured) else root / configured
    return default_history_path(root)


def repository_identity(root: Path, config: AuditorConfig | None) -> str:
    url = remote_url(root)
    if url:
        return normalise_remote(url)
    if config is not None and config.project:
        return config.project
    return root.name


def resolve_history(root: Path, given: str | None, config: AuditorConfig | None) -> HistoryTarget:
    return HistoryTarget(history_location(root, given, config), repository_identity(root, config))
