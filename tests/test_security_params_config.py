"""A project's config overrides or extends the built-in pack's parameters (auth decorators, auth
calls, public routes): `[tool.auditor.security.params]` replaces a value, `extend_params` adds to
it; a bad value or an unknown name is one located error and exit 2."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from security_project import scan
from test_security_rules import ROUTES

from auditor.config.loader import load_config, load_config_collecting


def project(tmp_path: Path, security_toml: str) -> Path:
    root = tmp_path / "app"
    (root / "web").mkdir(parents=True)
    (root / "web" / "__init__.py").write_text("")
    (root / "web" / "routes.py").write_text(ROUTES)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.auditor]\npackages = ["web"]\n\n' + textwrap.dedent(security_toml)
    )
    return root


def auth_params(root: Path) -> dict[str, list[str]]:
    config = load_config(root)
    (entry,) = [r for r in config.semgrep_rules if r.path.endswith("route-without-auth.yaml")]
    return {k: list(v) for k, v in entry.params.items()}


def test_extend_params_adds_to_the_pack_defaults(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        """
        [tool.auditor.security.extend_params]
        auth_decorators = ["sso_only"]
        public_routes = ["uptime", "login"]
        """,
    )
    params = auth_params(root)
    assert params["auth_decorators"][0] == "login_required" and params["auth_decorators"][-1] == "sso_only"
    assert params["public_routes"][-1] == "uptime" and params["public_routes"].count("login") == 1
    assert "get_current_user" in params["auth_dependencies"]  # untouched


def test_params_replace_the_pack_value(tmp_path: Path) -> None:
    root = project(tmp_path, '[tool.auditor.security.params]\npublic_routes = ["uptime"]\n')
    params = auth_params(root)
    assert params["public_routes"] == ["uptime"]
    assert "login_required" in params["auth_decorators"]


@pytest.mark.slow
def test_overridden_parameters_change_what_the_auth_rule_finds(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        """
        [tool.auditor.security.params]
        public_routes = ["uptime"]

        [tool.auditor.security.extend_params]
        auth_decorators = ["sso_only"]
        auth_calls = ["verify_sso"]
        """,
    )
    outcome = scan(root, load_config(root), tmp_path / "c")
    by_rule = [f.line for f in outcome.findings if f.rule == "flask-route-without-auth"]
    # /a (@sso_only), /c (verify_sso) and /status/uptime now count as authenticated or public;
    # /login is no longer public: the project's public_routes replaced the pack's
    assert by_rule == [31]


@pytest.mark.parametrize(
    ("toml", "line", "message"),
    [
        (
            '[tool.auditor.security.params]\npublic_routes = "login"\n',
            8,
            "security parameter 'public_routes' must be a non-empty array of names, e.g. [\"login_required\"]",
        ),
        (
            '[tool.auditor.security.extend_params]\n\nauth_decorators = ["ok", "not a name"]\n',
            9,
            "security parameter 'auth_decorators' must be a non-empty array of names, e.g. [\"login_required\"]",
        ),
        (
            '[tool.auditor.security.params]\npublic_route = ["login"]\n',
            8,
            "unknown security parameter 'public_route' (the packs' parameters: auth_calls,"
            " auth_decorators, auth_dependencies, public_routes)",
        ),
    ],
)
def test_a_bad_parameter_is_one_located_error(tmp_path: Path, toml: str, line: int, message: str) -> None:
    root = project(tmp_path, toml)
    _, errors = load_config_collecting(root)
    assert [(e.line, e.message) for e in errors] == [(line, message)]


def test_in_a_subprocess_a_bad_parameter_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = project(tmp_path, '[tool.auditor.security.params]\nauth_calls = []\n')
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "check", str(root), "--no-semgrep"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"auditor: error: {root / 'pyproject.toml'}:8:1: security parameter 'auth_calls' must be a"
        ' non-empty array of names, e.g. ["login_required"]'
    ]


@pytest.mark.slow
def test_auth_rules_keep_to_the_api_or_web_layer_when_the_project_defines_one(tmp_path: Path) -> None:
    root = tmp_path / "app"
    for sub in ("web", "jobs"):
        (root / "shop" / sub).mkdir(parents=True)
        (root / "shop" / sub / "__init__.py").write_text("")
        (root / "shop" / sub / "routes.py").write_text(ROUTES)
    (root / "shop" / "__init__.py").write_text("")
    head = '[project]\nname = "app"\n\n[tool.auditor]\npackages = ["shop"]\n'
    (root / "pyproject.toml").write_text(head)
    everywhere = scan(root, load_config(root), tmp_path / "c")
    assert {f.path for f in everywhere.findings if "without-auth" in f.rule} == {
        "shop/web/routes.py",
        "shop/jobs/routes.py",
    }
    (root / "pyproject.toml").write_text(head + '\n[tool.auditor.layers]\nweb = ["shop.web"]\n')
    scoped = scan(root, load_config(root), tmp_path / "c")
    assert {f.path for f in scoped.findings if "without-auth" in f.rule} == {"shop/web/routes.py"}
