"""Rule packs: builtin: and path references, includes, default layers, overrides by contract id,
semgrep rule references resolved inside the pack's directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from auditor.cli.validate_cmd import validate_packs
from auditor.config import load_config
from auditor.config import packs as packs_module
from auditor.config.loader import load_config_collecting
from auditor.config.packs import SEMVER, builtin_pack_names
from auditor.domain.errors import ConfigError
from auditor.support.resources import rules_dir


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def pack_text(name: str, body: str = "", version: str = "1.0.0", extra_meta: str = "") -> str:
    return f'[pack]\nname = "{name}"\nversion = "{version}"\n{extra_meta}\n' + textwrap.dedent(body)


def test_builtin_layered_web_is_useful_on_its_own(tmp_path: Path) -> None:
    write(tmp_path, "auditor.toml", 'packs = ["builtin:layered-web"]\n')
    config = load_config(tmp_path)
    (info,) = config.packs
    assert (info.name, info.ref) == ("layered-web", "builtin:layered-web")
    assert Path(info.path) == (rules_dir() / "layered-web.toml").resolve()
    assert set(config.layers) == {"api", "services", "data", "domain"}
    by_id = {c.id: c for c in config.contracts}
    assert by_id["layered-web"].options["layers"] == ["api", "services", "data", "domain"]
    assert "django.db" in by_id["layered-web-db-access"].options["forbidden_modules"]
    assert all(c.pack == "layered-web" for c in config.contracts)


def test_every_builtin_pack_validates_with_the_contract_registry() -> None:
    from auditor.contracts import validate_contract_types

    names = builtin_pack_names()
    assert "layered-web" in names and "agents" not in names
    config, errors = validate_packs([f"builtin:{n}" for n in names], Path("."))
    assert errors == []
    assert validate_contract_types(config) == []
    assert all(SEMVER.match(p.version) for p in config.packs)


def test_config_layers_replace_a_packs_default_layers(tmp_path: Path) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        packs = ["builtin:layered-web"]

        [layers]
        api = ["shop.web.**"]
    """,
    )
    config = load_config(tmp_path)
    assert config.layers["api"] == ("shop.web.**",)
    assert config.layers["data"][0] == "**.db"
    assert config.layer_locations["api"].path == str((tmp_path / "auditor.toml").resolve())


def test_unknown_builtin_pack_lists_the_known_ones(tmp_path: Path) -> None:
    write(tmp_path, "auditor.toml", 'packs = ["builtin:layerd-web"]\n')
    with pytest.raises(ConfigError, match=r"no built-in pack 'layerd-web' \(built-in packs: .*layered-web"):
        load_config(tmp_path)


def test_builtin_pack_in_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "shipped"
    write(shipped, "webapp/pack.toml", pack_text("webapp", '[[semgrep]]\nrules = "rules"\n'))
    write(shipped, "webapp/rules/a.yaml", "rules: []\n")
    monkeypatch.setattr(packs_module, "rules_dir", lambda: shipped)
    project = tmp_path / "project"
    write(project, "auditor.toml", 'packs = ["builtin:webapp"]\n')
    config = load_config(project)
    assert builtin_pack_names() == ["webapp"]
    assert config.semgrep_rules[0].path == str((shipped / "webapp" / "rules").resolve())


def test_later_pack_overrides_only_when_it_says_so(tmp_path: Path) -> None:
    write(
        tmp_path,
        "rules/base.toml",
        pack_text(
            "base",
            """
        [[contracts]]
        id = "no-cycles"
        type = "acyclic"
        severity = "warning"

        [[contracts]]
        id = "kept"
        type = "acyclic"
    """,
        ),
    )
    write(
        tmp_path,
        "rules/strict.toml",
        pack_text(
            "strict",
            """
        [[contracts]]
        id = "no-cycles"
        type = "acyclic"
        severity = "error"
        override = true
    """,
        ),
    )
    write(tmp_path, "auditor.toml", 'packs = ["rules/base.toml", "rules/strict.toml"]\n')
    config = load_config(tmp_path)
    assert [(c.id, c.severity.value, c.pack) for c in config.contracts] == [
        ("kept", "error", "base"),
        ("no-cycles", "error", "strict"),
    ]


def test_local_contract_may_override_a_pack_contract(tmp_path: Path) -> None:
    write(
        tmp_path,
        "auditor.toml",
        """
        packs = ["builtin:layered-web"]

        [[contracts]]
        id = "layered-web-acyclic"
        type = "acyclic"
        severity = "error"
        override = true
    """,
    )
    config = load_config(tmp_path)
    local = [c for c in config.contracts if c.id == "layered-web-acyclic"]
    assert len(local) == 1 and local[0].pack is None and local[0].severity.value == "error"
    assert config.contracts[-1] is local[0]


def test_override_without_an_earlier_definition_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "auditor.toml", '[[contracts]]\nid = "x"\ntype = "acyclic"\noverride = true\n')
    with pytest.raises(ConfigError, match="override = true but no earlier pack defines it"):
        load_config(tmp_path)


