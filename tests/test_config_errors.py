"""`auditor rules validate` on broken configs: one precise `file:line[:col]: message` per error,
exit 2, never a traceback."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest

from auditor.cli.validate_cmd import ExtraCheck, add_validate_arguments, run_validate
from auditor.config.layer_check import check_layers_against_modules
from auditor.config.model import AuditorConfig
from auditor.domain.errors import ConfigError

KNOWN_TYPES = {"layers", "forbidden", "independence", "acyclic"}


def fake_type_check(config: AuditorConfig) -> list[ConfigError]:
    """Stands in for the contracts stage's validate_contract_types (registry lookup by name)."""
    return [
        ConfigError(f"unknown contract type '{c.type}'", c.location.path, c.location.line)
        for c in config.contracts
        if c.type not in KNOWN_TYPES
    ]


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def validate(
    capsys: pytest.CaptureFixture[str], argv: Sequence[str], checks: Sequence[ExtraCheck] = ()
) -> tuple[int, list[str], str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    add_validate_arguments(parser)
    code = run_validate(parser.parse_args(list(argv)), extra_checks=checks)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, err.splitlines(), out


def only_error(
    capsys: pytest.CaptureFixture[str], argv: Sequence[str], checks: Sequence[ExtraCheck] = ()
) -> str:
    code, lines, out = validate(capsys, argv, checks)
    assert code == 2, out
    assert len(lines) == 1, lines
    return lines[0]


def test_bad_toml_syntax_gives_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, "auditor.toml", 'packages = ["shop"]\nfail_on = "error\n')
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{config}:2:")
    assert "invalid TOML" in line


def test_unknown_key_lists_allowed_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        """
        [project]
        name = "shop"

        [tool.auditor]
        pakages = ["shop"]
    """,
    )
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{tmp_path / 'pyproject.toml'}:5:1: unknown key 'pakages'")
    assert "packages" in line and "exceptions" in line


def test_unknown_key_inside_a_contract_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        [[contracts]]
        id = "a"
        type = "acyclic"
        severity = "fatal"
    """,
    )
    line = only_error(capsys, [str(tmp_path)])
    assert (
        line == f"{tmp_path / 'auditor.toml'}:4:1: severity must be one of error, warning, info, not 'fatal'"
    )


def test_unknown_contract_type_through_the_hook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        [[contracts]]
        id = "ok"
        type = "layers"
        layers = ["shop.api", "shop.db"]

        [[contracts]]
        id = "bad"
        type = "layered"
    """,
    )
    line = only_error(capsys, [str(tmp_path)], [fake_type_check])
    assert line == f"{tmp_path / 'auditor.toml'}:6: unknown contract type 'layered'"


def test_layer_naming_an_unknown_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        [layers]
        api = ["shop.api"]
        data = ["shop.dbb.**"]

        [[contracts]]
        id = "layered"
        type = "layers"
        layers = ["api", "data", "shop.nowhere"]
    """,
    )
    modules = {"shop", "shop.api", "shop.db", "shop.db.models"}

    def graph_check(config: AuditorConfig) -> list[ConfigError]:
        return check_layers_against_modules(config, modules)

    code, lines, _ = validate(capsys, [str(tmp_path)], [graph_check])
    assert code == 2
    path = tmp_path / "auditor.toml"
    assert lines == [
        f"{path}:3:1: layer 'data': pattern 'shop.dbb.**' matches no module of this codebase",
        f"{path}:8: contract 'layered': layers entry 'shop.nowhere' is neither a layer in [layers] nor a module of this codebase",
    ]


def test_bad_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        [[contracts]]
        id = "c"
        type = "acyclic"

        [[exceptions]]
        contract = "c"
        import = "a.b -> c.d"
        reason = "legacy"
        expires = "2027-02-30"
    """,
    )
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{tmp_path / 'auditor.toml'}:9:1: 'expires' is not a valid date: '2027-02-30'")


