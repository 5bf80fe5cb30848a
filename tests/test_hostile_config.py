"""Config and rule packs are input too: traversal, absolute paths, self-including packs, TOML
bombs, enormous globs and catastrophic regexes end in one clear line and exit 2, quickly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile.cli import CliRun, run_cli

CHECK = ["check", "--format", "json", "--no-semgrep", "--no-cache"]


def _project(root: Path, files: dict[str, str | bytes]) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("import os\n")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def _one_line_error(run: CliRun) -> str:
    run.assert_clean(codes=(2,))
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("auditor: error: "), lines[0]
    return lines[0]


PACK = '[pack]\nname = "{name}"\nversion = "1.0.0"\n'
CASES: dict[str, tuple[dict[str, str | bytes], str]] = {
    "pack_path_traversal": (
        {"auditor.toml": 'packs = ["../../../../etc/passwd"]\n'},
        r"outside|\.\.|traversal",
    ),
    "pack_absolute_path": ({"auditor.toml": 'packs = ["/etc/passwd"]\n'}, r"absolute"),
    "pack_dir_symlink_out": ({"auditor.toml": 'packs = ["etc/passwd"]\n'}, r"leaves|outside|traversal"),
    "pack_including_itself": (
        {"auditor.toml": 'packs = ["p.toml"]\n', "p.toml": PACK.format(name="p") + 'include = ["p.toml"]\n'},
        r"cycle|itself",
    ),
    "semgrep_rules_traversal": (
        {
            "auditor.toml": 'packs = ["p.toml"]\n',
            "p.toml": PACK.format(name="p") + '[[semgrep]]\nrules = "../../../../etc/passwd"\n',
        },
        r"outside|\.\.|traversal",
    ),
    "semgrep_rules_absolute": (
        {
            "auditor.toml": 'packs = ["p.toml"]\n',
            "p.toml": PACK.format(name="p") + '[[semgrep]]\nrules = "/etc/passwd"\n',
        },
        r"absolute|outside",
    ),
    "toml_deep_nesting": (
        {"auditor.toml": "packages = " + "[" * 100_000 + "]" * 100_000 + "\n"},
        r"nesting|deep",
    ),
    "toml_deep_inline_tables": (
        {"auditor.toml": "x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n"},
        r"nesting|deep",
    ),
    "toml_huge_array": (
        {"auditor.toml": "exclude = [" + ",".join(['"x"'] * 1_000_000) + "]\n"},
        r"array|limit",
    ),
    "toml_50_mb": ({"auditor.toml": b"# " + b"x" * (50 * 2**20) + b"\n"}, r"limit|large"),
    "toml_binary_garbage": ({"auditor.toml": os.urandom(4096)}, r"TOML|UTF-8|decode|invalid"),
    "catastrophic_regex": (
        {"auditor.toml": '[attribution.extra_ai_name_patterns]\n"(a+)+bot" = "evil"\n'},
        r"regex",
    ),
    "regex_too_long": (
        {"auditor.toml": f'[attribution.extra_ai_name_patterns]\n"{"a" * 5000}" = "x"\n'},
        r"regex",
    ),
    "enormous_layer_glob": (
        {"auditor.toml": 'packages = ["app"]\n[layers]\napi = ["' + ".".join(["**"] * 5000) + '"]\n'},
        r"pattern",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_config_is_one_clear_error(tmp_path: Path, name: str) -> None:
    files, message = CASES[name]
    root = _project(tmp_path / "project", files)
    if name == "pack_dir_symlink_out":
        (root / "etc").symlink_to("/etc")
    run = run_cli(CHECK, cwd=root, timeout=60)
    line = _one_line_error(run)
    assert run.seconds < 30, f"{run.seconds:.1f}s"
    import re

    assert re.search(message, line), line
    assert "\x1b" not in line, "the message must stay one safe line"


def test_config_flag_pointing_at_a_device(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", {})
    line = _one_line_error(run_cli([*CHECK, "--config", "/dev/zero"], cwd=root, timeout=30))
    assert "/dev/zero" in line


def test_config_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", {})
    os.mkfifo(root / "auditor.toml")
    run = run_cli(CHECK, cwd=root, timeout=30)
    run.assert_clean(codes=(0, 1, 2))


@pytest.mark.parametrize("pattern", ["\\\\w*" * 10 + "z", "(.*a){12}$"])
def test_polynomial_backtracking_regex_is_refused(tmp_path: Path, pattern: str) -> None:
    root = _project(
        tmp_path / "project", {"auditor.toml": f'[attribution.extra_ai_name_patterns]\n"{pattern}" = "x"\n'}
    )
    line = _one_line_error(run_cli(CHECK, cwd=root, timeout=30))
    assert "regex" in line


def test_many_double_stars_against_deep_modules_stay_fast(tmp_path: Path) -> None:
    deep = Path("app", *["m"] * 40)
    pattern = "app" + ".**.*" * 12 + ".x"
    root = _project(
        tmp_path / "project",
        {
            "auditor.toml": f'packages = ["app"]\n[layers]\napi = ["{pattern}"]\nrest = ["app"]\n'
            '[[contracts]]\nid = "l"\ntype = "layers"\nlayers = ["api", "rest"]\n',
            **{str(deep.parents[i] / "__init__.py"): "" for i in range(len(deep.parts) - 1)},
            str(deep / "__init__.py"): "",
            str(deep / "y.py"): "import os\n",
        },
    )
    run = run_cli(CHECK, cwd=root, timeout=8)
    run.assert_clean(codes=(0, 1, 2))
