"""A small, valid project for fault tests: two layers, one upward import, one planted secret."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo

CONFIG = (
    '[tool.auditor]\npackages = ["app"]\npacks = ["builtin:python-security"]\n\n'
    '[tool.auditor.layers]\napi = ["app.api.**"]\ndomain = ["app.domain.**"]\n\n'
    '[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\nlayers = ["api", "domain"]\n'
)
FILES = {
    "pyproject.toml": CONFIG,
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "from app.domain import model\n",
    "app/domain/__init__.py": "",
    "app/domain/model.py": "import os\n",
    "app/domain/bad.py": "from app.api import views\n",  # upward: one contract finding
    "app/api/secrets.py": 'api_key = "0123456789abcdef0123"\n',  # one security finding
}


def write_project(root: Path, *, git: bool = True, extra: dict[str, str] | None = None) -> Path:
    files = {**FILES, **(extra or {})}
    if git:
        GitRepo(root).commit(files, "initial")
        return root
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def write_many_modules(root: Path, count: int) -> Path:
    """A package `bulk` of `count` modules, enough to keep a cold parse busy for a while."""
    pkg = root / "bulk"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    # an import in every function: libcst parses every header, as in real code with local imports
    body = "".join(
        f"def f{i}(x):\n    import os\n    return [y * {i} for y in range(x) if y % 3]\n\n" for i in range(60)
    )
    for i in range(count):
        (pkg / f"m{i}.py").write_text(f"import os\nfrom bulk import m{max(0, i - 1)}\n\n{body}")
    return root
