"""The built-in security pack: semgrep's own test annotations, our schema, pack parameters."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import tomli as tomllib
from security_project import PACK_DIR, SEMGREP, config, ref, scan

from auditor.contracts.explain import find_semgrep_rule
from auditor.security.rulefiles import load_rule_file
from auditor.support.resources import rules_dir

ENV = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"}


def rule_files() -> list[Path]:
    return sorted(PACK_DIR.glob("*.yaml"))


@pytest.mark.slow
def test_semgrep_test_annotations_pass(tmp_path: Path) -> None:
    done = subprocess.run(
        [SEMGREP, "--test", "--metrics=off", "--json", str(PACK_DIR)],
        env={
            **ENV,
            "SEMGREP_SETTINGS_FILE": str(tmp_path / "s.yml"),
            "SEMGREP_LOG_FILE": str(tmp_path / "l"),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:]
    assert report["config_missing_tests"] == []
    assert report["config_with_errors"] == []
    checks = {rid: c for r in report["results"].values() for rid, c in r["checks"].items()}
    ids = {rule["id"] for f in rule_files() for rule in load_rule_file(f).rules}
    assert set(checks) == ids
    assert all(c["passed"] for c in checks.values())


def annotated_files(rule_file: Path) -> list[Path]:
    """The rule file's semgrep test files: `<stem>.py`, `<stem>.html`, `<stem>.<anything>.py`."""
    return sorted(
        p for p in rule_file.parent.iterdir() if p.suffix != ".yaml" and p.name.split(".")[0] == rule_file.stem
    )


@pytest.mark.parametrize("rule_file", rule_files(), ids=lambda p: p.stem)
def test_every_rule_has_a_true_positive_and_a_true_negative(rule_file: Path) -> None:
    text = "\n".join(p.read_text() for p in annotated_files(rule_file))
    for rule in load_rule_file(rule_file).rules:
        positives = re.findall(rf"(#|<!--)\s*ruleid:.*\b{re.escape(rule['id'])}\b", text)
        negatives = re.findall(rf"(#|<!--)\s*ok:.*\b{re.escape(rule['id'])}\b", text)
        assert positives and negatives, rule["id"]


@pytest.mark.parametrize("rule_file", rule_files(), ids=lambda p: p.stem)
def test_every_rule_has_cwe_owasp_category_confidence(rule_file: Path) -> None:
    for rule in load_rule_file(rule_file).rules:
        meta = rule["metadata"]
        assert all(c.startswith("CWE-") for c in meta["cwe"])
        assert meta["owasp"] and meta["category"] == "security"
        assert meta["confidence"] in ("LOW", "MEDIUM", "HIGH")
        assert rule["languages"] in (["python"], ["generic"])


EXPLAIN_PARTS = ("what", "why", "example", "instead")
# sec-taint rewrites these at the merge with the four parts filled; empty this set then
def pack_rules() -> list[tuple[str, dict[str, Any]]]:
    return [(f.stem, rule) for f in rule_files() for rule in load_rule_file(f).rules]


@pytest.mark.parametrize(
    ("stem", "rule"),
    [
        pytest.param(stem, rule, id=rule["id"])
        for stem, rule in pack_rules()
    ],
)
def test_every_rule_explains_what_why_example_and_instead(stem: str, rule: dict[str, Any]) -> None:
    meta = rule["metadata"]
    parts = {part: " ".join(str(meta.get(part) or "").split()) for part in EXPLAIN_PARTS}
    assert all(parts.values()), [p for p, text in parts.items() if not text]
    message = " ".join(rule["message"].split())
    assert parts["instead"] != message and parts["what"] != message
    assert not parts["instead"].startswith(message[:40])
    assert len(parts["why"]) > 60 and len(parts["instead"]) > 40  # specific, not a CWE title
    assert not re.fullmatch(r"CWE-\d+.*", parts["why"])


def test_explain_reads_the_four_parts_of_a_rule() -> None:
    explanation = find_semgrep_rule("cookie-without-secure-flags", [PACK_DIR / "insecure-cookie.yaml"])
    assert explanation is not None
    assert "set_cookie" in explanation.what and "HttpOnly" in explanation.why
    assert 'resp.set_cookie("session_token", token)' in explanation.example
    assert "secure=True, httponly=True" in explanation.instead


