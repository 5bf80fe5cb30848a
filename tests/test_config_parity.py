"""`rules validate`, `check` and `audit` share one validation: a configuration that `rules validate`
rejects makes every command exit 2 with the same first `file:line: message`, including the checks
that need the module graph (a pattern or a layer name that matches no module)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from auditor.cli.main import main

SHOP = {
    "shop/__init__.py": "",
    "shop/api/__init__.py": "",
    "shop/api/views.py": "from shop.domain import models\n",
    "shop/domain/__init__.py": "",
    "shop/domain/models.py": "",
}
HEAD = 'packages = ["shop"]\npacks = []\n\n[layers]\napi = ["shop.api"]\ndomain = ["shop.domain"]\n'

# name -> (auditor.toml, a fragment the first error line must hold)
CORPUS: dict[str, tuple[str, str]] = {
    "misspelt layer name in a contract": (
        HEAD + '\n[[contracts]]\nid = "layered"\ntype = "layers"\nlayers = ["api", "domian"]\n',
        ":11: contract 'layered': layers entry 'domian' is neither a layer in [layers] nor a module",
    ),
    "layer pattern matching no module": (
        'packages = ["shop"]\npacks = []\n\n[layers]\napi = ["shop.apii"]\n',
        ":5:1: layer 'api': pattern 'shop.apii' matches no module of this codebase",
    ),
    "module pattern matching no module": (
        HEAD + '\n[[contracts]]\nid = "f"\ntype = "forbidden"\nsource_modules = ["shop.dommain"]\n'
        'forbidden_modules = ["shop.api"]\n',
        ":11: contract 'f': source_modules entry 'shop.dommain' is neither a layer",
    ),
    "surface matching no module": (
        HEAD + '\n[surfaces]\nauth = ["shop.auth"]\n',
        ":9:1: surface 'auth': pattern 'shop.auth' matches no module",
    ),
    "unknown top-level key": ('pakages = ["shop"]\npacks = []\n', ":1:1: unknown key 'pakages'"),
    "unknown contract option": (
        HEAD + '\n[[contracts]]\nid = "f"\ntype = "forbidden"\nsource_modules = ["shop.api"]\n'
        'forbidden_modules = ["shop.domain"]\nallow_indirekt_imports = true\n',
        ":13: contract 'f' (forbidden): unknown option 'allow_indirekt_imports'",
    ),
    "misspelt pack entry": ('packs = ["builtin:python-securty"]\n', ":1:1: no built-in pack 'python-securty'"),
    "bad TOML": ('packages = ["shop"\n', ": invalid TOML: Unclosed array"),
    "exception naming an unknown contract": (
        HEAD + '\n[[exceptions]]\ncontract = "nope"\nimport = "shop.a -> shop.b"\nreason = "r"\n',
        ":8:1: exception names unknown contract 'nope'",
    ),
    "bad alerting value": (
        HEAD + '\n[[contracts]]\nid = "a"\ntype = "acyclic"\nunmatched_ignore_imports_alerting = "loud"\n',
        ":11:1: unmatched_ignore_imports_alerting must be one of error, warn, none",
    ),
}


def _first_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = err.splitlines()[0] if err else ""
    line = line.removeprefix("auditor: error: ")
    return code, line.split(" (and ")[0]


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_validate_check_and_audit_reject_alike(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, fragment = CORPUS[case]
    root = tmp_path / "proj"
    for rel, content in SHOP.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    config = root / "auditor.toml"
    config.write_text(textwrap.dedent(text))
    validate = _first_error(capsys, ["rules", "validate", str(root)])
    check = _first_error(capsys, ["check", str(root), "--no-cache"])
    audit = _first_error(capsys, ["audit", str(root), "--no-cache", "--out", str(tmp_path / "r")])
    assert validate[0] == check[0] == audit[0] == 2, (validate, check, audit)
    assert validate[1] == check[1] == audit[1], (validate, check, audit)
    assert validate[1].startswith(str(config) + ":") and fragment in validate[1], validate[1]
    assert not (tmp_path / "r").exists()


RULE = """rules:
  - id: no-eval
    message: eval of a non-literal
    severity: ERROR
    languages: [python]
    metadata:
      cwe: ["CWE-95: eval injection"]
    pattern: eval($X)
"""


def test_a_pack_rule_problem_is_rejected_alike(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "proj"
    for rel, content in {**SHOP, "rules/no-eval.yaml": RULE}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    pack = root / "pack.toml"
    pack.write_text(
        '[pack]\nname = "mine"\nversion = "1.0.0"\n\n[[semgrep]]\nrules = "rules/no-eval.yaml"\n'
        'params = { names = ["x"] }\n'
    )
    (root / "auditor.toml").write_text('packages = ["shop"]\npacks = ["pack.toml"]\n')
    validate = _first_error(capsys, ["rules", "validate", str(root)])
    check = _first_error(capsys, ["check", str(root), "--no-cache"])
    audit = _first_error(capsys, ["audit", str(root), "--no-cache", "--out", str(tmp_path / "r")])
    assert validate[0] == check[0] == audit[0] == 2, (validate, check, audit)
    assert validate[1] == check[1] == audit[1], (validate, check, audit)
    assert validate[1].startswith(f"{pack}:5") and "unknown parameter(s) names" in validate[1]
