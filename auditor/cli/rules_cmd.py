"""`auditor rules validate|list|test|diff|explain`: rule packs, checked before they are adopted."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from auditor.domain import Finding
from auditor.support.textsafe import guard_lines, visible

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("rules", help="validate, list, test, diff and explain rule packs")
    actions = parser.add_subparsers(dest="rules_command", metavar="ACTION")
    validate = actions.add_parser("validate", parents=[common], help="schema-check the config and packs")
    # as auditor.cli.validate_cmd.add_validate_arguments, without importing the config stage
    # (and networkx) on every start of the CLI
    validate.add_argument(
        "targets",
        nargs="*",
        metavar="PACK|PATH",
        help="pack files or builtin:NAME to validate alone; a directory is the project (default: .)",
    )
    validate.set_defaults(func=run_validate)

    listing = actions.add_parser(
        "list", parents=[common], help="packs, layers and contracts, and what matches nothing"
    )
    listing.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(func=run_list)

    test = actions.add_parser(
        "test", parents=[common], help="run a pack's fixture projects (PACK/tests/*/expected.toml)"
    )
    test.add_argument("pack", metavar="PACK", help="pack file, pack directory or builtin:NAME")
    test.set_defaults(func=run_test)

    diff = actions.add_parser(
        "diff", parents=[common], help="findings that adopting pack NEW instead of OLD would change"
    )
    diff.add_argument("old", metavar="OLD", help="pack file or builtin:NAME in use now")
    diff.add_argument("new", metavar="NEW", help="pack file or builtin:NAME to adopt")
    diff.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    diff.set_defaults(func=run_diff)

    explain = actions.add_parser(
        "explain", parents=[common], help="explain a contract type, contract or rule id"
    )
    explain.add_argument("name", metavar="TYPE|RULE_ID")
    explain.add_argument("path", nargs="?", default=".", help="the project, or any folder in it (default: .)")
    explain.set_defaults(func=run_explain)
    parser.set_defaults(func=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def safe(text: object) -> str:
    """Terminal-safe text: strings from the audited repo may carry control and bidi characters,
    and no line may be a CI workflow command (support.textsafe); our own newlines are kept."""
    return guard_lines(visible(str(text), keep="\n\t"))


def _graph_options(args: argparse.Namespace) -> Any:
    from auditor.index.cache_location import chosen_cache_dir
    from auditor.usecases.rules_ops import GraphOptions

    given = getattr(args, "cache_dir", None)
    cache = chosen_cache_dir(Path.cwd(), given) if given and not args.no_cache else None
    return GraphOptions(
        packages=tuple(args.package or ()),
        cache_dir=cache,
        use_cache=not args.no_cache and (cache is not None or not given),
        jobs=args.jobs,
    )


def _common(args: argparse.Namespace) -> tuple[Path, Path | None, Any]:
    from auditor.cli.run_options import options_from_args

    opts = options_from_args(args)
    return opts.root, opts.config_file, opts.today


def run_validate(args: argparse.Namespace) -> int:
    """The config stage's validation, plus the checks that need later stages: the same
    `config_problems` that `check` and `audit` run (contract options; for a project config,
    layers and entries against its modules), and the semgrep rule files."""
    from auditor.cli.validate_cmd import run_validate as validate

    return validate(args, extra_checks=[_project_check(args), _semgrep_check])


def _semgrep_check(config: Any) -> list[Any]:
    from auditor.pipeline.analysis import semgrep_executable
    from auditor.security.validate import validate_semgrep_rules

    return validate_semgrep_rules(config, semgrep=semgrep_executable("semgrep"))


def _project_check(args: argparse.Namespace) -> Any:
    def check(config: Any) -> list[Any]:
        from auditor.domain.errors import AuditorError, ConfigError
        from auditor.pipeline.validation import config_problems
        from auditor.usecases.rules_ops import project_graph

        if config.config_path is None:  # packs validated on their own: no codebase to match
            return config_problems(config, None)
        try:
            graph = project_graph(config, _graph_options(args))
        except AuditorError as exc:  # e.g. a package the config names is not there
            return [*config_problems(config, None), ConfigError(exc.message, exc.path, exc.line, exc.column)]
        return config_problems(config, graph.modules)

    return check


def run_list(args: argparse.Namespace) -> int:
    from auditor.usecases.rules_ops import list_rules

    root, config_file, today = _common(args)
    listing = list_rules(root, config_file, _graph_options(args), today=today)
    if args.format == "json":
        print(json.dumps(_listing_json(listing), indent=2, sort_keys=True))
        return EXIT_OK
    print(safe(f"config: {listing.config_path or '(none: defaults)'}  modules: {listing.modules}"))
    print("packs:" if listing.packs else "packs: none")
    for pack in listing.packs:
        print(safe(f"  {pack.name} {pack.version}  ({pack.ref or pack.path})  {pack.description}"))
    print("layers:" if listing.layers else "layers: none")
    for layer in listing.layers:
        note = f"  matches nothing: {', '.join(layer.unmatched_patterns)}" if layer.unmatched_patterns else ""
        print(safe(f"  {layer.name}: {', '.join(layer.patterns)}  ({layer.modules} modules){note}"))
    print("contracts:" if listing.contracts else "contracts: none")
    for c in listing.contracts:
        verdict = "kept" if c.kept else f"BROKEN ({c.findings} findings)"
        extra = f", {c.suppressed} suppressed" if c.suppressed else ""
        note = f"  matches nothing: {', '.join(c.unmatched_entries)}" if c.unmatched_entries else ""
        origin = f" [{c.pack}]" if c.pack else ""
        print(safe(f"  {c.id} ({c.type}, {c.severity}){origin}: {verdict}{extra}{note}"))
    for path in listing.semgrep_rules:
        print(safe(f"semgrep rules: {path}"))
    if listing.inactive_rules:
        print("inactive rules (they do not run here):")
    for rule, reason in listing.inactive_rules:
        print(safe(f"  {rule}: inactive: {reason}"))
    return EXIT_OK


def _listing_json(listing: Any) -> dict[str, Any]:
    return {
        "config": str(listing.config_path) if listing.config_path else None,
        "modules": listing.modules,
        "packs": [{"name": p.name, "version": p.version, "ref": p.ref} for p in listing.packs],
        "layers": [
            {
                "name": x.name,
                "patterns": list(x.patterns),
                "modules": x.modules,
                "unmatched": list(x.unmatched_patterns),
            }
            for x in listing.layers
        ],
        "contracts": [
            {
                "id": c.id,
                "type": c.type,
                "pack": c.pack,
                "severity": c.severity,
                "kept": c.kept,
                "findings": c.findings,
                "suppressed": c.suppressed,
                "unmatched": list(c.unmatched_entries),
            }
            for c in listing.contracts
        ],
        "semgrep_rules": list(listing.semgrep_rules),
        "inactive_rules": [{"rule": rule, "reason": reason} for rule, reason in listing.inactive_rules],
    }


def run_test(args: argparse.Namespace) -> int:
    import datetime as dt
    import os

    from auditor.usecases.rules_ops import run_pack_tests

    pinned = os.environ.get("AUDITOR_TODAY")
    today = dt.date.fromisoformat(pinned) if pinned else dt.date.today()
    report = run_pack_tests(args.pack, today=today)
    for pack in report.packs:
        print(safe(f"pack {pack.name} {pack.version}: {report.tests_dir}"))
    for case in report.cases:
        print(safe(f"  {'PASS' if case.passed else 'FAIL'}  {case.name} ({case.checked} expectations)"))
        for problem in case.problems:
            print(safe(f"        {problem}"))
    failed = sum(1 for c in report.cases if not c.passed)
    print(f"{len(report.cases) - failed} passed, {failed} failed")
    return EXIT_OK if report.passed else EXIT_FINDINGS


def _finding_line(f: Finding) -> str:
    return safe(f"{f.severity.value:7} {f.rule}: {f.message}  [{f.location}]")


def run_diff(args: argparse.Namespace) -> int:
    from auditor.usecases.rules_ops import diff_packs

    root, config_file, today = _common(args)
    diff = diff_packs(args.old, args.new, root, config_file, _graph_options(args), today=today)
    names = lambda packs: ", ".join(f"{p.name} {p.version}" for p in packs)  # noqa: E731
    print(safe(f"{names(diff.old)} -> {names(diff.new)}"))
    print(f"would appear ({len(diff.appear)}):")
    for f in diff.appear:
        print("  + " + _finding_line(f))
    print(f"would disappear ({len(diff.disappear)}):")
    for f in diff.disappear:
        print("  - " + _finding_line(f))
    print(f"would change severity ({len(diff.severity_changed)}):")
    for old, new in diff.severity_changed:
        print(f"  ~ {old.severity.value} -> {new.severity.value}: " + _finding_line(new))
    print(f"unchanged: {diff.unchanged}")
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    from auditor.usecases.rules_ops import explain

    root, config, _ = _common(args)
    e = explain(args.name, root, config)
    print(safe(e.title))
    for key, value in e.facts:
        print(safe(f"  {key}: {value}"))
    for heading, body in (
        ("What it does", e.what),
        ("Why is this bad?", e.why),
        ("Example", e.example),
        ("Use instead", e.instead),
    ):
        if body:
            print(f"\n## {heading}")
            print(safe(body))
    return EXIT_OK