def test_pack_file_lists_every_rule_file_and_scopes_only_the_boundaries() -> None:
    pack = tomllib.loads((rules_dir() / "python-security.toml").read_text())
    listed = {entry["rules"] for entry in pack["semgrep"]}
    assert listed == {f"python-security/{p.name}" for p in rule_files()}
    assert "layers" not in pack  # boundaries stay inactive until the project defines the layer
    scoped = {e["rules"]: e.get("except_layers", []) + e.get("only_layers", []) for e in pack["semgrep"]}
    assert {rules for rules, names in scoped.items() if names} == {
        f"python-security/{p.name}" for p in rule_files() if p.name.startswith("boundary-")
    }
    preferred = {e["rules"]: e["prefer_layers"] for e in pack["semgrep"] if "prefer_layers" in e}
    assert preferred == {"python-security/route-without-auth.yaml": ["api", "web"]}


# every route reads the database: a route that touches nothing of the application's is not flagged
ROUTES = (
    "from flask import Flask\nfrom shop.security import sso_only\n\napp = Flask(__name__)\n\n\n"
    "@app.route('/a')\n@sso_only\ndef a():\n    return str(Order.query.all())\n\n\n"
    "@app.route('/b')\n@login_required\ndef b():\n    return str(Order.query.all())\n\n\n"
    "@app.route('/c')\ndef c():\n    if not verify_sso(request):\n        return 'no'\n    return str(Order.query.all())\n\n\n"
    "@app.route('/status/uptime')\ndef uptime():\n    return str(Order.query.count())\n\n\n"
    "@app.route('/login')\ndef login():\n    return str(Order.query.all())\n"
)


@pytest.mark.slow
def test_auth_decorators_checks_and_public_routes_are_pack_parameters(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "web").mkdir(parents=True)
    (root / "web" / "__init__.py").write_text("")
    (root / "web" / "routes.py").write_text(ROUTES)
    default = scan(root, config(root, ref("route-without-auth.yaml")), tmp_path / "c")
    # unknown by default: the @sso_only decorator, the verify_sso check, the uptime route
    assert [f.line for f in default.findings] == [7, 19, 26]
    custom = ref(
        "route-without-auth.yaml",
        params={"auth_decorators": ["sso_only"], "auth_calls": ["verify_sso"], "public_routes": ["uptime"]},
    )
    renamed = scan(root, config(root, custom), tmp_path / "c")
    # login_required still counts (its name says login); /login is no longer public by parameter
    assert [f.line for f in renamed.findings] == [31]


@pytest.mark.slow
def test_django_views_are_found_only_in_views_modules(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "shop").mkdir(parents=True)
    view = (
        "from django.http import HttpResponse\n\n\n"
        "def orders(request):\n    return HttpResponse(str(list(Order.objects.all())))\n"
    )
    for name in ("__init__.py", "views.py", "shortcuts.py"):
        (root / "shop" / name).write_text(view if name != "__init__.py" else "")
    outcome = scan(root, config(root, ref("route-without-auth.yaml")), tmp_path / "c")
    assert {(f.path, f.rule) for f in outcome.findings} == {("shop/views.py", "django-view-without-auth")}


SECRETS = {
    "settings.py": 'SECRET_KEY = "django-insecure-k#9$w%8^(x)q!z@3b_j5*m&e+t-r2y=u0i1"\n',
    "tokens.py": 'import jwt\n\n\ndef mint(uid):\n    return jwt.encode({"sub": uid}, "jwt-key-literal", algorithm="HS256")\n',
    "login.py": 'def check(password):\n    return password == "letmein-admin"\n',
}


@pytest.mark.slow
def test_new_secret_rules_find_and_redact_their_secrets(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    for name, text in SECRETS.items():
        (root / "shop" / name).write_text(text)
    outcome = scan(root, config(root, ref("hardcoded-secrets.yaml")), tmp_path / "c")
    assert {(f.path, f.rule) for f in outcome.findings} == {
        ("shop/settings.py", "hardcoded-secret-key"),
        ("shop/tokens.py", "hardcoded-jwt-key"),
        ("shop/login.py", "hardcoded-password-comparison"),
    }
    rendered = repr(outcome.findings)
    for secret in ("django-insecure", "jwt-key-literal", "letmein-admin"):
        assert secret not in rendered
    assert {f.snippet for f in outcome.findings} == {
        'SECRET_KEY = "***"',
        '    return jwt.encode({"***": uid}, "***", algorithm="***")',
        '    return password == "***"',
    }
