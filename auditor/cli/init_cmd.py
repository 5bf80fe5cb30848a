"""`auditor init [PATH] [--from-import-linter [FILE]] [--force] [--no-baseline]`: write a starter
configuration — into pyproject.toml's [tool.auditor] when there is a pyproject.toml, else into
auditor.toml — then baseline today's findings so the first `auditor check` exits 0."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from auditor.cli.output import say
from auditor.domain.errors import ConfigError, UsageError

HEADER = "Written by `auditor init`; see docs/configuration.md for every key."


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "init", parents=[common], help="write a starter [tool.auditor] configuration for a project"
    )
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.add_argument(
        "--from-import-linter",
        nargs="?",
        const="",
        default=None,
        metavar="FILE",
        help="convert an import-linter config (default: .importlinter, setup.cfg or pyproject.toml)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing auditor configuration")
    parser.add_argument(
        "--no-baseline", action="store_true", help="do not analyse the project and write a baseline"
    )
    parser.add_argument(
        "--no-semgrep", action="store_true", help="baseline contract findings only (skip the security rules)"
    )
    parser.set_defaults(func=run)


def _say(args: argparse.Namespace, text: str) -> None:
    if getattr(args, "quiet", 0) <= 0:
        print(text)


def run(args: argparse.Namespace) -> int:
    from auditor.cli.run_options import options_from_args
    from auditor.config.project_root import locate_project

    opts = options_from_args(args)
    if locate_project(opts.root).found_by not in ("config", "marker"):
        # init makes a project root: in a folder that has no pyproject.toml/setup.* above it,
        # the config goes where the user said, not to the git top-level
        opts = dataclasses.replace(opts, root=Path(args.path or ".").resolve())
    root = opts.root
    if args.from_import_linter is not None:
        settings, notes = _from_import_linter(root, args.from_import_linter)
    else:
        settings, notes = _inferred(args, opts)
    target = _write(root, settings, notes, force=args.force)
    _say(args, f"wrote {target}")
    for note in notes:
        say(f"auditor: note: {note}")

    from auditor.config import load_config

    config = load_config(root, opts.config_file)  # the file we wrote must load cleanly
    _say(args, f"{len(config.contracts)} contracts, {len(config.layers)} layers, {len(config.packs)} packs")
    if not args.no_baseline:
        from auditor.usecases.init.project import write_initial_baseline

        path, count = write_initial_baseline(dataclasses.replace(opts, packages=()))
        _say(args, f"baselined {count} findings in {path}; next: auditor check {root}")
    return 0


def _from_import_linter(root: Path, given: str) -> tuple[dict[str, Any], list[str]]:
    from auditor.config.import_linter import convert_import_linter, find_import_linter_config

    source = Path(given) if given else find_import_linter_config(root)
    if source is None:
        raise UsageError(
            f"no import-linter configuration in {root} (.importlinter, setup.cfg, pyproject.toml)"
        )
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    conversion = convert_import_linter(source)
    return conversion.settings, [f"{source}: {n}" for n in conversion.notes]


def _inferred(args: argparse.Namespace, opts: Any) -> tuple[dict[str, Any], list[str]]:
    from auditor.config.packs import builtin_pack_names
    from auditor.usecases.init.project import SECURITY_PACK, propose_config, scan_project

    scan = scan_project(opts)
    if not scan.graph.modules:
        raise UsageError(f"{opts.root}: no Python modules found to configure")
    packs = (SECURITY_PACK,) if SECURITY_PACK.split(":", 1)[1] in builtin_pack_names() else ()
    proposal = propose_config(scan.graph, scan.packages, packs, flat=scan.flat, left_out=scan.left_out)
    notes = [] if packs else [f"{SECURITY_PACK} is not available in this installation; not added"]
    if scan.flat:
        notes.append(f"no package: configured the {len(scan.packages)} top-level modules as root packages")
    if proposal.plan is not None:
        levels = " > ".join(proposal.plan.levels)
        notes.append(
            f"{len(proposal.plan.bands)} layers inferred (top to bottom: {levels}); "
            f"{proposal.upward_total} upward imports break them (listed above the contract)"
        )
    else:
        notes.append("too few modules with imports between them to infer layers; no layers contract")
    if scan.graph.errors:
        notes.append(f"{len(scan.graph.errors)} files could not be analysed; written to `exclude`")
    return proposal.settings, notes


def _write(root: Path, settings: dict[str, Any], notes: list[str], *, force: bool) -> Path:
    from auditor.config.pyproject_edit import append_section
    from auditor.config.toml_writer import render_table
    from auditor.support.safe_files import write_file

    comments = [HEADER, *(f"note: {n}" for n in notes)]
    pyproject = root / "pyproject.toml"
    auditor_toml = root / "auditor.toml"
    if auditor_toml.exists() and not force:
        raise UsageError(f"{auditor_toml} exists; use --force to replace it")
    if pyproject.is_file() and not auditor_toml.exists():
        try:
            text = pyproject.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{pyproject}: cannot read: {exc}") from None
        section = render_table("tool.auditor", settings, comments)
        try:
            updated = append_section(text, section, replace=force, shown=str(pyproject))
        except ConfigError as exc:
            raise UsageError(exc.message) from None
        write_file(pyproject, updated, inside=root)
        return pyproject
    write_file(auditor_toml, render_table("", settings, comments) + "\n", inside=root)
    return auditor_toml
