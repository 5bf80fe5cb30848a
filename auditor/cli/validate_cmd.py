"""`auditor rules validate [PACK...] [--config FILE] [PATH]`: schema-check the config and packs.

Prints every error as `path:line:col: message` on stderr and exits 2, else prints
`ok: N packs, M contracts, K exceptions` and exits 0. Checks that need later stages (contract
types, semgrep rule files, layers against the module graph) come in through `extra_checks`, so
this module stays below them; `auditor.cli.rules_cmd` wires them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from auditor.config.loader import load_config_collecting, ordered
from auditor.config.merge import merge
from auditor.config.model import AuditorConfig
from auditor.config.packs import BUILTIN_PREFIX, PackLoader, resolve_pack_ref
from auditor.config.toml_source import printable
from auditor.domain.errors import AuditorError, ConfigError
from auditor.support.textsafe import guard_lines

ExtraCheck = Callable[[AuditorConfig], list[ConfigError]]
EXIT_OK, EXIT_CONFIG = 0, 2


def add_validate_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `rules validate` (the `rules` command adds --config via the common options)."""
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="PACK|PATH",
        help="pack files or builtin:NAME to validate alone; a directory is the project (default: .)",
    )


def _split_targets(args: argparse.Namespace) -> tuple[list[str], Path]:
    targets: list[str] = list(getattr(args, "targets", None) or getattr(args, "packs", None) or [])
    project = Path(getattr(args, "path", None) or ".")
    packs = []
    for target in targets:
        if not target.startswith(BUILTIN_PREFIX) and Path(target).is_dir():
            project = Path(target)
        else:
            packs.append(target)
    return packs, project


def validate_packs(refs: Sequence[str], root: Path) -> tuple[AuditorConfig, list[ConfigError]]:
    """Validate pack files on their own (with their includes), as `rules validate PACK...` does."""
    errors: list[ConfigError] = []
    loader = PackLoader(errors)
    for ref in refs:
        if ref.startswith(BUILTIN_PREFIX):
            try:
                target = resolve_pack_ref(ref, root, None)
            except ValueError as exc:
                errors.append(ConfigError(str(exc), path=ref))
                continue
        else:
            target = Path(ref)
            if not target.is_file():
                errors.append(ConfigError("pack file not found", path=ref))
                continue
        loader.load(target, ref)
    config = merge(AuditorConfig(root=root.resolve()), loader.packs, {}, [], [], errors)
    return config, errors


def run_validate(args: argparse.Namespace, extra_checks: Sequence[ExtraCheck] = ()) -> int:
    packs, project = _split_targets(args)
    config_file = getattr(args, "config", None)
    if packs:
        config, errors = validate_packs(packs, project)
    else:
        config, errors = load_config_collecting(project, Path(config_file) if config_file else None)
    later: list[ConfigError] = []
    for check in extra_checks:
        try:
            later.extend(check(config))
        except AuditorError as exc:
            later.append(ConfigError(exc.message, exc.path, exc.line, exc.column))
    # the loader's errors first, as `check` and `audit` stop at them before building the graph
    shown = ordered(errors)
    seen = {str(e) for e in shown}
    shown += [e for e in ordered(later) if str(e) not in seen]
    for error in shown:
        print(guard_lines(printable(str(error))), file=sys.stderr)
    if shown:
        return EXIT_CONFIG
    source = f" ({config.config_path})" if config.config_path and not packs else ""
    print(
        f"ok: {len(config.packs)} packs, {len(config.contracts)} contracts, "
        f"{len(config.exceptions)} exceptions{source}"
    )
    return EXIT_OK
