"""The options one run is made with, built once from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from auditor.domain import Severity
from auditor.domain.errors import UsageError
from auditor.index.cache_location import chosen_cache_dir
from auditor.support.cache_home import project_cache_dir


@dataclass(frozen=True)
class RunOptions:
    root: Path  # the project root (the folder of its configuration), not necessarily PATH
    config_file: Path | None = None
    packages: tuple[str, ...] = ()
    cache_dir: Path | None = None  # --cache-dir, checked (pipeline.cache_location); None: default
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


def options_from_args(args: argparse.Namespace) -> RunOptions:
    config = getattr(args, "config", None)
    root = project_root(getattr(args, "path", None), config_given=bool(config))
    baseline = getattr(args, "baseline", None)
    given = getattr(args, "cache_dir", None)
    no_cache = getattr(args, "no_cache", False)
    cache_dir = chosen_cache_dir(root, given) if given and not no_cache else None
    today = os.environ.get("AUDITOR_TODAY")  # tests pin the date that exceptions expire against
    return RunOptions(
        root=root,
        config_file=Path(config).resolve() if config else None,
        packages=tuple(getattr(args, "package", None) or ()),
        cache_dir=cache_dir,
        use_cache=not no_cache and (cache_dir is not None or not given),
        jobs=getattr(args, "jobs", None),
        semgrep=not getattr(args, "no_semgrep", False),
        semgrep_binary=os.environ.get("AUDITOR_SEMGREP", "semgrep"),
        baseline=Path(baseline).resolve() if baseline else None,
        allow_incomplete=getattr(args, "allow_incomplete", False),
        fail_on=Severity(args.fail_on) if getattr(args, "fail_on", None) else None,
        today=dt.date.fromisoformat(today) if today else dt.date.today(),
        verbosity=getattr(args, "verbose", 0) - getattr(args, "quiet", 0),
    )
