"""Each guardrail rule id from two configurations read by the real loader (no git)."""

from __future__ import annotations

import itertools
import json

import pytest

from auditor.config import load_config
from auditor.domain.errors import ConfigError
from auditor.domain.findings import Origin, Severity
from auditor.domain.guardrails import GuardrailPolicy
from auditor.drift.baseline import load_baseline
from auditor.drift.guardrails.compare import compare
from auditor.drift.guardrails.snapshot import guardrails_of

BASE = """[tool.auditor]
packages = ["shop"]
packs = [PACKS]
fail_on = "FAIL_ON"
exclude = [EXCLUDE]

[tool.auditor.security]
exclude = [SCAN_SKIP]SEC_PARAMS

[tool.auditor.layers]
api = ["shop.api", "shop.views"]
domain = ["shop.domain"]

[[tool.auditor.contracts]]
id = "layered"
type = "layers"
layers = [LAYERS]
severity = "SEVERITY"
IGNORE

[[tool.auditor.contracts]]
id = "no-infra"
type = "forbidden"
source_modules = ["shop.domain"]
forbidden_modules = [FORBIDDEN]
INDIRECT

EXCEPTIONS
"""
DEFAULTS = {
    "PACKS": "",
    "FAIL_ON": "error",
    "EXCLUDE": "",
    "SCAN_SKIP": "",
    "SEC_PARAMS": "",
    "LAYERS": '"api", "domain"',
    "SEVERITY": "error",
    "IGNORE": "",
    "FORBIDDEN": '"shop.infra", "shop.db"',
    "INDIRECT": "",
    "EXCEPTIONS": "",
}
EXCEPTION = '[[tool.auditor.exceptions]]\ncontract = "layered"\nimport = "{imp}"\nreason = "r"\n{more}\n'
_counter = itertools.count()


def snap(tmp_path, baseline: list[dict] | None = None, **changes: str):
    folder = tmp_path / f"s{next(_counter)}"
    folder.mkdir()
    text = BASE
    for key, value in {**DEFAULTS, **changes}.items():
        text = text.replace(key, value)
    (folder / "pyproject.toml").write_text(text)
    (folder / "shop").mkdir()
    config = load_config(folder)
    loaded = None
    if baseline is not None:
        doc = {"version": 1, "tool": "auditor", "commit": None, "findings": baseline}
        (folder / "auditor-baseline.json").write_text(json.dumps(doc, indent=2))
        loaded = load_baseline(folder / "auditor-baseline.json")
    return guardrails_of(config, loaded, folder, (folder / "auditor-baseline.json").read_text() if baseline is not None else None)


def rules(before, after) -> list[tuple[str, str]]:
    return [(c.rule, c.message) for c in compare(before, after)]


def only(before, after, rule: str):
    found = [c for c in compare(before, after) if c.rule == rule]
    assert found, rules(before, after)
    return found


def test_no_change_no_finding(tmp_path):
    assert compare(snap(tmp_path), snap(tmp_path)) == []


def test_exception_added_widened_and_expiry_pushed_out(tmp_path):
    narrow = EXCEPTION.format(imp="shop.domain.orders -> shop.api.views", more='expires = 2026-01-01')
    before = snap(tmp_path, EXCEPTIONS=narrow)
    added = only(snap(tmp_path), before, "guardrail-exception-added")[0]
    assert "added" in added.message and added.spot.line and added.exemption
    wide = EXCEPTION.format(imp="shop.domain.* -> shop.api.*", more='expires = 2026-01-01')
    widened = only(before, snap(tmp_path, EXCEPTIONS=wide), "guardrail-exception-added")
    assert "widened" in widened[0].message
    later = EXCEPTION.format(imp="shop.domain.orders -> shop.api.views", more='expires = 2027-01-01')
    pushed = only(before, snap(tmp_path, EXCEPTIONS=later), "guardrail-exception-added")
    assert "expiry pushed out from 2026-01-01 to 2027-01-01" in pushed[0].message


