"""A layer-scoped rule whose layers this project does not define is inactive: it does not run, and
`rules list`, the run's warnings, the JSON report (`health.inactive_rules`) and the HTML report's
rule-pack health say so, with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from security_project import SEMGREP, config, copy_fixture, ref, scan

from auditor.cli.main import main
from auditor.security.scope import inactive_reason

MODULES = {"shop.api.views": "shop/api/views.py", "shop.db.queries": "shop/db/queries.py"}


@pytest.mark.parametrize(
    ("layers", "reason"),
    [
        ({}, "layer 'clients' is not defined"),
        ({"clients": ("shop.clients",)}, "layer 'clients' matches no module"),
        ({"clients": ("shop.api",)}, None),
    ],
)
def test_inactive_reason(layers: dict[str, tuple[str, ...]], reason: str | None) -> None:
    entry = ref("boundary-outbound-http.yaml", except_layers=("clients",))
    assert inactive_reason(entry, layers, MODULES) == reason


def test_one_defined_layer_of_several_is_enough() -> None:
    entry = ref("boundary-database-access.yaml", only_layers=("data", "storage"))
    assert inactive_reason(entry, {"data": ("shop.db",)}, MODULES) is None
    assert inactive_reason(entry, {}, MODULES) == "layers 'data', 'storage' are not defined"


def test_unscoped_rules_are_always_active() -> None:
    assert inactive_reason(ref("code-injection.yaml"), {}, MODULES) is None


def test_inactive_rules_do_not_run_and_are_reported(tmp_path: Path) -> None:
    root = copy_fixture("shopapp", tmp_path)
    cfg = config(
        root,
        ref("boundary-outbound-http.yaml", except_layers=("clients",)),
        ref("boundary-database-access.yaml", except_layers=("data",)),
        layers={"data": ("shop.db",)},
    )
    outcome = scan(root, cfg, tmp_path / "cache", semgrep=SEMGREP)
    assert {f.rule for f in outcome.findings} == {"boundary-database-access"}
    assert outcome.inactive_rules == (("boundary-outbound-http", "layer 'clients' is not defined"),)
    assert "boundary-outbound-http" not in outcome.rule_ids


PROJECT_CONFIG = '[tool.auditor]\npackages = ["shop"]\n\n[tool.auditor.layers]\ndata = ["shop.db"]\n'
INACTIVE = {
    ("boundary-outbound-http", "layer 'clients' is not defined"),
    ("boundary-environment-access", "layer 'config' is not defined"),
    ("boundary-subprocess", "layer 'processes' is not defined"),
}


def test_rules_list_shows_inactive_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture("shopapp", tmp_path)
    (root / "pyproject.toml").write_text(PROJECT_CONFIG)
    assert main(["rules", "list", str(root), "--no-cache"]) == 0
    out = capsys.readouterr().out
    for rule, reason in INACTIVE:
        assert f"{rule}: inactive: {reason}" in out
    assert "boundary-database-access: inactive" not in out
    assert main(["rules", "list", str(root), "--no-cache", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {(r["rule"], r["reason"]) for r in listing["inactive_rules"]} == INACTIVE


def test_audit_reports_inactive_rules_in_json_html_and_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    monkeypatch.setenv("SEMGREP_SEND_METRICS", "off")
    root = copy_fixture("shopapp", tmp_path)
    (root / "pyproject.toml").write_text(PROJECT_CONFIG)
    out = tmp_path / "report"
    main(["audit", str(root), "--no-cache", "--no-history", "--out", str(out)])
    capsys.readouterr()
    report = json.loads((out / "report.json").read_text())
    assert {(r["rule"], r["reason"]) for r in report["health"]["inactive_rules"]} == INACTIVE
    assert {f"{rule}: inactive: {reason}" for rule, reason in INACTIVE} <= set(report["run"]["warnings"])
    rules = {f["rule"] for f in report["findings"]}
    assert "boundary-database-access" in rules
    assert not rules & {rule for rule, _ in INACTIVE}
    html = (out / "index.html").read_text()
    assert 'id="health-inactive"' in html
    assert "boundary-outbound-http" in html and "layer &#39;clients&#39; is not defined" in html


def test_inactive_rules_round_trip_through_the_json_report() -> None:
    from dataclasses import replace

    from html_sample import sample_result

    from auditor.domain.run import RuleHealth
    from auditor.report.writers.jsonreport import read_json_report, write

    result = replace(
        sample_result(),
        health=RuleHealth(inactive_rules=(("boundary-subprocess", "layer 'processes' is not defined"),)),
    )
    text = write(result)
    assert json.loads(text)["health"]["inactive_rules"] == [
        {"rule": "boundary-subprocess", "reason": "layer 'processes' is not defined"}
    ]
    assert read_json_report(text).health == result.health
