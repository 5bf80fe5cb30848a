"""Find and load the project's configuration: `auditor.toml` or `[tool.auditor]` in pyproject.toml,
searched upward from PATH (stopping at the git root), or the file given with --config. The
project root is found the same way (`auditor.config.project_root`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from auditor.config.fields import FieldReader
from auditor.config.guardrail_policy import read_guardrail_policy
from auditor.config.merge import merge
from auditor.config.model import AttributionSettings, AuditorConfig, SecuritySettings, SemgrepSettings
from auditor.config.packs import PackLoader, resolve_pack_ref
from auditor.config.project_root import locate_project
from auditor.config.regex_guard import regex_problem
from auditor.config.sections import read_contract, read_exception, read_pattern_groups, read_severity
from auditor.config.security_params import PARAM_TABLES, apply_params, read_params
from auditor.config.toml_source import KeyPath, TomlDocument, printable, read_toml
from auditor.domain.errors import ConfigError

CONFIG_KEYS = (
    "packages",
    "source_roots",
    "exclude",
    "packs",
    "fail_on",
    "baseline",
    "history",
    "project",
    "layers",
    "surfaces",
    "contracts",
    "exceptions",
    "attribution",
    "semgrep",
    "guardrails",
    "security",
)
ATTRIBUTION_KEYS = tuple(AttributionSettings.__dataclass_fields__)
SEMGREP_KEYS = tuple(SemgrepSettings.__dataclass_fields__)
SECURITY_KEYS = tuple(SecuritySettings.__dataclass_fields__)
BLAME_OPTIONS = ("-w", "-M", "-C")
# what a config without a `packs` key (or no config at all) uses; `packs = []` opts out
DEFAULT_PACKS = ("builtin:python-security",)
_PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def ordered(errors: Iterable[ConfigError]) -> list[ConfigError]:
    """Errors once each, by file, line and column: the order `rules validate` prints them in,
    and whose first every other command reports."""
    seen: set[str] = set()
    out = []
    for error in errors:
        text = str(error)
        if text not in seen:
            seen.add(text)
            out.append(error)
    return sorted(out, key=lambda e: (e.path or "", e.line or 0, e.column or 0))


class ConfigErrors(ConfigError):
    """Several configuration errors; str() shows the first (in file order), `errors` holds them all."""

    def __init__(self, errors: list[ConfigError]) -> None:
        errors = ordered(errors)
        first = errors[0]
        more = f" (and {len(errors) - 1} more; run `auditor rules validate`)" if len(errors) > 1 else ""
        path = printable(first.path) if first.path else None
        super().__init__(printable(first.message) + more, path, first.line, first.column)
        self.errors = errors


def find_config_file(start: Path) -> Path | None:
    """The nearest auditor.toml, or pyproject.toml with [tool.auditor], at or above `start`
    (not above the git root)."""
    return locate_project(start).config_file


def load_config(start: Path, config_file: Path | None = None) -> AuditorConfig:
    """The validated configuration; raises ConfigErrors (a ConfigError) listing every problem."""
    config, errors = load_config_collecting(start, config_file)
    if errors:
        raise ConfigErrors(errors)
    return config


def load_config_collecting(
    start: Path, config_file: Path | None = None
) -> tuple[AuditorConfig, list[ConfigError]]:
    """Like load_config, but returns the errors instead of raising (for `rules validate`)."""
    location = locate_project(start, find_config=config_file is None)
    root = location.root
    if config_file is None:
        if location.config_file is None:
            errors: list[ConfigError] = []
            return default_config(root, errors), errors
        found = location.config_file
    else:
        found = config_file.resolve()
        if not found.is_file():
            return AuditorConfig(root=root), [ConfigError("config file not found", path=str(config_file))]
    errors = []
    try:
        doc = read_toml(found)
    except ConfigError as exc:
        return AuditorConfig(root=root, config_path=found), [exc]
    return read_config_document(doc, found, root, errors), errors


def default_config(root: Path, errors: list[ConfigError]) -> AuditorConfig:
    """The configuration of a project that has none: discovered packages, the default packs."""
    loader = PackLoader(errors)
    for ref in DEFAULT_PACKS:
        loader.load(resolve_pack_ref(ref, root, None), ref)
    return merge(AuditorConfig(root=root), loader.packs, {}, [], [], errors)


def read_config_document(
    doc: TomlDocument, path: Path, root: Path, errors: list[ConfigError]
) -> AuditorConfig:
    reader = FieldReader(doc, errors)
    base: KeyPath = ()
    settings: Mapping[str, Any] = doc.data
    if path.name == "pyproject.toml":
        base = ("tool", "auditor")
        tool = doc.data.get("tool", {})
        settings = tool.get("auditor") if isinstance(tool, dict) else None  # type: ignore[assignment]
        if not isinstance(settings, dict):
            errors.append(ConfigError("no [tool.auditor] table in this pyproject.toml", path=doc.path))
            return AuditorConfig(root=root, config_path=path)
    reader.check_keys(settings, base, CONFIG_KEYS, "[tool.auditor]" if base else "auditor.toml")
    packages = reader.string_list(settings, base, "packages")
    for name in packages:
        if not _PACKAGE.match(name):
            reader.fail((*base, "packages"), f"'{name}' is not a dotted package name")
    fail_on = read_severity(reader, settings, base, "fail_on")
    loader = PackLoader(errors)
    refs = reader.string_list(settings, base, "packs") if "packs" in settings else DEFAULT_PACKS
    for ref in refs:
        try:
            target = resolve_pack_ref(ref, path.parent, path.parent)
        except ValueError as exc:
            reader.fail((*base, "packs"), str(exc))
            continue
        loader.load(target, ref)
    layers, layer_locations = read_pattern_groups(reader, settings, base, "layers")
    surfaces, surface_locations = read_pattern_groups(reader, settings, base, "surfaces")
    contracts = []
    for item_path, table in reader.table_list(settings, base, "contracts"):
        contract = read_contract(reader, item_path, table, None)
        if contract is not None:
            contracts.append(contract)
    exceptions = []
    for item_path, table in reader.table_list(settings, base, "exceptions"):
        exception = read_exception(reader, item_path, table, None)
        if exception is not None:
            exceptions.append(exception)
    source_roots = reader.string_list(settings, base, "source_roots")
    for source_root in source_roots:
        _check_relative(reader, (*base, "source_roots"), source_root, "source root")
    exclude = reader.string_list(settings, base, "exclude")
    _check_globs(reader, (*base, "exclude"), exclude)
    baseline = reader.string(settings, base, "baseline")
    if baseline is not None:
        _check_relative(reader, (*base, "baseline"), baseline, "baseline path")
    history = reader.string(settings, base, "history")
    if history is not None and not history.lower().startswith(("postgresql://", "postgres://")):
        _check_relative(reader, (*base, "history"), history, "history path (or a postgresql:// URL)")
    project = reader.string(settings, base, "project")
    config = AuditorConfig(
        root=root,
        config_path=path,
        packages=packages,
        source_roots=source_roots,
        exclude=exclude,
        layers=layers,
        surfaces=surfaces,
        surface_locations=surface_locations,
        fail_on=fail_on,
        baseline=baseline,
        history=history,
        project=project,
        attribution=_attribution(reader, settings, base),
        semgrep=_semgrep(reader, settings, base),
        guardrails=read_guardrail_policy(reader, settings, base),
        security=_security(reader, settings, base),
    )
    merged = merge(config, loader.packs, layer_locations, contracts, exceptions, errors)
    return apply_params(reader, merged, (*base, "security"))


def _check_globs(reader: FieldReader, path: KeyPath, patterns: tuple[str, ...]) -> None:
    if not patterns:
        return
    import pathspec  # lazy: ~10 ms to import, needed only when a config has globs

    for pattern in patterns:
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except (ValueError, TypeError) as exc:
            reader.fail(path, f"{path[-1]} pattern {pattern!r} is not a gitignore-style glob: {exc}")


def _check_relative(reader: FieldReader, path: KeyPath, value: str, what: str) -> None:
    """Paths in a config are repo-relative and stay inside the repository."""
    pure = PurePosixPath(value.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", value) or ".." in pure.parts:
        reader.fail(path, f"{what} {value!r} must be relative to the project and stay inside it")


def _attribution(reader: FieldReader, settings: Mapping[str, Any], base: KeyPath) -> AttributionSettings:
    table = reader.table(settings, base, "attribution")
    path = (*base, "attribution")
    reader.check_keys(table, path, ATTRIBUTION_KEYS, "[attribution]")
    defaults = AttributionSettings()
    patterns = reader.string_table(table, path, "extra_ai_name_patterns")
    for pattern in patterns:
        problem = regex_problem(pattern)
        if problem:
            reader.fail(
                (*path, "extra_ai_name_patterns", pattern), f"extra_ai_name_patterns: {problem}: {pattern!r}"
            )
    blame = reader.string_list(table, path, "blame_options")
    for option in blame:
        if option not in BLAME_OPTIONS:
            reader.fail(
                (*path, "blame_options"),
                f"blame option {option!r} not allowed; expected any of: {', '.join(BLAME_OPTIONS)}",
            )
    generated_paths = reader.string_list(table, path, "generated_paths")
    human_paths = reader.string_list(table, path, "human_paths")
    _check_globs(reader, (*path, "generated_paths"), generated_paths)
    _check_globs(reader, (*path, "human_paths"), human_paths)
    return AttributionSettings(
        agent_trace=reader.boolean(table, path, "agent_trace", defaults.agent_trace),
        git_ai_notes=reader.boolean(table, path, "git_ai_notes", defaults.git_ai_notes),
        commit_identity=reader.boolean(table, path, "commit_identity", defaults.commit_identity),
        overrides=reader.boolean(table, path, "overrides", defaults.overrides),
        generated_paths=generated_paths,
        human_paths=human_paths,
        extra_ai_emails=reader.string_table(table, path, "extra_ai_emails"),
        extra_ai_name_patterns={p: a for p, a in patterns.items() if regex_problem(p) is None},
        extra_trailer_keys=reader.string_list(table, path, "extra_trailer_keys"),
        blame_options=tuple(o for o in blame if o in BLAME_OPTIONS),
    )


def _semgrep(reader: FieldReader, settings: Mapping[str, Any], base: KeyPath) -> SemgrepSettings:
    table = reader.table(settings, base, "semgrep")
    path = (*base, "semgrep")
    reader.check_keys(table, path, SEMGREP_KEYS, "[semgrep]")
    defaults = SemgrepSettings()
    return SemgrepSettings(
        enabled=reader.boolean(table, path, "enabled", defaults.enabled),
        timeout_s=reader.positive_int(table, path, "timeout_s", defaults.timeout_s),
        max_target_bytes=reader.positive_int(table, path, "max_target_bytes", defaults.max_target_bytes),
        total_timeout_s=reader.positive_int(table, path, "total_timeout_s", defaults.total_timeout_s),
        max_total_bytes=reader.positive_int(table, path, "max_total_bytes", defaults.max_total_bytes),
    )


def _security(reader: FieldReader, settings: Mapping[str, Any], base: KeyPath) -> SecuritySettings:
    table = reader.table(settings, base, "security")
    path = (*base, "security")
    reader.check_keys(table, path, SECURITY_KEYS, "[security]")
    include = reader.string_list(table, path, "include")
    exclude = reader.string_list(table, path, "exclude")
    _check_globs(reader, (*path, "include"), include)
    _check_globs(reader, (*path, "exclude"), exclude)
    params, extend_params = (read_params(reader, table, path, key) for key in PARAM_TABLES)
    return SecuritySettings(include=include, exclude=exclude, params=params, extend_params=extend_params)
