"""Which files the security stage scans: every Python file and template of the repository (not
only the audited packages), minus .gitignored files, virtual environments, tests and migrations
by default; `[security] include` / `exclude` globs; what is left out is counted, never silent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gitrepo import GitRepo
from init_projects import write_files

from auditor.config import load_config
from auditor.config.loader import ConfigErrors
from auditor.security.targets import (
    CONFIG_EXCLUDED,
    ENVIRONMENTS,
    MIGRATIONS,
    TESTS,
    default_reason,
    path_module,
    security_files,
)

PROJECT = {
    "shop/__init__.py": "",
    "shop/views.py": "x = 1\n",
    "shop/templates/cart.html": "{{ x }}\n",
    "manage.py": "import os\n",
    "scripts/deploy.py": "import os\n",  # a folder without __init__.py
    "config/settings.py": "DEBUG = True\n",
    "blog/views.py": "x = 1\n",  # an app in a sub-folder that is no package
    "blog/templates/post.jinja": "{{ x }}\n",
    "blog/templates/list.jinja2": "{{ x }}\n",
    "blog/templates/mail.j2": "{{ x }}\n",
    "blog/static/app.js": "var x;\n",  # neither Python nor a template
    "README.md": "# shop\n",
    "tests/test_views.py": "x = 1\n",
    "shop/tests.py": "x = 1\n",  # Django's tests module
    "shop/test_models.py": "x = 1\n",
    "shop/models_test.py": "x = 1\n",
    "conftest.py": "x = 1\n",
    "shop/migrations/0001_initial.py": "x = 1\n",
    ".venv/lib/site.py": "x = 1\n",
    "myenv/pyvenv.cfg": "home = /usr/bin\n",  # a virtual environment under any name
    "myenv/lib/python3.12/os.py": "x = 1\n",
    "node_modules/pkg/x.html": "<b>\n",
    "build/lib/shop/views.py": "x = 1\n",
    "generated/out.py": "x = 1\n",  # .gitignored below
    "shop/local_settings.py": "SECRET_KEY = 'x'\n",  # .gitignored below
}
SCANNED = [
    "blog/templates/list.jinja2",
    "blog/templates/mail.j2",
    "blog/templates/post.jinja",
    "blog/views.py",
    "config/settings.py",
    "manage.py",
    "scripts/deploy.py",
    "shop/__init__.py",
    "shop/templates/cart.html",
    "shop/views.py",
]
LEFT_OUT = {TESTS: 5, MIGRATIONS: 1, ENVIRONMENTS: 4}
GITIGNORE = "generated/\nlocal_settings.py\n"


def project(root: Path, *, git: bool, extra: dict[str, str] | None = None) -> Path:
    write_files(root, {**PROJECT, ".gitignore": GITIGNORE, **(extra or {})})
    if git:
        repo = GitRepo(root)
        repo.git("add", "shop", "manage.py", "tests")  # tracked and untracked files alike
        repo.git("commit", "-q", "-m", "init")
    return root


@pytest.mark.parametrize("git", [True, False], ids=["git", "no-git"])
def test_every_python_file_and_template_minus_ignored_envs_tests_migrations(tmp_path: Path, git: bool) -> None:
    listing = security_files(project(tmp_path, git=git))
    assert listing.files == SCANNED
    # outside git, tool folders and virtual environments are not even entered (not counted)
    assert listing.left_out == (LEFT_OUT if git else {TESTS: 5, MIGRATIONS: 1}) and listing.errors == []
    summary = listing.summary()
    assert summary is not None and "5 (tests)" in summary and "1 (migrations)" in summary
    assert "include" in summary and ("4 (virtual environments and tool folders)" in summary) == git


def test_a_folder_its_repository_ignores_is_walked_with_its_own_gitignore(tmp_path: Path) -> None:
    """A vendored or cached copy inside a repository that ignores it (e.g. a wheel unpacked in
    .cache/) is still scanned: git would list nothing there."""
    outer = GitRepo(tmp_path)
    outer.commit({".gitignore": ".cache/\n"}, "ignore the cache")
    inner = project(tmp_path / ".cache" / "django", git=False)
    assert security_files(inner).files == SCANNED


def test_include_brings_default_exclusions_back_and_exclude_wins(tmp_path: Path) -> None:
    root = project(tmp_path, git=True)
    listing = security_files(root, include=["tests/", "**/migrations/**"], exclude=["scripts/", "tests/x*"])
    assert "tests/test_views.py" in listing.files and "shop/migrations/0001_initial.py" in listing.files
    assert "scripts/deploy.py" not in listing.files
    assert listing.left_out == {TESTS: 4, ENVIRONMENTS: 4, CONFIG_EXCLUDED: 1}
    assert security_files(root, include=["*.py"], exclude=["tests/"]).left_out[CONFIG_EXCLUDED] == 1


def test_default_policy_names_each_reason() -> None:
    assert default_reason("app/views.py") is None
    assert default_reason("app/test.py") is None  # a module named test is not a test file
    assert default_reason("app/test/helpers.py") == TESTS
    assert default_reason("app/testing/helpers.py") is None  # shipped test helpers are code
    assert default_reason("app/migrations/0002_x.py") == MIGRATIONS
    assert default_reason("venv/lib/x.py") == ENVIRONMENTS
    assert default_reason("app/tests/templates/x.html") == TESTS
    assert default_reason("envs/lib/x.py", lambda folder: folder == "envs") == ENVIRONMENTS


def test_files_outside_packages_get_a_dotted_name_for_layer_patterns() -> None:
    assert path_module("scripts/deploy.py") == "scripts.deploy"
    assert path_module("src/shop/cli/__init__.py") == "shop.cli"
    assert path_module("shop/web/templates/cart.html") == "shop.web.templates.cart.html"


def test_a_symlink_out_of_the_tree_is_not_scanned_but_listed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_files(outside, {"secret.html": "{{ x|safe }}\n"})
    root = project(tmp_path / "repo", git=False)
    (root / "shop" / "templates" / "leak.html").symlink_to(outside / "secret.html")
    (root / "shop" / "templates" / "inside.html").symlink_to(root / "shop" / "templates" / "cart.html")
    os.mkfifo(root / "shop" / "templates" / "pipe.html")
    listing = security_files(root)
    assert "shop/templates/inside.html" in listing.files  # a link inside the tree is read
    problems = {e.path: e.message for e in listing.errors}
    assert problems == {
        "shop/templates/leak.html": "not scanned by semgrep: symlink points outside the audited tree; skipped",
        "shop/templates/pipe.html": "not scanned by semgrep: not a regular file; skipped",
    }


def test_security_include_and_exclude_are_validated_with_file_and_line(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": (
                '[tool.auditor]\npackages = ["shop"]\n\n[tool.auditor.security]\n'
                'include = ["tests/"]\nexclude = "scripts/"\nscan = ["x"]\n'
            ),
            "shop/__init__.py": "",
        },
    )
    with pytest.raises(ConfigErrors) as info:
        load_config(tmp_path)
    text = "\n".join(str(e) for e in info.value.errors)
    assert "pyproject.toml:6" in text and "exclude" in text  # not a list
    assert "pyproject.toml:7" in text and "scan" in text  # unknown key


def test_security_globs_reach_the_config(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": (
                '[tool.auditor]\npackages = ["shop"]\n\n[tool.auditor.security]\n'
                'include = ["tests/"]\nexclude = ["scripts/"]\n'
            ),
            "shop/__init__.py": "",
        },
    )
    settings = load_config(tmp_path).security
    assert settings.include == ("tests/",) and settings.exclude == ("scripts/",)
