"""Rendering a configuration's semgrep rules into files semgrep runs: parameters substituted,
layer scopes turned into `paths.include` / `paths.exclude`.

Every scope travels inside its rules, so ONE semgrep process carries all of them. Rendered files
are JSON (valid YAML) named by content hash under the cache dir, so an unchanged configuration
reuses them.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from auditor.config.model import AuditorConfig, SemgrepRuleRef
from auditor.domain import RulePackError
from auditor.security.routes import RoutedHandlers
from auditor.security.rulefiles import (
    RuleFile,
    apply_params,
    apply_routed_handlers,
    load_rule_file,
    rule_metadata,
    rule_paths,
)
from auditor.security.scope import Scope, inactive_reason, path_globs, scope_for
from auditor.support.safe_files import ensure_dir, write_file


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What the findings stage needs to know about one rule."""

    id: str
    source: str  # the pack's YAML file
    pack: str
    cwe: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    redact: bool = False  # the rule matches secrets: redact string literals in every output
    scope: Scope = field(default_factory=Scope)


@dataclass
class RenderedRules:
    config_files: list[Path] = field(default_factory=list)  # one per source YAML file
    sources: dict[str, str] = field(default_factory=dict)  # rendered file path -> source file
    rules: dict[str, RuleInfo] = field(default_factory=dict)  # rule id -> info
    skipped: list[str] = field(default_factory=list)  # rule ids whose scope holds no file
    inactive: list[tuple[str, str]] = field(default_factory=list)  # (rule id, why) not run here

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(self.rules)


def load_rules(ref: SemgrepRuleRef) -> list[RuleFile]:
    """The parsed rule files of one pack entry (RulePackError on a broken file)."""
    return [load_rule_file(p) for p in rule_paths(ref)]


def inactive_rules(config: AuditorConfig, modules: Mapping[str, str]) -> list[tuple[str, str]]:
    """(rule id, why) of every semgrep rule that does not run on these modules (module -> path)."""
    out = []
    for ref in config.semgrep_rules:
        reason = inactive_reason(ref, config.layers, modules)
        if reason is not None:
            out += [(rule["id"], reason) for rule_file in load_rules(ref) for rule in rule_file.rules]
    return out


def render_rules(
    config: AuditorConfig,
    *,
    modules: Mapping[str, str],
    out_dir: Path,
    routed: RoutedHandlers | None = None,
) -> RenderedRules:
    """Render every semgrep rule of `config` into `out_dir`; RulePackError / ConfigError on defects.

    `routed`: the handlers route tables name in other files, for rules that ask for them."""
    all_files = sorted({p for p in modules.values() if p})
    rendered = RenderedRules()
    documents: list[tuple[str, str, dict[str, Any]]] = []  # (source, stem, document)
    for ref in config.semgrep_rules:
        scope = scope_for(ref, config.layers, modules)
        reason = inactive_reason(ref, config.layers, modules)
        for rule_file in load_rules(ref):
            rules = []
            for rule in apply_params(rule_file, ref):
                apply_routed_handlers(rule, routed or RoutedHandlers())
                rule_id = rule["id"]
                if rule_id in rendered.rules:
                    first = rendered.rules[rule_id].source
                    raise RulePackError(
                        f"duplicate semgrep rule id {rule_id!r} (also in {first})",
                        path=str(rule_file.path),
                        line=rule_file.line_of(rule_id),
                    )
                if reason is not None:
                    rendered.inactive.append((rule_id, reason))
                scoped = None if reason is not None else _scoped(rule, scope, all_files)
                meta = rule_metadata(rule)
                rendered.rules[rule_id] = RuleInfo(
                    id=rule_id,
                    source=str(rule_file.path),
                    pack=ref.pack,
                    cwe=metadata_strings(meta.get("cwe")),
                    owasp=metadata_strings(meta.get("owasp")),
                    redact=bool(meta.get("auditor-redact")),
                    scope=scope,
                )
                if scoped is None and reason is None:
                    rendered.skipped.append(rule_id)
                elif scoped is not None:
                    rules.append(scoped)
            if rules:
                documents.append((str(rule_file.path), rule_file.path.stem, {"rules": rules}))
    _write(documents, out_dir, rendered)
    return rendered


def _scoped(rule: dict[str, Any], scope: Scope, all_files: Sequence[str]) -> dict[str, Any] | None:
    """The rule with its scope in `paths`; None when the scope holds no file at all."""
    if scope.unrestricted:
        return rule
    paths = dict(rule.get("paths") or {})
    include = list(paths.get("include") or [])
    exclude = list(paths.get("exclude") or [])
    if scope.include is not None:
        chosen: Collection[str] = scope.include
        if include:
            spec = pathspec.PathSpec.from_lines("gitwildmatch", include)
            chosen = {p for p in chosen if spec.match_file(p)}
        if not chosen:
            return None
        include = path_globs(chosen, all_files)
    if scope.exclude:
        exclude += path_globs(scope.exclude, all_files)
    new_paths: dict[str, Any] = {}
    if include:
        new_paths["include"] = include
    if exclude:
        new_paths["exclude"] = exclude
    return {**rule, "paths": new_paths}


def _write(documents: list[tuple[str, str, dict[str, Any]]], out_dir: Path, rendered: RenderedRules) -> None:
    texts = [(src, stem, json.dumps(doc, sort_keys=True, indent=1)) for src, stem, doc in documents]
    digest = hashlib.sha256("\x00".join(t for _, _, t in texts).encode()).hexdigest()[:16]
    folder = ensure_dir(out_dir / digest)
    for index, (source, stem, text) in enumerate(texts):
        target = folder / f"{index:03d}-{stem}.yaml"
        if not _holds(target, text):
            write_file(target, text)
        rendered.config_files.append(target)
        rendered.sources[str(target)] = source


def _holds(path: Path, text: str) -> bool:
    """Whether `path` is a regular file (not a symlink) with exactly `text` in it."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def metadata_strings(value: object) -> tuple[str, ...]:
    """A rule metadata value (a string or a list) as a tuple of strings."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()
