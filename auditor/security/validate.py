"""Offline validation of a configuration's semgrep rules, for `auditor rules validate`.

Two passes: the auditor's own schema checks (id, message, severity, languages, metadata.cwe,
parameters), then semgrep's own checks, by scanning an empty temp directory with
the rendered rules (semgrep's `--validate` needs the network; an empty scan does not).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.domain import ConfigError, RulePackError
from auditor.security.invoke import SemgrepCall, resolve_executable, run_semgrep
from auditor.security.output import parse_output
from auditor.security.render import RenderedRules, render_rules
from auditor.security.rulefiles import apply_params, load_rule_file, rule_paths


def validate_semgrep_rules(
    config: AuditorConfig, *, semgrep: str = "semgrep", require_semgrep: bool = False
) -> list[ConfigError]:
    """Every problem found in `config.semgrep_rules`, each a precise one-line ConfigError.

    When semgrep is not installed its own checks are skipped (an error only if `require_semgrep`).
    """
    errors: list[ConfigError] = []
    for ref in config.semgrep_rules:
        try:
            paths = rule_paths(ref)
        except ConfigError as exc:
            errors.append(exc)
            continue
        for path in paths:
            try:
                apply_params(load_rule_file(path), ref)
            except ConfigError as exc:
                errors.append(exc)
    if errors:
        return errors
    executable = resolve_executable(semgrep)
    if executable is None:
        if require_semgrep:
            errors.append(
                ConfigError(f"semgrep not found: {semgrep!r}; semgrep's own rule checks did not run")
            )
        return errors
    with tempfile.TemporaryDirectory(prefix="auditor-validate-") as tmp:
        base = Path(tmp)
        empty = base / "empty"
        empty.mkdir()
        try:
            rendered = render_rules(config, modules={}, out_dir=base / "rules")
        except ConfigError as exc:
            return [exc]
        errors.extend(_semgrep_checks(executable, rendered, empty, base / "cache"))
    return errors


def _semgrep_checks(executable: str, rendered: RenderedRules, empty: Path, cache: Path) -> list[ConfigError]:
    if not rendered.config_files:
        return []
    reply = run_semgrep(
        SemgrepCall(
            executable=executable,
            config_files=rendered.config_files,
            targets=["."],
            cwd=empty,
            cache_dir=cache,
            total_timeout_s=300,
        )
    )
    if reply.output is None:
        return [ConfigError(f"semgrep could not check the rules: {reply.failure}")]
    errors: list[ConfigError] = []
    for problem in parse_output(reply.output).rule_problems:
        info = rendered.rules.get(problem.rule_id or "")
        source = info.source if info else rendered.sources.get(problem.file or "", problem.file)
        label = f"rule {problem.rule_id!r}: " if problem.rule_id else ""
        errors.append(RulePackError(f"{label}{problem.message}", path=source or None))
    return errors