def test_contract_removed_names_the_line_at_ref(tmp_path):
    before = snap(tmp_path)
    after = snap(tmp_path)
    after = type(after)(**{**{f: getattr(after, f) for f in after.__dataclass_fields__}, "contracts": after.contracts[:1]})
    removed = only(before, after, "guardrail-contract-removed")[0]
    assert removed.at_ref and removed.spot.line == 21 and "no-infra" in removed.message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"LAYERS": '"domain", "api"'}, "layers reordered"),
        ({"LAYERS": '"api"'}, "layers dropped: domain"),
        ({"FORBIDDEN": '"shop.infra"'}, "removed from forbidden_modules: shop.db"),
        ({"IGNORE": 'ignore_imports = ["shop.domain.a -> shop.api.b"]'}, "ignore_imports added"),
        ({"INDIRECT": "allow_indirect_imports = true"}, "allow_indirect_imports turned on"),
        ({"IGNORE": 'ignore_kinds = ["type_checking"]'}, "import kinds ignored: type_checking"),
        ({"EXCLUDE": '"shop/legacy/**"'}, "exclude patterns added"),
        ({"SCAN_SKIP": '"shop/admin/**"'}, "security.exclude patterns added (files leave the security scan)"),
    ],
)
def test_contract_relaxed(tmp_path, change, words):
    found = only(snap(tmp_path), snap(tmp_path, **change), "guardrail-contract-relaxed")
    assert any(words in c.message for c in found), found
    assert all(c.spot.line for c in found)


def test_layer_definition_shrunk_is_a_relaxation(tmp_path):
    before = snap(tmp_path)
    after = snap(tmp_path)
    layers = tuple(type(layer)(layer.name, layer.patterns[:1], layer.spot) for layer in after.layers)
    after = type(after)(**{**{f: getattr(after, f) for f in after.__dataclass_fields__}, "layers": layers})
    found = only(before, after, "guardrail-contract-relaxed")
    assert "modules removed from layer 'api': shop.views" in found[0].message


def test_severity_lowered_and_fail_on_raised(tmp_path):
    found = only(snap(tmp_path), snap(tmp_path, SEVERITY="warning"), "guardrail-severity-lowered")
    assert "severity lowered from error to warning" in found[0].message
    fail_on = only(snap(tmp_path, FAIL_ON="warning"), snap(tmp_path), "guardrail-severity-lowered")
    assert "fail_on changed from warning to error" in fail_on[0].message


def test_pack_removed_or_pinned_older(tmp_path):
    packs = '"builtin:python-security"'
    removed = only(snap(tmp_path, PACKS=packs), snap(tmp_path), "guardrail-pack-removed")
    assert removed[0].at_ref and "python-security" in removed[0].message
    before = snap(tmp_path, PACKS=packs)
    old = before.packs[0]
    older = type(old)(old.name, "0.0.1", old.ref, old.spot)
    after = type(before)(**{**{f: getattr(before, f) for f in before.__dataclass_fields__}, "packs": (older,)})
    pinned = only(before, after, "guardrail-pack-removed")
    assert "older version" in pinned[0].message


def entry(fp: str, reason: str) -> dict:
    return {"fingerprint": fp, "rule": "layered", "kind": "contract", "severity": "error",
            "path": "shop/domain/a.py", "message": "m", "reason": reason, "added": "2026-01-01"}  # fmt: skip


def test_baseline_grown_one_per_entry_with_its_reason(tmp_path):
    before = snap(tmp_path, baseline=[entry("aaa", "old")])
    after = snap(tmp_path, baseline=[entry("aaa", "old"), entry("bbb", "ship it"), entry("ccc", "later")])
    grown = only(before, after, "guardrail-baseline-grown")
    assert [(g.exemption, "reason: ship it" in g.message or "reason: later" in g.message) for g in grown] == [
        ("bbb", True),
        ("ccc", True),
    ]
    assert all(g.spot.path == "auditor-baseline.json" and g.spot.line for g in grown)


def test_strengthening_is_listed_as_info_never_weakening(tmp_path):
    before = snap(tmp_path, SEVERITY="warning", FORBIDDEN='"shop.infra"', baseline=[entry("aaa", "old")])
    after = snap(tmp_path, FAIL_ON="warning", IGNORE="", baseline=[])
    changes = compare(before, after)
    assert changes and all(c.rule == "guardrail-strengthened" and not c.weakening for c in changes), changes
    messages = " | ".join(c.message for c in changes)
    assert "severity raised" in messages and "forbidden_modules tightened" in messages
    assert "baseline shrank by 1 entry" in messages


