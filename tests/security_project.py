"""Test helpers for the security stage: a fixture project's modules and facts, rule refs, fakes."""

from __future__ import annotations

import shutil
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from auditor.config.model import AuditorConfig, SemgrepRuleRef, SemgrepSettings
from auditor.domain import FileFacts
from auditor.parse.source import parse_source
from auditor.security import SecurityOutcome, run_security
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


def facts_of(root: Path, modules: Mapping[str, str]) -> dict[str, FileFacts]:
    facts = {}
    for name, rel in modules.items():
        parsed = parse_source(
            (root / rel).read_bytes(), path=rel, module=name, is_package=rel.endswith("__init__.py")
        )
        if isinstance(parsed, FileFacts):
            facts[rel] = parsed
    return facts


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
        facts=facts_of(root, modules),
        cache_dir=cache,
        semgrep=semgrep,
    )


def fake_semgrep(dest: Path, body: str) -> str:
    """An executable Python script standing in for semgrep; `body` runs with `sys` imported."""
    script = dest / "fake-semgrep"
    script.write_text(f"#!{sys.executable}\nimport os, sys, time, json\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)
