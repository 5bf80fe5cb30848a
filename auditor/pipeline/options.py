"""The options one run is made with: one typed context, resolved once (the CLI builds it from
its arguments in auditor.cli.run_options; nothing below the CLI sees argparse)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from auditor.domain import Severity
from auditor.domain.errors import UsageError
from auditor.support.cache_home import project_cache_dir


@dataclass(frozen=True)
class RunOptions:
    root: Path  # the project root (the folder of its configuration), not necessarily PATH
    config_file: Path | None = None
    packages: tuple[str, ...] = ()
    cache_dir: Path | None = None  # --cache-dir, checked (index.cache_location); None: default
    use_cache: bool = True
    jobs: int | None = None
    semgrep: bool = True
    semgrep_binary: str = "semgrep"
    baseline: Path | None = None  # None: config's baseline, else ROOT/auditor-baseline.json if present
    allow_incomplete: bool = False
    fail_on: Severity | None = None  # --fail-on; None: the config's fail_on
    today: dt.date = field(default_factory=dt.date.today)
    verbosity: int = 0

    @property
    def effective_cache_dir(self) -> Path:
        """--cache-dir, else the project's folder in the user's cache folder (never the tree)."""
        return self.cache_dir if self.cache_dir is not None else project_cache_dir(self.root)

    @property
    def cache_folder(self) -> Path | None:
        """The cache folder this run reads and writes; None with --no-cache."""
        return self.effective_cache_dir if self.use_cache else None


def project_root(path: str | None, *, config_given: bool = False) -> Path:
    """The root of the project PATH (default: the current directory) lies in: the folder of its
    configuration, found upward (see `auditor.config.project_root`); with --config
    (`config_given`), found as when there is no configuration."""
    from auditor.config.project_root import locate_project

    given = Path(path or ".").resolve()
    if not given.exists():
        raise UsageError(f"{given}: no such directory")
    if not given.is_dir():
        raise UsageError(f"{given}: not a directory")
    return locate_project(given, find_config=not config_given).root