def test_includes_load_first_and_a_shared_include_loads_once(tmp_path: Path) -> None:
    write(
        tmp_path, "rules/common.toml", pack_text("common", '[[contracts]]\nid = "common"\ntype = "acyclic"\n')
    )
    write(tmp_path, "rules/a.toml", pack_text("a", extra_meta='include = ["common.toml"]'))
    write(
        tmp_path,
        "rules/b.toml",
        pack_text("b", extra_meta='include = ["common.toml", "builtin:layered-web"]'),
    )
    write(tmp_path, "auditor.toml", 'packs = ["rules/a.toml", "rules/b.toml"]\n')
    config = load_config(tmp_path)
    assert [p.name for p in config.packs] == ["common", "a", "layered-web", "b"]
    assert [c.id for c in config.contracts].count("common") == 1


def test_semgrep_refs_resolve_inside_the_pack_directory(tmp_path: Path) -> None:
    write(tmp_path, "rules/sec/raw-sql.yaml", "rules: []\n")
    write(
        tmp_path,
        "rules/sec/pack.toml",
        pack_text(
            "sec",
            """
        [layers]
        views = ["shop.views.**"]

        [[semgrep]]
        rules = "raw-sql.yaml"
        only_layers = ["views"]
        params = { decorator = "login_required" }
    """,
        ),
    )
    write(tmp_path, "auditor.toml", 'packs = ["rules/sec/pack.toml"]\n')
    (ref,) = load_config(tmp_path).semgrep_rules
    assert ref.path == str((tmp_path / "rules/sec/raw-sql.yaml").resolve())
    assert (ref.pack, ref.only_layers, dict(ref.params)) == (
        "sec",
        ("views",),
        {"decorator": "login_required"},
    )
    assert ref.location.line == 9


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("/etc/passwd", "absolute semgrep rules path '/etc/passwd' is not allowed"),
        ("../outside.yaml", "leaves"),
        ("missing.yaml", "semgrep rules path 'missing.yaml' not found"),
        ("notes.txt", "must be a .yaml/.yml file or a directory"),
    ],
)
def test_bad_semgrep_refs(tmp_path: Path, rules: str, message: str) -> None:
    write(tmp_path, "outside.yaml", "rules: []\n")
    write(tmp_path, "p/notes.txt", "x\n")
    pack = write(tmp_path, "p/pack.toml", pack_text("p", f'[[semgrep]]\nrules = "{rules}"\n'))
    _config, errors = validate_packs([str(pack)], tmp_path)
    assert len(errors) == 1 and message in errors[0].message
    assert errors[0].line == 6


def test_pack_path_may_not_leave_the_project(tmp_path: Path) -> None:
    write(tmp_path, "shared.toml", pack_text("shared"))
    project = tmp_path / "project"
    write(project, "auditor.toml", 'packs = ["../shared.toml"]\n')
    with pytest.raises(ConfigError, match="path traversal is not allowed") as caught:
        load_config(project)
    assert (caught.value.line, caught.value.column) == (1, 1)


@pytest.mark.parametrize("version", ["1.0.0", "0.1.0-rc.1", "2.3.4+build.5"])
def test_semver_accepts(version: str) -> None:
    assert SEMVER.match(version)


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "01.0.0", "1.0.0.0", "1.0.0-"])
def test_semver_rejects(version: str) -> None:
    assert not SEMVER.match(version)


def test_pack_unknown_keys_and_missing_pack_table(tmp_path: Path) -> None:
    pack = write(tmp_path, "p.toml", '[[contract]]\nid = "x"\n')
    _config, errors = validate_packs([str(pack)], tmp_path)
    messages = sorted(e.message for e in errors)
    assert messages[0].startswith("missing [pack] table")
    assert messages[1].startswith("unknown key 'contract' in a rule pack; expected one of: contracts,")


def test_every_builtin_pack_admits_this_auditor_so_the_run_need_not_check_it():
    """The loader skips the `requires` check of built-in packs (they ship in the same wheel):
    this test is that check, once, for every built-in pack."""
    import tomli as tomllib
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    from auditor import __version__
    from auditor.support.resources import rules_dir

    packs = sorted(rules_dir().glob("*.toml"))
    checked = 0
    for path in packs:
        meta = tomllib.loads(path.read_text(encoding="utf-8")).get("pack", {})
        if "requires" in meta:
            assert SpecifierSet(meta["requires"]).contains(Version(__version__), prereleases=True), path
            checked += 1
    assert checked >= 2


def test_prefer_layers_is_read_and_excludes_only_and_except_layers(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("rules: []\n")
    pack = tmp_path / "pack.toml"
    pack.write_text(
        '[pack]\nname = "p"\nversion = "1.0.0"\n\n[[semgrep]]\nrules = "r.yaml"\nprefer_layers = ["api", "web"]\n\n'
        '[[semgrep]]\nrules = "r.yaml"\nprefer_layers = ["api"]\nonly_layers = ["api"]\n'
    )
    (tmp_path / "auditor.toml").write_text('packs = ["pack.toml"]\n')
    config, errors = load_config_collecting(tmp_path)
    assert config.semgrep_rules[0].prefer_layers == ("api", "web")
    assert [(e.line, e.message) for e in errors] == [
        (11, "give one of 'only_layers', 'except_layers' and 'prefer_layers', not several")
    ]


def test_the_shipped_folders_are_where_importlib_resources_says() -> None:
    """rules_dir() and templates_dir() find the data packages without importing
    importlib.resources, and give the folders it gives."""
    from importlib import resources

    from auditor.support.resources import templates_dir

    assert rules_dir() == resources.files("auditor._rules")
    assert templates_dir() == resources.files("auditor._templates")