def test_duplicate_contract_id_names_both_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = write(
        tmp_path,
        "rules/shop.toml",
        """
        [pack]
        name = "shop"
        version = "1.0.0"

        [[contracts]]
        id = "layered"
        type = "acyclic"
    """,
    )
    write(
        tmp_path,
        "auditor.toml",
        """
        packs = ["rules/shop.toml"]

        [[contracts]]
        id = "layered"
        type = "acyclic"
    """,
    )
    line = only_error(capsys, [str(tmp_path)])
    config = tmp_path / "auditor.toml"
    assert line.startswith(
        f"{config}:3:1: contract 'layered' defined in both {pack.resolve()}:5 and {config}:3"
    )


def test_pack_version_not_semver(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = write(
        tmp_path,
        "pack.toml",
        """
        [pack]
        name = "p"
        version = "1.0"
    """,
    )
    line = only_error(capsys, [str(pack)])
    assert line.startswith(f"{pack.resolve()}:3:1: pack version '1.0' is not semver")


def test_missing_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        [[contracts]]
        id = "c"
        type = "acyclic"

        [[exceptions]]
        contract = "c"
        import = "a.b -> c.d"
    """,
    )
    line = only_error(capsys, [str(tmp_path)])
    assert line == f"{tmp_path / 'auditor.toml'}:5:1: missing required key 'reason' (a non-empty string)"


def test_semgrep_path_traversal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "secret.yaml").write_text("rules: []\n")
    pack = write(
        tmp_path,
        "packs/p/pack.toml",
        """
        [pack]
        name = "p"
        version = "1.0.0"

        [[semgrep]]
        rules = "../../secret.yaml"
    """,
    )
    line = only_error(capsys, [str(pack)])
    assert line.startswith(f"{pack.resolve()}:6:1: semgrep rules path '../../secret.yaml' leaves")
    assert "path traversal" in line


def test_absolute_pack_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = write(tmp_path, "p.toml", '[pack]\nname = "p"\nversion = "1.0.0"\n')
    write(tmp_path, "auditor.toml", f'packs = ["{pack}"]\n')
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{tmp_path / 'auditor.toml'}:1:1: absolute pack path")


def test_pack_including_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = write(
        tmp_path,
        "p.toml",
        """
        [pack]
        name = "p"
        version = "1.0.0"
        include = ["p.toml"]
    """,
    )
    line = only_error(capsys, [str(pack)])
    assert line == f"{pack.resolve()}:4:1: pack includes itself"


def test_pack_include_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "a.toml", '[pack]\nname = "a"\nversion = "1.0.0"\ninclude = ["b.toml"]\n')
    b = write(tmp_path, "b.toml", '[pack]\nname = "b"\nversion = "1.0.0"\ninclude = ["a.toml"]\n')
    line = only_error(capsys, [str(tmp_path / "a.toml")])
    assert line == f"{b.resolve()}:4:1: pack include cycle: a.toml -> b.toml -> a.toml"


def test_toml_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, "auditor.toml", "packages = " + "[" * 5000 + "]" * 5000 + "\n")
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{config}: nesting is 5000 levels deep; the limit is")


def test_huge_array_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, "auditor.toml", "exclude = [" + ", ".join(['"x"'] * 20_000) + "]\n")
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{config}: an array has 20000 items")


def test_catastrophic_regex_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        [attribution.extra_ai_name_patterns]
        "(a+)+bot" = "evil"
        "^renovate\\\\[bot\\\\]$" = "renovate"
    """,
    )
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{tmp_path / 'auditor.toml'}:2:1: extra_ai_name_patterns: regex nests a repeat")


def test_regex_that_does_not_compile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        [attribution]
        extra_ai_name_patterns = { "bot(" = "x" }
    """,
    )
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(
        f"{tmp_path / 'auditor.toml'}:2:28: extra_ai_name_patterns: regex does not compile"
    )


def test_wrong_type_and_unknown_contract_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        packages = "shop"

        [[exceptions]]
        contract = "nope"
        import = "a -> b"
        reason = "r"
        expires = 2027-01-01
    """,
    )
    code, lines, _ = validate(capsys, [str(tmp_path)])
    path = tmp_path / "auditor.toml"
    assert code == 2
    assert lines == [
        f"{path}:1:1: 'packages' must be an array of strings, not a string",
        f"{path}:3:1: exception names unknown contract 'nope' (known: none)",
    ]


