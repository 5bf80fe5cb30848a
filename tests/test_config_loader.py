"""Finding and loading the configuration: pyproject vs auditor.toml vs --config, upward search,
defaults, settings tables, and the located-key machinery."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.config import ConfigErrors, find_config_file, load_config, load_config_collecting
from auditor.config.loader import ATTRIBUTION_KEYS, CONFIG_KEYS, SEMGREP_KEYS
from auditor.config.model import AttributionSettings, SemgrepSettings
from auditor.config.regex_guard import regex_problem
from auditor.config.toml_source import KeyLocator
from auditor.domain.errors import ConfigError
from auditor.domain.findings import Severity


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


FULL = """
    [tool.auditor]
    packages = ["shop"]
    source_roots = ["src"]
    exclude = ["src/shop/vendored/**"]
    fail_on = "warning"
    baseline = "auditor-baseline.json"

    [tool.auditor.layers]
    api = ["shop.api", "shop.api.**"]
    domain = ["shop.domain.**"]

    [tool.auditor.surfaces]
    auth = ["shop.auth.**"]

    [[tool.auditor.contracts]]
    id = "layered"
    type = "layers"
    layers = ["api", "domain"]
    ignore_kinds = ["type_checking"]
    owner = "@arch"
    guidance = "keep HTTP out of the domain"
    containers = ["shop"]

    [[tool.auditor.exceptions]]
    contract = "layered"
    import = "shop.domain.legacy -> shop.api.*"
    reason = "SHOP-142"
    owner = "@data"
    expires = 2027-03-01

    [[tool.auditor.exceptions]]
    contract = "layered"
    import = "shop.domain.x -> shop.api"
    reason = "string date"
    expires = "2027-04-01"

    [tool.auditor.attribution]
    git_ai_notes = false
    extra_ai_emails = { "bot@example.com" = "shop-bot" }
    extra_ai_name_patterns = { "^deploy-bot\\\\d+$" = "deploy-bot" }
    blame_options = ["-w"]

    [tool.auditor.semgrep]
    timeout_s = 10