def test_policy_lowered_is_reported_and_the_stricter_policy_judges(tmp_path):
    before = snap(tmp_path)
    after = snap(tmp_path, EXCEPTIONS='[tool.auditor.guardrails]\nai = "info"\n')
    found = only(before, after, "guardrail-severity-lowered")
    assert "origin ai lowered from error to info" in found[0].message
    policy = before.policy.stricter(after.policy)
    assert policy.severity("guardrail-contract-removed", Origin.AI) is Severity.ERROR


def test_default_policy_ai_error_human_warning_and_per_rule_override(tmp_path):
    assert GuardrailPolicy().severity("guardrail-exception-added", Origin.AI) is Severity.ERROR
    assert GuardrailPolicy().severity("guardrail-exception-added", Origin.HUMAN) is Severity.WARNING
    custom = snap(
        tmp_path,
        EXCEPTIONS='[tool.auditor.guardrails]\nhuman = "error"\n'
        '[tool.auditor.guardrails.rules]\nguardrail-baseline-grown = { ai = "warning" }\n'
        'guardrail-suppression-added = "info"\n',
    ).policy
    assert custom.severity("guardrail-contract-removed", Origin.HUMAN) is Severity.ERROR
    assert custom.severity("guardrail-baseline-grown", Origin.AI) is Severity.WARNING
    assert custom.severity("guardrail-suppression-added", Origin.AI) is Severity.INFO


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('[tool.auditor.guardrails]\nai = "fatal"\n', ":29:1: ai must be one of error, warning, info"),
        ('[tool.auditor.guardrails]\nrobots = "error"\n', ":29:1: unknown key 'robots' in [guardrails]"),
        ('[tool.auditor.guardrails.rules]\nguardrail-nope = "error"\n', ":29:1: unknown guardrail rule"),
    ],
)
def test_a_bad_policy_is_one_located_config_error(tmp_path, table, expected):
    with pytest.raises(ConfigError) as caught:
        snap(tmp_path, EXCEPTIONS=table)
    assert "pyproject.toml" in str(caught.value) and expected in str(caught.value)


def test_an_exception_without_owner_is_owned_by_its_contracts_owner(tmp_path):
    owned = snap(tmp_path, IGNORE='owner = "@arch"', EXCEPTIONS=EXCEPTION.format(imp="shop.domain.a -> shop.api.b", more=""))
    added = only(snap(tmp_path, IGNORE='owner = "@arch"'), owned, "guardrail-exception-added")
    assert added[0].owner == "@arch"


PACK = '"builtin:python-security"'


@pytest.mark.parametrize(
    ("before_params", "after_params", "added"),
    [
        ("", 'extend_params = { public_routes = ["admin_export"] }', "public_routes widened: admin_export"),
        ("", 'params = { auth_decorators = ["login_required", "any_user"] }', "auth_decorators widened: any_user"),
        (
            'extend_params = { auth_calls = ["own_check"] }',
            'extend_params = { auth_calls = ["own_check", "always_true"] }',
            "auth_calls widened: always_true",
        ),
    ],
)
def test_security_parameters_widened_are_a_relaxation(tmp_path, before_params, after_params, added):
    """A name added to an allow-list of the auth rules (public routes, auth decorators, calls,
    dependencies) lets more routes pass: relaxed, at the config line that added it."""
    before = snap(tmp_path, PACKS=PACK, SEC_PARAMS=before_params and "\n" + before_params)
    after = snap(tmp_path, PACKS=PACK, SEC_PARAMS=after_params and "\n" + after_params)
    found = only(before, after, "guardrail-contract-relaxed")
    assert [c.message for c in found] == [f"security parameter {added} (more routes pass the auth rules)"]
    assert found[0].spot.line == 9


@pytest.mark.parametrize(
    ("before_params", "after_params"),
    [
        ('extend_params = { public_routes = ["admin_export"] }', ""),
        ("", 'params = { public_routes = ["login"] }'),
    ],
)
def test_security_parameters_narrowed_are_no_relaxation(tmp_path, before_params, after_params):
    before = snap(tmp_path, PACKS=PACK, SEC_PARAMS=before_params and "\n" + before_params)
    after = snap(tmp_path, PACKS=PACK, SEC_PARAMS=after_params and "\n" + after_params)
    assert [c for c in compare(before, after) if c.rule == "guardrail-contract-relaxed"] == []