def test_requires_a_newer_auditor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = write(tmp_path, "p.toml", '[pack]\nname = "p"\nversion = "2.0.0"\nrequires = ">=99"\n')
    line = only_error(capsys, [str(pack)])
    assert line.startswith(f"{pack.resolve()}:4:1: pack 'p' requires auditor >=99, but this is auditor ")


def test_bad_layer_pattern(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "auditor.toml", '[layers]\napi = ["shop/api"]\n')
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{tmp_path / 'auditor.toml'}:2:1: layers.api: not a module pattern: 'shop/api'")


def test_valid_config_prints_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        packs = ["builtin:layered-web"]

        [[exceptions]]
        contract = "layered-web"
        import = "shop.domain.legacy -> shop.api.*"
        reason = "SHOP-142"
        expires = 2030-01-01
    """,
    )
    code, lines, out = validate(capsys, [str(tmp_path)], [fake_type_check])
    assert (code, lines) == (0, [])
    assert out.startswith("ok: 1 packs, 3 contracts, 1 exceptions")


def test_through_the_cli_with_the_real_contract_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from auditor.cli.main import main

    write(
        tmp_path,
        "auditor.toml",
        """
        packs = []
        [[contracts]]
        id = "bad"
        type = "layered"
    """,
    )
    write(tmp_path, "shop/__init__.py", "")
    code = main(["rules", "validate", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    (line,) = err.splitlines()
    assert (
        line.startswith(f"{tmp_path / 'auditor.toml'}:2: contract 'bad'")
        and "unknown contract type 'layered'" in line
    )


def test_in_a_subprocess_bad_toml_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = write(tmp_path, "auditor.toml", "[[contracts]\nid = 1\n")
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "check", str(tmp_path), "--no-semgrep"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"auditor: error: {config}:1:12: invalid TOML: Expected ']]' at the end of an array declaration"
    ]


def test_hostile_keys_cannot_fake_output_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "auditor.toml", '"x\\nfake.toml:1: all good\\u001b[2J" = 1\n')
    line = only_error(capsys, [str(tmp_path)])
    assert "\\n" in line and "\\x1b" in line and "\x1b" not in line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('baseline = "/etc/passwd"\n', "baseline path '/etc/passwd' must be relative to the project"),
        ('baseline = "../x.json"\n', "baseline path '../x.json' must be relative to the project"),
        ('source_roots = ["src", "../other"]\n', "source root '../other' must be relative"),
        ('exclude = ["ok/**", "bad\\\\"]\n', "is not a gitignore-style glob"),
        ("[semgrep]\ntimeout_s = 0\n", "'timeout_s' must be a positive integer, not 0"),
        ('[attribution]\nblame_options = ["--exec"]\n', "blame option '--exec' not allowed"),
        ('[[contracts]]\nid = "a"\ntype = "layers"\nignore_kinds = ["lazy"]\n', "unknown import kind 'lazy'"),
        ('[[contracts]]\nid = "a b"\ntype = "layers"\n', "contract id 'a b' may use only"),
        ('[[contracts]]\ntype = "layers"\n', "missing required key 'id'"),
        (
            '[[exceptions]]\ncontract = "c"\nimport = "a.b"\nreason = "r"\n',
            "'import' must look like 'a.b -> c.d'",
        ),
        ('[layers]\n"bad name" = ["a"]\n', "layers name 'bad name' must be an identifier"),
    ],
)
def test_more_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    write(tmp_path, "auditor.toml", text)
    line = only_error(capsys, [str(tmp_path)])
    assert line.startswith(f"{tmp_path / 'auditor.toml'}:")
    assert message in line
