"""`auditor attribution`: per-file / per-module / per-agent table of AI- vs human-written lines."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.domain.errors import UsageError
from auditor.support.textsafe import guard_lines, visible


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "attribution",
        parents=[common],
        help="per-file / per-agent table of AI- vs human-written lines",
        description="Who wrote each line at HEAD: Agent Trace records, git-ai notes, commit identities "
        "(co-author trailers, bot authors, message markers) and config overrides, mapped to lines "
        "with git blame. Lines not committed, untracked or beyond a shallow clone are unknown.",
    )
    parser.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(func=run)


def _files(root: Path, packages: list[str], config: Any) -> dict[str, str | None]:
    """path -> module name. --package / configured packages: discovery; else every tracked
    *.py under root (module name derived from the path later)."""
    from auditor.attribution.gitcmd import tracked_files
    from auditor.index.tree import walk_tree

    if not packages:
        tracked = tracked_files(root)
        if tracked is not None:
            if config.exclude:
                import pathspec

                spec = pathspec.GitIgnoreSpec.from_lines(config.exclude)
                tracked = [p for p in tracked if not spec.match_file(p)]
            return dict.fromkeys(tracked)
    found = walk_tree(root, packages=packages, source_roots=config.source_roots, exclude=config.exclude)
    return {f.rel_path: f.module for f in sorted(found.files, key=lambda f: f.rel_path)}


def run(args: argparse.Namespace) -> int:
    from auditor.attribution import attribute, by_module
    from auditor.config import load_config
    from auditor.index.cache_location import chosen_cache_dir
    from auditor.pipeline.options import project_root

    if not Path(args.path).is_dir():
        raise UsageError(f"{Path(args.path).resolve()}: not a directory")
    root = project_root(args.path, config_given=bool(args.config))  # the whole project
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {args.jobs}")
    config = load_config(root, Path(args.config) if args.config else None)
    packages = list(args.package or config.packages)
    paths = _files(root, packages, config)
    cache_dir = None if args.no_cache else chosen_cache_dir(root, args.cache_dir)
    outcome = attribute(root, list(paths), config.attribution, cache_dir=cache_dir, jobs=args.jobs)
    modules = by_module(outcome.summary, {p: m for p, m in paths.items() if m})
    if args.format == "json":
        sys.stdout.write(render_json(outcome, modules) + "\n")
    else:
        sys.stdout.write(render_text(outcome, modules))
    return 0


def _counts(c: Any) -> dict[str, Any]:
    from auditor.attribution import ai_share

    return {
        "ai": c.ai,
        "human": c.human,
        "mixed": c.mixed,
        "unknown": c.unknown,
        "unmarked": c.unmarked,
        "total": c.total,
        "ai_share": round(ai_share(c), 4),
    }


def render_json(outcome: Any, modules: Mapping[str, Any]) -> str:
    summary = outcome.summary
    data = {
        "tool": {"name": "auditor", "version": __version__},
        "available": summary.available,
        "shallow": summary.shallow,
        "totals": _counts(summary.totals),
        "files": {p: _counts(c) for p, c in summary.files.items()},
        "modules": {m: _counts(c) for m, c in modules.items()},
        "by_agent": summary.by_agent,
        "by_model": summary.by_model,
        "warnings": list(outcome.warnings),
        "errors": [{"path": e.path, "message": e.message} for e in outcome.errors],
    }
    return json.dumps(data, indent=2, sort_keys=False)


def _safe(text: str) -> str:
    """Repository strings on a terminal: no control, separator or bidi characters."""
    return visible(text, keep="")


def _table(title: str, rows: Mapping[str, Any]) -> list[str]:
    width = max([len(title), *(len(_safe(k)) for k in rows)])
    out = [f"{title:<{width}}  {'ai':>7} {'human':>7} {'mixed':>6} {'unknown':>7} {'ai %':>6}"]
    for name, c in rows.items():
        d = _counts(c)
        share = f"{100 * d['ai_share']:.1f}"
        out.append(f"{_safe(name):<{width}}  {c.ai:>7} {c.human:>7} {c.mixed:>6} {c.unknown:>7} {share:>6}")
    return out


def render_text(outcome: Any, modules: Mapping[str, Any]) -> str:
    summary = outcome.summary
    lines = [*_table("file", summary.files), "", *_table("module", modules), ""]
    lines += [*_table("total", {"all files": summary.totals}), ""]
    totals = summary.totals
    if totals.total:
        lines += [
            f"no marker: {totals.unmarked} of {totals.total} lines ({100 * totals.unmarked / totals.total:.1f}%) "
            "are human by default (no agent identity, trailer, note or trace record)",
            "",
        ]
    ai_lines = summary.totals.ai
    if summary.by_agent:
        lines.append(f"{'agent':<20} {'lines':>7} {'of ai':>6}")
        for agent, n in sorted(summary.by_agent.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{_safe(agent):<20} {n:>7} {100 * n / ai_lines if ai_lines else 0:>5.1f}%")
        lines.append("")
    if summary.by_model:
        lines.append(f"{'model':<28} {'lines':>7}")
        for model, n in sorted(summary.by_model.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{_safe(model):<28} {n:>7}")
        lines.append("")
    for warning in outcome.warnings:
        lines.append(f"warning: {_safe(warning)}")
    for error in outcome.errors:
        lines.append(f"error: {_safe(error.path)}: {_safe(error.message)}")
    return guard_lines("\n".join(lines).rstrip("\n") + "\n")
