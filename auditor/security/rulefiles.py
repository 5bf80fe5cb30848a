"""Reading a pack's semgrep YAML files, checking their shape, substituting pack parameters.

Schema checks here are the auditor's own (offline); semgrep's own checks run in `validate`.
A rule may declare parameters in `metadata.auditor-params` (parameter name -> metavariable): the
value given in the pack's `params` (a list of names) replaces the regex of every
`metavariable-regex` on that metavariable with `^(.*\\.)?(name1|name2|...)$`. Parameters in
`metadata.auditor-word-params` match the names as words inside a longer name or path instead
(`login` matches `user_login`, `/api/login/` and `LoginView`, not `relogin`).
`metadata.auditor-routed-handlers` names the metavariable that gets the names of the handlers
route tables in other files name (urls.py, aiohttp add_route; see `routes`), and a rule with a
`paths.include` also gets their defining files added to it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from auditor.config.model import SemgrepRuleRef
from auditor.domain import RulePackError
from auditor.security.routes import RoutedHandlers
from auditor.security.scope import anchored_glob

REQUIRED_KEYS = ("id", "message", "severity", "languages")
SEVERITIES = ("ERROR", "WARNING", "INFO")
LANGUAGES = ("python", "py", "python3", "generic")  # generic: templates, with the rule's own `paths`
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class RuleFile:
    """One semgrep YAML file of a pack entry, parsed and checked."""

    path: Path
    rules: tuple[dict[str, Any], ...]

    def line_of(self, rule_id: str) -> int | None:
        pattern = re.compile(rf"^\s*-?\s*id:\s*['\"]?{re.escape(rule_id)}['\"]?\s*$")
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        return next((n for n, text in enumerate(lines, 1) if pattern.match(text)), None)


def rule_paths(ref: SemgrepRuleRef) -> list[Path]:
    """The YAML files a pack entry names: the file itself, or a directory's *.yaml/*.yml."""
    target = Path(ref.path)
    if target.is_dir():
        return sorted(p for p in target.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not target.is_file():
        raise _error(ref, f"semgrep rules not found: {ref.path}")
    return [target]


def load_rule_file(path: Path) -> RuleFile:
    """Parse one semgrep rule file and check the auditor's schema; RulePackError on any defect."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulePackError(f"cannot read semgrep rules: {exc.strerror}", path=str(path)) from None
    except UnicodeDecodeError:
        raise RulePackError("semgrep rules are not UTF-8 text", path=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise RulePackError(
            f"invalid YAML: {problem}",
            path=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list) or not data["rules"]:
        raise RulePackError("a semgrep rule file needs a non-empty top-level 'rules' list", path=str(path))
    rules: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, rule in enumerate(data["rules"]):
        problem = _schema_problem(rule)
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        probe = RuleFile(path, ())
        line = probe.line_of(rule_id) if isinstance(rule_id, str) else None
        if problem:
            label = f"rule {rule_id!r}" if isinstance(rule_id, str) else f"rule #{index + 1}"
            raise RulePackError(f"{label}: {problem}", path=str(path), line=line)
        assert isinstance(rule, dict)
        if rule["id"] in seen:
            raise RulePackError(f"duplicate rule id {rule['id']!r}", path=str(path), line=line)
        seen.add(rule["id"])
        rules.append(rule)
    return RuleFile(path, tuple(rules))


def _schema_problem(rule: object) -> str | None:
    if not isinstance(rule, dict):
        return "must be a mapping"
    missing = [k for k in REQUIRED_KEYS if k not in rule]
    if missing:
        return f"missing {', '.join(repr(k) for k in missing)}"
    if not isinstance(rule["id"], str) or not _ID.match(rule["id"]):
        return "'id' must be letters, digits, '.', '_' or '-'"
    if not isinstance(rule["message"], str) or not rule["message"].strip():
        return "'message' must be a non-empty string"
    if rule["severity"] not in SEVERITIES:
        return f"'severity' must be one of {', '.join(SEVERITIES)}"
    languages = rule["languages"]
    if not isinstance(languages, list) or not languages:
        return "'languages' must be a non-empty list"
    if not any(str(lang).lower() in LANGUAGES for lang in languages):
        return "'languages' must include python (or generic, for a template rule)"
    metadata = rule.get("metadata")
    if not isinstance(metadata, dict):
        return "missing 'metadata' (with 'cwe')"
    cwe = metadata.get("cwe")
    if isinstance(cwe, str):
        cwe = [cwe]
    if (
        not isinstance(cwe, list)
        or not cwe
        or not all(isinstance(c, str) and c.startswith("CWE-") for c in cwe)
    ):
        return "'metadata.cwe' must list CWE ids, e.g. [\"CWE-89: SQL Injection\"]"
    routed = metadata.get(ROUTED_KEY)
    if routed is not None and not (isinstance(routed, str) and routed.startswith("$")):
        return f"'metadata.{ROUTED_KEY}' must be a metavariable ($NAME)"
    for key in PARAM_KEYS:
        params = metadata.get(key, {})
        if not isinstance(params, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.startswith("$") for k, v in params.items()
        ):
            return f"'metadata.{key}' must map parameter names to metavariables ($NAME)"
    return None


def apply_params(rule_file: RuleFile, ref: SemgrepRuleRef) -> list[dict[str, Any]]:
    """Copies of the file's rules with the pack entry's parameters substituted."""
    declared = {name for rule in rule_file.rules for key in PARAM_KEYS for name in _params_of(rule, key)}
    unknown = sorted(set(ref.params) - set(declared))
    if unknown and not Path(ref.path).is_dir():
        raise _error(
            ref,
            f"unknown parameter(s) {', '.join(unknown)} for {rule_file.path.name}"
            f" (declared: {', '.join(sorted(declared)) or 'none'})",
        )
    rendered = []
    for rule in rule_file.rules:
        rule = copy.deepcopy(rule)
        for key, to_regex in PARAM_KEYS.items():
            for name, metavariable in _params_of(rule, key).items():
                if name in ref.params:
                    regex = to_regex(_names(ref, name))
                    for node in _metavariable_regexes(rule, metavariable):
                        node["regex"] = regex
        rendered.append(rule)
    return rendered


ROUTED_KEY = "auditor-routed-handlers"
NO_NAME = "^$"  # what the routed-handler regex becomes when no route table names a handler


def apply_routed_handlers(rule: dict[str, Any], routed: RoutedHandlers) -> None:
    """Fill a rule's routed-handler metavariable (in place) with the handlers' names, and add
    their files to the rule's `paths.include` when it has one."""
    metavariable = rule_metadata(rule).get(ROUTED_KEY)
    if not isinstance(metavariable, str):
        return
    names = routed.names
    regex = names_regex(names) if names else NO_NAME
    for node in _metavariable_regexes(rule, metavariable):
        node["regex"] = regex
    paths = rule.get("paths")
    if isinstance(paths, dict) and paths.get("include") and routed.files:
        extra = [anchored_glob(f) for f in routed.files]
        rule["paths"] = {**paths, "include": [*paths["include"], *extra]}


def names_regex(names: list[str]) -> str:
    """`^(.*\\.)?(a|b)$`: a bare or dotted name ending in one of `names` (escaped)."""
    return r"^(.*\.)?(" + "|".join(re.escape(n) for n in names) + r")$"


def words_regex(names: list[str]) -> str:
    """A regex finding one of `names` as a word of a longer name or path: after a non-alphanumeric
    character or a lower-to-upper case step, before anything but a lowercase letter or digit."""
    alternatives = "|".join(re.escape(n) for n in names)
    return rf".*(?:^|(?<=[^A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z]))(?i:{alternatives})(?![a-z0-9])"


PARAM_KEYS: dict[str, Callable[[list[str]], str]] = {
    "auditor-params": names_regex,
    "auditor-word-params": words_regex,
}


def _params_of(rule: Mapping[str, Any], key: str) -> dict[str, str]:
    params = rule_metadata(rule).get(key)
    return params if isinstance(params, dict) else {}


def _names(ref: SemgrepRuleRef, name: str) -> list[str]:
    value = ref.params[name]
    if isinstance(value, str):
        value = [value]
    ident = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and ident.match(v) for v in value)
    ):
        raise _error(ref, f"parameter {name!r} must be a non-empty list of (dotted) Python names")
    return list(value)


def _metavariable_regexes(node: object, metavariable: str) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        inner = node.get("metavariable-regex")
        if isinstance(inner, dict) and inner.get("metavariable") == metavariable:
            yield inner
        for value in node.values():
            yield from _metavariable_regexes(value, metavariable)
    elif isinstance(node, list):
        for item in node:
            yield from _metavariable_regexes(item, metavariable)


def rule_metadata(rule: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = rule.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _error(ref: SemgrepRuleRef, message: str) -> RulePackError:
    return RulePackError(message, path=ref.location.path or ref.path, line=ref.location.line)
