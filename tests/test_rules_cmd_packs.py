"""`auditor rules list|test|diff|explain|validate` end to end, in process, on fixture projects."""

import json
import shutil
from pathlib import Path

import pytest

from auditor.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures" / "contracts"
PROJECT = FIXTURES / "project"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("AUDITOR_TODAY", "2026-06-01")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_rules_test_green_pack_passes(capsys):
    code, out, _ = run(capsys, "rules", "test", str(PROJECT / "packs" / "v1.toml"))
    assert code == 0
    assert "PASS  green (2 expectations)" in out
    assert out.strip().endswith("1 passed, 0 failed")


def test_rules_test_red_pack_reports_each_mismatch_and_exits_1(capsys):
    code, out, _ = run(capsys, "rules", "test", str(FIXTURES / "redpack"))
    assert code == 1
    assert "FAIL  wrong (2 expectations)" in out
    assert "red-layers: expected a finding for shop.domain.models -> shop.api.views, got none" in out
    assert "red-layers: expected no finding" not in out  # the legal import is not reported
    assert "no-such-contract: no such contract in the pack" in out


def test_builtin_layered_web_pack_fixtures_pass(capsys):
    code, out, _ = run(capsys, "rules", "test", "builtin:layered-web")
    assert "PASS  upward-imports" in out and "PASS  cycle" in out
    assert code == 0, out


def test_rules_test_without_fixtures_is_a_usage_error(capsys, tmp_path):
    (tmp_path / "pack.toml").write_text('[pack]\nname = "p"\nversion = "1.0.0"\n', encoding="utf-8")
    code, _, err = run(capsys, "rules", "test", str(tmp_path))
    assert code == 2
    assert "no fixture cases" in err


def test_rules_list_shows_packs_layers_contracts_and_what_matches_nothing(capsys, tmp_path):
    code, out, _ = run(capsys, "rules", "list", str(PROJECT), "--cache-dir", str(tmp_path))
    assert code == 0
    assert "shop-arch 1.0.0  (packs/v1.toml)" in out
    assert "ghost: shop.nowhere  (0 modules)  matches nothing: shop.nowhere" in out
    assert "shop-layers (layers, warning) [shop-arch]: BROKEN (1 findings), 1 suppressed" in out
    assert "no-ghosts (forbidden, error): kept  matches nothing: ghost" in out
    code, out, _ = run(
        capsys, "rules", "list", str(PROJECT), "--cache-dir", str(tmp_path), "--format", "json"
    )
    data = json.loads(out)
    assert {c["id"]: c["kept"] for c in data["contracts"]} == {"shop-layers": False, "no-ghosts": True}
    assert [x["unmatched"] for x in data["layers"] if x["name"] == "ghost"] == [["shop.nowhere"]]


def test_rules_diff_shows_appearing_and_severity_changes(capsys, tmp_path):
    packs = PROJECT / "packs"
    code, out, _ = run(
        capsys,
        "rules",
        "diff",
        str(packs / "v1.toml"),
        str(packs / "v2.toml"),
        str(PROJECT),
        "--cache-dir",
        str(tmp_path),
    )
    assert code == 0
    assert "shop-arch 1.0.0 -> shop-arch 2.0.0" in out
    assert "would appear (1):\n  + error   jobs-no-api: shop.jobs.run imports shop.api.views" in out
    assert "would disappear (0):" in out
    assert "  ~ warning -> error: error   shop-layers: shop.domain.models imports shop.api.views" in out
    # the local exception applies on both sides: the suppressed legacy import shows in neither
    assert "shop.domain.legacy" not in out
    code, out, _ = run(
        capsys,
        "rules",
        "diff",
        str(packs / "v2.toml"),
        str(packs / "v1.toml"),
        str(PROJECT),
        "--cache-dir",
        str(tmp_path),
    )
    assert "would disappear (1):\n  - error   jobs-no-api" in out


def test_rules_explain_type_contract_and_semgrep_rule(capsys):
    code, out, _ = run(capsys, "rules", "explain", "independence")
    assert code == 0
    assert out.startswith("contract type 'independence'")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in out
    code, out, _ = run(capsys, "rules", "explain", "shop-layers", str(PROJECT))
    assert "contract 'shop-layers'" in out and "Domain code must not know about HTTP." in out
    assert "pack: shop-arch" in out
    code, out, _ = run(capsys, "rules", "explain", "django-csrf-exempt")
    assert code == 0 and "CWE-352" in out and "@csrf_exempt" in out
    code, _, err = run(capsys, "rules", "explain", "no-such-thing", str(PROJECT))
    assert code == 2 and "'no-such-thing' is no contract type" in err


def test_explain_covers_every_contract_type(capsys):
    from auditor.contracts import CONTRACT_TYPES

    for name in CONTRACT_TYPES:
        code, out, _ = run(capsys, "rules", "explain", name)
        assert code == 0 and "## Example" in out, name


def test_rules_validate_reports_contract_option_errors_at_their_line(capsys, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(PROJECT, project)
    config = project / "pyproject.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('forbidden_modules = ["shop.api"]', 'forbidden_modules = ["shop.api"]\ncolour = "red"')
    )
    code, _, err = run(capsys, "rules", "validate", str(project), "--no-cache")
    assert code == 2
    line = next(i for i, t in enumerate(config.read_text().splitlines(), 1) if t.startswith("colour"))
    assert f"pyproject.toml:{line}: contract 'no-ghosts' (forbidden): unknown option 'colour'" in err
    assert "Traceback" not in err


def test_rules_validate_checks_layers_against_the_codebase(capsys, tmp_path):
    code, _, err = run(capsys, "rules", "validate", str(PROJECT), "--no-cache")
    assert code == 2
    assert (
        "pyproject.toml:12:1: layer 'ghost': pattern 'shop.nowhere' matches no module of this codebase" in err
    )
    project = tmp_path / "p"
    shutil.copytree(PROJECT, project)
    config = project / "pyproject.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('shop.nowhere"', 'shop.jobs"'), encoding="utf-8"
    )
    code, out, err = run(capsys, "rules", "validate", str(project), "--no-cache")
    assert (code, err) == (0, "")
    assert out.startswith("ok: 1 packs, 2 contracts, 1 exceptions")
