"""The one run context of a command: RunOptions built from its parsed arguments (commands
differ in which options they have, so absent ones take RunOptions' defaults)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from auditor.domain import Severity
from auditor.index.cache_location import chosen_cache_dir
from auditor.pipeline.options import RunOptions, project_root


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
