"""`auditor graph`: print the import graph (json, dot, graphml)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from auditor.domain import ImportKind
from auditor.domain.errors import UsageError

FORMATS = ("json", "dot", "graphml")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("graph", parents=[common], help="print the import graph (json, dot, graphml)")
    parser.add_argument("path", nargs="?", default=".", help="folder to draw (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="json", help="output format (default: json)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "--include-external", action="store_true", help="also list imports of third-party/stdlib packages"
    )
    parser.add_argument(
        "--kinds",
        metavar="KIND,...",
        help="only these import kinds: " + ",".join(k.value for k in ImportKind),
    )
    parser.set_defaults(func=run)


def parse_kinds(text: str | None) -> set[ImportKind] | None:
    if text is None:
        return None
    kinds: set[ImportKind] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            kinds.add(ImportKind(part))
        except ValueError:
            allowed = ", ".join(k.value for k in ImportKind)
            raise UsageError(f"unknown import kind '{part}' in --kinds (expected: {allowed})") from None
    if not kinds:
        raise UsageError("--kinds needs at least one import kind")
    return kinds


def run(args: argparse.Namespace) -> int:
    from auditor.graph.export import export
    from auditor.index.cache_location import chosen_cache_dir
    from auditor.index.tree import build_graph
    from auditor.pipeline.options import project_root
    from auditor.support.safe_files import write_file

    kinds = parse_kinds(args.kinds)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if not Path(args.path).is_dir():
        raise UsageError(f"{args.path}: not a directory")
    # graph reads no configuration: it draws the folder it is given, but its cache is the
    # project's (the same folder whichever of its folders is drawn)
    cache_dir = None if args.no_cache else chosen_cache_dir(project_root(args.path), args.cache_dir)
    graph = build_graph(
        Path(args.path),
        packages=tuple(args.package or ()),
        cache_dir=cache_dir,
        use_cache=cache_dir is not None,
        jobs=args.jobs,
        include_external=args.include_external,
    )
    text = export(graph, args.format, kinds=kinds, include_external=args.include_external)
    if args.output:
        write_file(Path(args.output), text, inside=project_root(args.path))
    else:
        sys.stdout.write(text)
    return 0
