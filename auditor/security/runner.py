"""The security stage: render the configured semgrep rules, run semgrep once, make findings.

Faults never raise: semgrep missing, crashing, timing out, failing or skipping files each add a
line to `incomplete_reasons` (and per-file AnalysisErrors), so contract findings still reach
the report. Only a broken rule pack raises (RulePackError / ConfigError: exit 2 at the CLI).
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from auditor.config.model import AuditorConfig
from auditor.domain import AnalysisError, Finding, RulePackError
from auditor.security.findings import DefinitionsOf, to_findings
from auditor.security.invoke import SUPPORTED_VERSIONS, SemgrepCall, resolve_executable, run_semgrep
from auditor.security.output import ParsedOutput, RuleProblem, exit_problem, parse_output
from auditor.security.render import RenderedRules, render_rules
from auditor.security.routes import routed_handlers
from auditor.security.targets import ScanFiles, path_module, security_files
from auditor.support.safe_files import ensure_owned_dir


@dataclass
class SecurityOutcome:
    findings: list[Finding] = field(default_factory=list)
    errors: list[AnalysisError] = field(default_factory=list)
    incomplete_reasons: list[str] = field(default_factory=list)
    rule_ids: tuple[str, ...] = ()  # every rule that ran (for "rules that matched nothing")
    inactive_rules: tuple[tuple[str, str], ...] = ()  # (rule id, why): scoped to layers not here
    scanned: int = 0  # files handed to semgrep
    semgrep_version: str | None = None  # as semgrep's JSON output reports it
    warnings: list[str] = field(default_factory=list)  # e.g. an untested semgrep version
    failed: bool = False  # semgrep gave no usable answer: no security finding was checked

    @property
    def exit_code_hint(self) -> int:
        """1 when the stage is incomplete (the CLI exits 1 unless --allow-incomplete), else 0."""
        return 1 if self.incomplete_reasons else 0


def scan_targets(
    root: Path,
    files: Sequence[str] | None,
    candidates: Iterable[str],
    *,
    max_file_bytes: int,
    max_total_bytes: int,
) -> tuple[list[str], list[AnalysisError]]:
    """The `candidates` to hand to semgrep (all of them, or those in `files`), and the ones not
    handed to it because of their size, each with why.

    semgrep applies --max-target-bytes only to files it finds itself, never to targets named
    on its command line, so the limits are applied here: a file over `max_file_bytes` is not
    scanned, and past `max_total_bytes` in all (smallest files first, so as many as possible
    are scanned) the rest is not either. Unscanned code is reported, never dropped in silence.
    """
    chosen = set(candidates)
    if files is not None:
        chosen &= {f.replace("\\", "/") for f in files}
    sized = []
    for path in chosen:
        try:
            st = (root / path).stat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            sized.append((st.st_size, path))
    targets: list[str] = []
    skipped: list[AnalysisError] = []
    total = 0
    for size, path in sorted(sized):
        if size > max_file_bytes:
            why = f"{size:,} bytes, over [semgrep] max_target_bytes = {max_file_bytes:,}"
        elif total + size > max_total_bytes:
            why = f"the files before it total {total:,} bytes; [semgrep] max_total_bytes = {max_total_bytes:,}"
        else:
            targets.append(path)
            total += size
            continue
        skipped.append(AnalysisError(path, f"not scanned by semgrep: {why}"))
    return sorted(targets), sorted(skipped, key=lambda e: e.path)


def run_security(
    root: Path,
    config: AuditorConfig,
    *,
    files: Sequence[str] | None,
    modules: Mapping[str, str],
    definitions: DefinitionsOf,
    cache_dir: Path,
    semgrep: str = "semgrep",
) -> SecurityOutcome:
    """Scan `files` (None: every file `security_files` lists: Python files and templates of the
    whole repository) with the configured rules.

    `modules`: module name -> repo path; `definitions`: what a module file defines (the
    finding's enclosing function, part of its fingerprint).
    """
    outcome = SecurityOutcome()
    if not config.semgrep_rules:
        return outcome
    listing = security_files(
        root, include=config.security.include, exclude=(*config.exclude, *config.security.exclude)
    )
    scanned = scan_modules(modules, listing.files)
    limit = config.semgrep.max_target_bytes
    routed = routed_handlers(listing.files, lambda path: _read(root, path, limit + 1), max_bytes=limit)
    outcome.errors.extend(routed.errors)
    rendered = render_rules(
        config, modules=scanned, out_dir=ensure_owned_dir(cache_dir, "semgrep", "rules"), routed=routed
    )
    inactive = {rule for rule, _ in rendered.inactive}
    outcome.rule_ids = tuple(r for r in rendered.rule_ids if r not in rendered.skipped and r not in inactive)
    outcome.inactive_rules = tuple(rendered.inactive)
    settings = config.semgrep
    targets, too_large = scan_targets(
        root,
        files,
        listing.files,
        max_file_bytes=settings.max_target_bytes,
        max_total_bytes=settings.max_total_bytes,
    )
    if rendered.config_files:
        _report_unscanned(listing, too_large, files, outcome)
    if not targets or not rendered.config_files:
        return outcome
    executable = resolve_executable(semgrep)
    if executable is None:
        outcome.incomplete_reasons.append(
            f"semgrep not found: {semgrep!r} is not installed or not executable "
            "(pip install 'semgrep>=1.100,<2', or run with --no-semgrep)"
        )
        outcome.failed = True
        return outcome
    reply = run_semgrep(
        SemgrepCall(
            executable=executable,
            config_files=rendered.config_files,
            targets=targets,
            cwd=root,
            cache_dir=cache_dir,
            timeout_s=settings.timeout_s,
            max_target_bytes=settings.max_target_bytes,
            total_timeout_s=settings.total_timeout_s,
        )
    )
    if reply.failure or reply.output is None:
        outcome.incomplete_reasons.append(reply.failure or "semgrep produced no output")
        outcome.failed = True
        return outcome
    parsed = parse_output(reply.output)
    outcome.semgrep_version = _version_warning(reply.output.get("version"), outcome.warnings)
    if parsed.rule_problems:
        raise _pack_error(parsed.rule_problems[0], rendered)
    outcome.scanned = len(targets)
    _collect_faults(parsed, reply.returncode, outcome)
    path_modules = {path: name for name, path in scanned.items() if path}
    known = set(targets)
    outcome.findings = to_findings(
        [m for m in parsed.matches if m.path in known],
        rules=rendered.rules,
        definitions=definitions,
        path_modules=path_modules,
        layers=config.layers,
        surfaces=config.surfaces,
        read=lambda path: _read(root, path),
    )
    return outcome


def scan_modules(modules: Mapping[str, str], files: Iterable[str]) -> dict[str, str]:
    """`modules` (name -> path) plus every scanned file that is no module, under the dotted name
    layer patterns see it by (`path_module`); a real module keeps its name."""
    out = dict(modules)
    known = {path for path in modules.values() if path}
    for path in files:
        if path not in known:
            out.setdefault(path_module(path), path)
    return out


def _report_unscanned(
    listing: ScanFiles, too_large: list[AnalysisError], files: Sequence[str] | None, outcome: SecurityOutcome
) -> None:
    """Files left out by default or config: one summary warning; files that could not be
    scanned (too large, unsafe): listed one by one, and the run is incomplete."""
    summary = listing.summary()
    if summary and files is None:
        outcome.warnings.append(summary)
    wanted = None if files is None else {f.replace("\\", "/") for f in files}
    unsafe = [e for e in listing.errors if wanted is None or e.path in wanted]
    for problems, why in (
        (too_large, "over [semgrep] max_target_bytes or max_total_bytes"),
        (unsafe, "unsafe or unreadable"),
    ):
        if problems:
            outcome.errors.extend(problems)
            count = len(problems)
            outcome.incomplete_reasons.append(
                f"{count} file{'' if count == 1 else 's'} not scanned by semgrep: {why} (see errors)"
            )


def _version_warning(version: object, warnings: list[str]) -> str | None:
    if not isinstance(version, str):
        return None
    try:
        supported = Version(version) in SpecifierSet(SUPPORTED_VERSIONS)
    except InvalidVersion:
        supported = False
    if not supported:
        warnings.append(f"semgrep {version} is outside the tested range {SUPPORTED_VERSIONS}")
    return version


def _collect_faults(parsed: ParsedOutput, returncode: int | None, outcome: SecurityOutcome) -> None:
    problem = exit_problem(returncode, parsed)
    if problem:
        outcome.incomplete_reasons.append(problem)
    if parsed.malformed:
        outcome.incomplete_reasons.append(
            f"semgrep's output had {parsed.malformed} malformed entr{'y' if parsed.malformed == 1 else 'ies'}"
            " (dropped): security findings may be missing"
        )
    if parsed.file_errors:
        outcome.errors.extend(parsed.file_errors)
        paths = sorted({e.path for e in parsed.file_errors})
        shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        outcome.incomplete_reasons.append(f"semgrep could not fully analyse {len(paths)} file(s): {shown}")


def _pack_error(problem: RuleProblem, rendered: RenderedRules) -> RulePackError:
    info = rendered.rules.get(problem.rule_id or "")
    source = info.source if info else rendered.sources.get(problem.file or "", problem.file)
    what = f"semgrep rejected rule {problem.rule_id!r}" if problem.rule_id else "semgrep rejected a rule"
    return RulePackError(f"{what}: {problem.message}", path=source or None)


def _read(root: Path, path: str, at_most: int = -1) -> bytes | None:
    try:
        with (root / path).open("rb") as handle:
            return handle.read(at_most)
    except OSError:
        return None
