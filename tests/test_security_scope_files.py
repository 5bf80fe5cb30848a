"""End to end (semgrep runs): the security stage scans scripts, settings, apps outside packages
and templates; their findings get layers, owners and origin; a template rule's own `paths`
survives layer scoping; hostile templates (a symlink out of the tree, a huge one, markup in the
name) are refused or escaped, never read or echoed raw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import GitRepo
from hostile.cli import run_cli

pytestmark = pytest.mark.slow  # each test runs semgrep

PACK = """\
[pack]
name = "local"
version = "1.0.0"
description = "test rules: an eval rule and two template rules"
requires = ">=0.1,<1"

[[semgrep]]
rules = "local/eval.yaml"

[[semgrep]]
rules = "local/safe.yaml"

[[semgrep]]
rules = "local/safe-web.yaml"
only_layers = ["web"]
"""
EVAL = """\
rules:
  - id: test-eval
    message: eval of data
    severity: ERROR
    languages: [python]
    metadata: {cwe: ["CWE-95: Eval Injection"]}
    pattern: eval(...)
"""
SAFE = """\
rules:
  - id: test-%(id)s
    message: output not escaped
    severity: WARNING
    languages: [generic]
    metadata: {cwe: ["CWE-79: Cross-site Scripting"]}
    paths:
      include: ["*.html", "*.jinja", "*.jinja2", "*.j2"]
    pattern: "|safe"
"""
CONFIG = """\
[tool.auditor]
packages = ["shop"]
packs = ["rules/local.toml"]

