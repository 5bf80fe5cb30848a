"""The security stage on a fixture project: layer-scoped boundaries, tags, redaction, subsets."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from security_project import PACK_DIR, SEMGREP, config, copy_fixture, ref, scan

from auditor.config import load_config
from auditor.config.model import AuditorConfig
from auditor.domain import FindingKind, Severity
from auditor.security import SecurityOutcome, validate_semgrep_rules

pytestmark = pytest.mark.slow  # each test runs semgrep (a few seconds)

LAYERS = {"data": ("shop.db",), "config": ("shop.settings",), "api": ("shop.api",)}
SURFACES = {"auth": ("shop.auth",)}
BOUNDARIES = ("boundary-database-access", "boundary-environment-access")


def boundary_config(root: Path, layers: Mapping[str, tuple[str, ...]]) -> AuditorConfig:
    return config(
        root,
        ref("boundary-database-access.yaml", except_layers=("data",)),
        ref("boundary-environment-access.yaml", except_layers=("config",)),
        ref("hardcoded-secrets.yaml"),
        ref("jwt-verification.yaml"),
        layers=layers,
        surfaces=SURFACES,
    )


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SecurityOutcome]:
    base = tmp_path_factory.mktemp("shop")
    root = copy_fixture("shopapp", base)
    return root, scan(root, boundary_config(root, LAYERS), base / "cache")


def where(outcome: SecurityOutcome, rule: str) -> set[str]:
    return {f.path for f in outcome.findings if f.rule == rule and f.path}


def test_boundary_fires_in_forbidden_layers_and_not_in_the_allowed_one(
    shop: tuple[Path, SecurityOutcome],
) -> None:
    _, outcome = shop
    assert outcome.incomplete_reasons == [] and outcome.errors == []
    assert outcome.warnings == [] and outcome.semgrep_version
    assert where(outcome, "boundary-database-access") == {"shop/api/views.py", "shop/legacy/store.py"}
    assert where(outcome, "boundary-environment-access") == {"shop/api/views.py"}  # not shop/settings.py


def test_renaming_the_layer_modules_moves_the_scope(tmp_path: Path) -> None:
    root = copy_fixture("shopapp", tmp_path)
    moved = scan(root, boundary_config(root, {**LAYERS, "data": ("shop.legacy",)}), tmp_path / "cache")
    assert where(moved, "boundary-database-access") == {"shop/api/views.py", "shop/db/queries.py"}


def test_findings_carry_rule_data_enclosing_scope_layers_and_surfaces(
    shop: tuple[Path, SecurityOutcome],
) -> None:
    _, outcome = shop
    sql = next(f for f in outcome.findings if f.rule == "boundary-database-access" and f.line == 9)
    assert sql.kind is FindingKind.SECURITY and sql.severity is Severity.WARNING
    assert sql.path == "shop/api/views.py" and sql.end_line == 9
    assert sql.cwe == ("CWE-1057",) and sql.owasp
    assert sql.layers == ("api",) and sql.surfaces == ()
    assert ("enclosing", "order_view") in sql.extra
    assert sql.snippet == 'conn.execute("SELECT * FROM orders WHERE user_id = ?", (user_id,))'
    jwt = [f for f in outcome.findings if f.rule == "jwt-signature-not-verified"]
    assert {f.surfaces for f in jwt} == {("auth",)} and all(f.severity is Severity.ERROR for f in jwt)
    assert sorted(dict(f.extra)["enclosing"] for f in jwt) == ["Tokens.peek", "claims"]


def test_secrets_are_redacted_in_snippet_and_message(shop: tuple[Path, SecurityOutcome]) -> None:
    _, outcome = shop
    secret = next(f for f in outcome.findings if f.rule == "hardcoded-secret-assignment")
    assert secret.snippet == 'SIGNING_SECRET = "***"'
    rendered = repr(secret)
    assert "correct-horse" not in rendered


def test_files_scans_only_those_module_files(tmp_path: Path) -> None:
    root = copy_fixture("shopapp", tmp_path)
    outcome = scan(
        root, boundary_config(root, LAYERS), tmp_path / "c", files=["shop/legacy/store.py", "README.md"]
    )
    assert outcome.scanned == 1
    assert {f.path for f in outcome.findings} == {"shop/legacy/store.py"}


def test_no_rules_or_no_targets_run_nothing(tmp_path: Path) -> None:
    root = copy_fixture("shopapp", tmp_path)
    assert scan(root, config(root), tmp_path / "c", semgrep="/nonexistent") == SecurityOutcome()
    none = scan(root, boundary_config(root, LAYERS), tmp_path / "c", files=[], semgrep="/nonexistent")
    assert none.findings == [] and none.incomplete_reasons == []


def test_builtin_pack_loads_validates_and_runs_only_the_boundaries_whose_layers_are_defined(
    tmp_path: Path,
) -> None:
    root = copy_fixture("shopapp", tmp_path)
    (root / "pyproject.toml").write_text(
        '[tool.auditor]\npackages = ["shop"]\npacks = ["builtin:python-security"]\n'
        '[tool.auditor.layers]\ndata = ["shop.db"]\n'
    )
    cfg = load_config(root)
    assert {Path(r.path).parent for r in cfg.semgrep_rules} == {PACK_DIR}
    assert validate_semgrep_rules(cfg, semgrep=SEMGREP) == []
    outcome = scan(root, cfg, tmp_path / "cache")
    assert outcome.incomplete_reasons == []
    # only `data` is defined: the other boundaries are inactive, not run everywhere
    assert where(outcome, "boundary-environment-access") == set()
    assert where(outcome, "boundary-outbound-http") == set()
    assert where(outcome, "boundary-database-access") == {"shop/api/views.py", "shop/legacy/store.py"}
    assert {rule for rule, _ in outcome.inactive_rules} == {
        "boundary-environment-access",
        "boundary-outbound-http",
        "boundary-subprocess",
    }
    assert len(outcome.rule_ids) == 41  # the 44 rules of the pack less the 3 inactive boundaries