"""


def test_pyproject_tool_auditor_is_read_in_full(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", FULL)
    config = load_config(tmp_path)
    assert config.root == tmp_path.resolve()
    assert config.config_path == (tmp_path / "pyproject.toml").resolve()
    assert config.packages == ("shop",)
    assert config.source_roots == ("src",)
    assert config.exclude == ("src/shop/vendored/**",)
    assert config.fail_on is Severity.WARNING
    assert config.baseline == "auditor-baseline.json"
    assert config.layers == {"api": ("shop.api", "shop.api.**"), "domain": ("shop.domain.**",)}
    assert config.surfaces == {"auth": ("shop.auth.**",)}
    (contract,) = config.contracts
    assert (contract.id, contract.type, contract.owner) == ("layered", "layers", "@arch")
    assert contract.ignore_kinds == ("type_checking",)
    assert dict(contract.options) == {"layers": ["api", "domain"], "containers": ["shop"]}
    assert contract.key_lines == {"layers": 18, "containers": 22}
    assert contract.location.line == 15 and contract.pack is None
    first, second = config.exceptions
    assert (first.importer, first.imported, first.expires) == (
        "shop.domain.legacy",
        "shop.api.*",
        dt.date(2027, 3, 1),
    )
    assert second.expires == dt.date(2027, 4, 1)
    assert first.location.line == 24
    assert config.attribution.git_ai_notes is False and config.attribution.agent_trace is True
    assert config.attribution.extra_ai_emails == {"bot@example.com": "shop-bot"}
    assert config.attribution.extra_ai_name_patterns == {r"^deploy-bot\d+$": "deploy-bot"}
    assert config.attribution.blame_options == ("-w",)
    assert config.semgrep.timeout_s == 10 and config.semgrep.enabled is True


def test_auditor_toml_has_the_same_keys_at_top_level(tmp_path: Path) -> None:
    body = textwrap.dedent(FULL).replace("tool.auditor.", "").replace("[tool.auditor]\n", "")
    write(tmp_path, "auditor.toml", body)
    from_toml = load_config(tmp_path)
    write(tmp_path / "other", "pyproject.toml", FULL)
    from_pyproject = load_config(tmp_path / "other")
    assert from_toml.contracts[0].options == from_pyproject.contracts[0].options
    assert from_toml.layers == from_pyproject.layers
    assert from_toml.exceptions[0].expires == from_pyproject.exceptions[0].expires
    assert from_toml.attribution == from_pyproject.attribution


def test_auditor_toml_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.auditor]\npackages = ["from_pyproject"]\n')
    write(tmp_path, "auditor.toml", 'packages = ["from_auditor_toml"]\n')
    assert load_config(tmp_path).packages == ("from_auditor_toml",)


def test_upward_search_skips_pyproject_without_tool_auditor(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.auditor]\npackages = ["outer"]\n')
    write(tmp_path, "sub/pyproject.toml", '[project]\nname = "inner"\n# tool.auditor is not here\n')
    deep = tmp_path / "sub" / "pkg" / "mod"
    deep.mkdir(parents=True)
    config = load_config(deep)
    assert config.packages == ("outer",)
    assert config.root == tmp_path.resolve()


def test_upward_search_stops_at_the_git_root(tmp_path: Path) -> None:
    write(tmp_path, "auditor.toml", 'packages = ["outside"]\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "pkg").mkdir()
    assert find_config_file(repo / "pkg") is None
    config = load_config(repo / "pkg")
    assert config.config_path is None and config.packages == ()
    assert config.root == repo.resolve()  # no config: the git top-level is the project root


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = load_config(tmp_path)
    assert config.contracts == () and config.fail_on is Severity.ERROR
    assert config.attribution == AttributionSettings() and config.semgrep == SemgrepSettings()


def test_explicit_config_file_is_used_and_root_stays_the_start(tmp_path: Path) -> None:
    write(tmp_path, "auditor.toml", 'packages = ["found"]\n')
    explicit = write(tmp_path, "conf/ci.toml", 'packages = ["explicit"]\n')
    config = load_config(tmp_path, explicit)
    assert config.packages == ("explicit",)
    assert config.root == tmp_path.resolve()
    assert config.config_path == explicit.resolve()


def test_explicit_pyproject_without_tool_auditor_is_an_error(tmp_path: Path) -> None:
    pyproject = write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"no \[tool.auditor\] table"):
        load_config(tmp_path, pyproject)


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path, tmp_path / "nope.toml")


def test_load_config_raises_all_errors_at_once(tmp_path: Path) -> None:
    write(tmp_path, "auditor.toml", 'pakages = []\nfail_on = "fatal"\n')
    with pytest.raises(ConfigErrors) as caught:
        load_config(tmp_path)
    assert [e.line for e in caught.value.errors] == [1, 2]
    assert str(caught.value).endswith("(and 1 more; run `auditor rules validate`)")


def test_settings_key_lists_follow_the_model() -> None:
    assert set(ATTRIBUTION_KEYS) == set(AttributionSettings.__dataclass_fields__)
    assert set(SEMGREP_KEYS) == set(SemgrepSettings.__dataclass_fields__)
    assert {"packages", "layers", "contracts", "exceptions", "packs"} <= set(CONFIG_KEYS)


def test_locator_finds_array_tables_keys_and_inline_keys() -> None:
    text = textwrap.dedent("""
        [tool.auditor]
        packs = [
            "a",  # [not a header]
        ]
        description = '''
        [[contracts]]
        '''

        [[tool.auditor.contracts]]
        id = "one"

        [[tool.auditor.contracts]]
          id = "two"
        options = { depth = 2, "quoted key" = 1 }
    """).lstrip("\n")
    locator = KeyLocator(text)
    assert locator.find(("tool", "auditor", "packs")) == (2, 1)
    assert locator.find(("tool", "auditor", "contracts", 0)) == (9, 1)
    assert locator.find(("tool", "auditor", "contracts", 1, "id")) == (13, 3)
    assert locator.find(("tool", "auditor", "contracts", 1, "options", "depth")) == (14, 13)
    assert locator.find(("tool", "auditor", "contracts", 1, "options", "quoted key")) == (14, 24)
    assert locator.find(("tool", "auditor", "contracts", 1, "missing")) == (12, 1)


@pytest.mark.parametrize(
    ("pattern", "safe"),
    [
        (r"^renovate\[bot\]$", True),
        (r"(claude|copilot)-\w+", True),
        (r".*bot.*", True),
        (r"(a+)+$", False),
        (r"(a*)*b", False),
        (r"(\w+\s?)+$", False),
        (r"(a|a)+$", False),
        (r"(x{1,100}){2,}", False),
        ("a" * 400, False),
        ("unclosed(", False),
    ],
)
def test_regex_guard(pattern: str, safe: bool) -> None:
    assert (regex_problem(pattern) is None) is safe


_FRAGMENTS = [
    "packages = ",
    "layers",
    "[layers]\n",
    "[[contracts]]\n",
    "[[exceptions]]\n",
    "[attribution]\n",
    "[semgrep]\n",
    "[tool.auditor]\n",
    'id = "x"\n',
    'type = "layers"\n',
    "expires = 2027-13-01\n",
    'import = "a -> b"\n',
    'reason = ""\n',
    "api = [",
    '"shop.**"',
    "]",
    "{",
    "}",
    "= ",
    "1",
    "true",
    "\n",
    '"',
    "'''",
    "# c\n",
    'packs = ["builtin:layered-web"]\n',
    "override = true\n",
    'extra_ai_name_patterns = { "(a+)+" = "x" }\n',
    "timeout_s = -1\n",
    "é",
    "\x00",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=30))
def test_any_text_gives_config_errors_never_a_crash(tmp_path: Path, fragments: list[str]) -> None:
    (tmp_path / "auditor.toml").write_text("".join(fragments), encoding="utf-8")
    config, errors = load_config_collecting(tmp_path)
    assert all(isinstance(e, ConfigError) and e.path for e in errors)
    assert config.root == tmp_path.resolve()