[tool.auditor.layers]
web = ["shop.web", "**.views"]
core = ["shop.core"]
"""
FILES = {
    "pyproject.toml": CONFIG,
    "rules/local.toml": PACK,
    "rules/local/eval.yaml": EVAL,
    "rules/local/safe.yaml": SAFE % {"id": "safe"},
    "rules/local/safe-web.yaml": SAFE % {"id": "safe-web"},
    "CODEOWNERS": "/shop/web/ @web-team\n/scripts/ @ops\n",
    "shop/__init__.py": "",
    "shop/core.py": "eval(data)\n",
    "shop/web/__init__.py": "",
    "shop/web/views.py": "def view(q):\n    return eval(q)\n",
    "shop/web/templates/page.html": "<p>{{ body|safe }}</p>\n",  # no __init__.py: no module
    "manage.py": "import os\neval(os.environ['X'])\n",
    "scripts/run.py": "eval(input())\n",  # no __init__.py: no package
    "blog/views.py": "def view(q):\n    return eval(q)\n",  # an app outside the packages
    "other/templates/mail.j2": "{{ body|safe }}\n",
    "tests/test_core.py": "eval('1')\n",  # left out by default
    "shop/migrations/0001_initial.py": "eval('1')\n",
}


def audited(root: Path, extra: dict[str, str] | None = None) -> GitRepo:
    repo = GitRepo(root)
    repo.commit({**FILES, **(extra or {})}, "the shop")
    return repo


def security(doc: dict[str, object]) -> dict[tuple[str, str], dict[str, object]]:
    findings = doc["findings"]
    assert isinstance(findings, list)
    return {(f["rule"], f["path"]): f for f in findings if f["kind"] == "security"}


def test_scripts_settings_subfolder_apps_and_templates_are_scanned_and_tagged(tmp_path: Path) -> None:
    audited(tmp_path)
    run = run_cli(["check", "--no-cache", "--format", "json"], cwd=tmp_path, timeout=300)
    run.assert_clean(codes=(1,))
    doc = run.json()
    found = security(doc)
    assert set(found) == {
        ("test-eval", "shop/core.py"),
        ("test-eval", "shop/web/views.py"),
        ("test-eval", "manage.py"),
        ("test-eval", "scripts/run.py"),
        ("test-eval", "blog/views.py"),
        ("test-safe", "shop/web/templates/page.html"),
        ("test-safe", "other/templates/mail.j2"),
        ("test-safe-web", "shop/web/templates/page.html"),  # the layer rule keeps its own paths
    }
    assert found[("test-eval", "blog/views.py")]["layers"] == ["web"]  # outside any package
    assert found[("test-eval", "manage.py")]["layers"] == []
    page = found[("test-safe", "shop/web/templates/page.html")]
    assert page["layers"] == ["web"] and page["owner"] == "@web-team" and page["line"] == 1
    assert found[("test-eval", "scripts/run.py")]["owner"] == "@ops"
    assert page["origin"] == "human" and page["commit"]  # blamed like any Python file
    assert doc["run"]["incomplete"] is False
    summary = [w for w in doc["run"]["warnings"] if w.startswith("security scan: files not scanned")]
    assert len(summary) == 1 and "1 (migrations)" in summary[0] and "1 (tests)" in summary[0]


def test_include_config_scans_tests_and_exclude_drops_a_folder(tmp_path: Path) -> None:
    config = CONFIG + '\n[tool.auditor.security]\ninclude = ["tests/"]\nexclude = ["other/"]\n'
    audited(tmp_path, {"pyproject.toml": config})
    doc = run_cli(["check", "--no-cache", "--format", "json"], cwd=tmp_path, timeout=300).json()
    paths = {path for _, path in security(doc)}
    assert "tests/test_core.py" in paths and "other/templates/mail.j2" not in paths
    assert "shop/migrations/0001_initial.py" not in paths


def test_a_bad_security_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    audited(tmp_path, {"pyproject.toml": CONFIG + "\n[tool.auditor.security]\ninclude = [1]\n"})
    run = run_cli(["check", "--no-cache"], cwd=tmp_path, timeout=120)
    assert run.code == 2 and "Traceback" not in run.stderr
    line = CONFIG.count("\n") + 3  # the include line
    assert f"pyproject.toml:{line}:" in run.stderr and "'include' must be an array of strings" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_hostile_templates_are_refused_or_escaped(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("{{ stolen|safe }}\n")
    root = tmp_path / "repo"
    markup = "<img src=x onerror=alert(1)>.html"
    huge = "<p>{{ x|safe }}</p>\n" + "<p>filler</p>\n" * 90_000  # ~1.2 MB: over max_target_bytes
    audited(root, {f"shop/web/templates/{markup}": "{{ x|safe }}\n", "shop/web/templates/huge.html": huge})
    (root / "shop" / "web" / "templates" / "link.html").symlink_to(outside / "secret.html")
    json_run = run_cli(["check", "--no-cache", "--format", "json"], cwd=root, timeout=300)
    doc = json_run.json()
    errors = {e["path"]: e["message"] for e in doc["errors"]}
    assert errors["shop/web/templates/link.html"].endswith("symlink points outside the audited tree; skipped")
    assert "max_target_bytes" in errors["shop/web/templates/huge.html"]
    assert doc["run"]["incomplete"] is True
    paths = {path for _, path in security(doc)}
    assert f"shop/web/templates/{markup}" in paths  # scanned, found
    assert not {"shop/web/templates/link.html", "shop/web/templates/huge.html"} & paths  # never read
    for fmt in ("markdown", "junit"):  # markup formats: the name is escaped, never markup
        out = run_cli(["check", "--no-cache", "--format", fmt], cwd=root, timeout=300).stdout
        assert "<img src=x" not in out and "onerror=alert(1)" in out, fmt
        assert "stolen" not in out, fmt
    report = root / "report"
    run_cli(["audit", "--no-cache", "--no-history", "--out", str(report)], cwd=root, timeout=300)
    html = "".join(p.read_text() for p in report.glob("*.html"))
    assert "onerror=alert(1)" in html and "<img src=x" not in html and "stolen" not in html
    assert "stolen" not in json.dumps(doc)


def test_a_project_without_any_package_is_still_scanned(tmp_path: Path) -> None:
    """A Flask app of plain scripts (no __init__.py anywhere) used to stop at "no Python package
    found" (exit 2): nothing was scanned. Its scripts are scanned now, and the run says that no
    import graph was built."""
    repo = GitRepo(tmp_path)
    repo.commit(
        {
            "auditor.toml": 'packs = ["rules/local.toml"]\n',
            "rules/local.toml": PACK.replace('only_layers = ["web"]\n', ""),
            "rules/local/eval.yaml": EVAL,
            "rules/local/safe.yaml": SAFE % {"id": "safe"},
            "rules/local/safe-web.yaml": SAFE % {"id": "safe-web"},
            "bad/libuser.py": "def login(q):\n    return eval(q)\n",
            "bad/templates/posts.html": "{{ post|safe }}\n",
            "app.py": "eval(input())\n",
        },
        "flat app",
    )
    run = run_cli(["check", "--no-cache", "--format", "json"], cwd=tmp_path, timeout=300)
    run.assert_clean(codes=(1,))
    doc = run.json()
    assert {path for _, path in security(doc)} == {"bad/libuser.py", "bad/templates/posts.html", "app.py"}
    assert any("no Python package found" in w for w in doc["run"]["warnings"])


def test_check_base_compares_scripts_and_templates_like_for_like(tmp_path: Path) -> None:
    """`check --base`: a changed script or template is scanned on both sides, so its old findings
    stay old and only the new line is new."""
    repo = audited(tmp_path)
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        {
            "scripts/run.py": "# a comment above\neval(input())\n",
            "shop/web/templates/page.html": "<h1>title</h1>\n<p>{{ body|safe }}</p>\n<i>{{ more|safe }}</i>\n",
            "other/templates/mail.j2": "hello\n{{ body|safe }}\n",
        },
        "edit",
    )
    run = run_cli(["check", "--no-cache", "--base", "main", "--format", "json"], cwd=tmp_path, timeout=300)
    run.assert_clean(codes=(0,))  # the new findings are warnings
    new = {(f["rule"], f["path"], f["line"]) for f in run.json()["findings"] if f["status"] == "new"}
    assert new == {
        ("test-safe", "shop/web/templates/page.html", 3),
        ("test-safe-web", "shop/web/templates/page.html", 3),
    }
