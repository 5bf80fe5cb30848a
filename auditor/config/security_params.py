"""A project's values for the parameters of its packs' semgrep rules.

`[tool.auditor.security.params]` replaces the value a pack gives a parameter (every `[[semgrep]]`
entry that sets it), `[tool.auditor.security.extend_params]` adds names to it, e.g. a project's
own auth decorator or its public webhook route for the built-in auth rules.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from auditor.config.fields import FieldReader
from auditor.config.model import AuditorConfig, SemgrepRuleRef
from auditor.config.toml_source import KeyPath

PARAM_TABLES = ("params", "extend_params")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def read_params(reader: FieldReader, table: Mapping[str, Any], path: KeyPath, key: str) -> dict[str, tuple[str, ...]]:
    """name -> names of one params table; a value that is not a non-empty array of (dotted) Python
    names is a located error."""
    out: dict[str, tuple[str, ...]] = {}
    for name, value in reader.table(table, path, key).items():
        if not (
            isinstance(value, list) and value and all(isinstance(v, str) and _NAME.match(v) for v in value)
        ):
            reader.fail(
                (*path, key, name),
                f"security parameter '{name}' must be a non-empty array of names, e.g. [\"login_required\"]",
            )
            continue
        out[name] = tuple(value)
    return out


def apply_params(reader: FieldReader, config: AuditorConfig, path: KeyPath) -> AuditorConfig:
    """`config` with the project's parameter values in its packs' semgrep entries; a name no entry
    sets is a located error."""
    security = config.security
    if not security.params and not security.extend_params:
        return config
    known = sorted({name for ref in config.semgrep_rules for name in ref.params})
    for key in PARAM_TABLES:
        for name in getattr(security, key):
            if name not in known:
                reader.fail(
                    (*path, key, name),
                    f"unknown security parameter '{name}'"
                    f" (the packs' parameters: {', '.join(known) or 'none'})",
                )
    refs = tuple(_with_params(ref, security.params, security.extend_params) for ref in config.semgrep_rules)
    return dataclasses.replace(config, semgrep_rules=refs)


def _with_params(
    ref: SemgrepRuleRef,
    replace: Mapping[str, tuple[str, ...]],
    extend: Mapping[str, tuple[str, ...]],
) -> SemgrepRuleRef:
    if not any(name in replace or name in extend for name in ref.params):
        return ref
    params = dict(ref.params)
    for name, value in ref.params.items():
        names = list(replace.get(name, [value] if isinstance(value, str) else value))
        names += [n for n in extend.get(name, ()) if n not in names]
        params[name] = names
    return dataclasses.replace(ref, params=params)
