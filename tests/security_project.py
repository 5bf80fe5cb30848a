"""Test helpers for the security stage: a fixture project's modules and facts, rule refs, fakes."""

from __future__ import annotations

import shutil
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from auditor.config.model import AuditorConfig, SemgrepRuleRef, SemgrepSettings
from auditor.domain import FileDefinitions
from auditor.parse.source import parse_definitions, run_with_big_stack
from auditor.security import SecurityOutcome, run_security
from auditor.security.findings import DefinitionsOf
from auditor.support.resources import rules_dir

FIXTURES = Path(__file__).parent / "fixtures" / "security"
PACK_DIR = rules_dir() / "python-security"
SEMGREP = str(Path(sys.executable).parent / "semgrep")


def copy_fixture(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


def modules_of(root: Path) -> dict[str, str]:
    """Module name -> repo path for every .py file under root (a test-sized discover)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        parts = rel[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = rel
    return modules


def definitions_of(modules: Mapping[str, str]) -> DefinitionsOf:
    """What a module file defines (the enclosing scopes of findings), parsed as auditor does."""
    paths = set(modules.values())

    def lookup(path: str, source: bytes) -> FileDefinitions | None:
        if path not in paths:
            return None
        parsed = run_with_big_stack(lambda: parse_definitions(source, path=path))
        return parsed if isinstance(parsed, FileDefinitions) else None

    return lookup


def ref(rule_file: str | Path, **kwargs: object) -> SemgrepRuleRef:
    path = rule_file if isinstance(rule_file, Path) else PACK_DIR / rule_file
    return SemgrepRuleRef(path=str(path), pack="python-security", **kwargs)  # type: ignore[arg-type]


def config(
    root: Path,
    *refs: SemgrepRuleRef,
    layers: Mapping[str, tuple[str, ...]] | None = None,
    surfaces: Mapping[str, tuple[str, ...]] | None = None,
    total_timeout_s: int = 600,
) -> AuditorConfig:
    return AuditorConfig(
        root=root,
        layers=dict(layers or {}),
        surfaces=dict(surfaces or {}),
        semgrep_rules=tuple(refs),
        semgrep=SemgrepSettings(total_timeout_s=total_timeout_s),
    )


def scan(
    root: Path, cfg: AuditorConfig, cache: Path, *, files: list[str] | None = None, semgrep: str = SEMGREP
) -> SecurityOutcome:
    modules = modules_of(root)
    return run_security(
        root,
        cfg,
        files=files,
        modules=modules,
        definitions=definitions_of(modules),
        cache_dir=cache,
        semgrep=semgrep,
    )


def fake_semgrep(dest: Path, body: str) -> str:
    """An executable Python script standing in for semgrep; `body` runs with `sys` imported."""
    script = dest / "fake-semgrep"
    script.write_text(f"#!{sys.executable}\nimport os, sys, time, json\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)
