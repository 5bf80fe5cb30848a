"""`auditor mcp` end to end: the server runs as a subprocess and the `mcp` SDK's own stdio client
drives it, as a coding agent would (offline: contracts only, --no-semgrep)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from gitrepo import GitRepo
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from shop_config import layered_shop

GUIDANCE = "Domain code must not know about HTTP; move the conversion into shop.api."
PYPROJECT = layered_shop().replace(
    'layers = ["api", "domain"]\n', f'layers = ["api", "domain"]\nguidance = "{GUIDANCE}"\nowner = "@arch"\n'
)
OLD_VIOLATION = "def f():\n    from shop.api import views\n    return views\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> GitRepo:
    """`main` has one violation (models -> api); the working tree adds one more (other -> api)."""
    repo = GitRepo(tmp_path_factory.mktemp("mcp") / "repo")
    repo.commit(
        {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/api/__init__.py": "",
         "shop/api/views.py": "from shop.domain import rules\n", "shop/domain/__init__.py": "",
         "shop/domain/rules.py": "X = 1\n", "shop/domain/models.py": OLD_VIOLATION},
        "main",
    )  # fmt: skip
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({"shop/domain/other.py": "from shop.api import views\n"})
    return repo


def server(root: Path, cache: Path) -> StdioServerParameters:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "SEMGREP_SEND_METRICS": "off"}
    return StdioServerParameters(
        command=sys.executable, args=["-m", "auditor", "mcp", str(root), "--no-semgrep"], env=env
    )


def drive(root: Path, cache: Path, script) -> object:
    async def main() -> object:
        async with stdio_client(server(root, cache)) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await script(session)

    return anyio.run(main)


def status(repo: GitRepo) -> str:
    return repo.git("status", "--porcelain", "--ignored")


def test_an_agent_lists_the_tools_and_checks_its_change(repo, tmp_path):
    before = status(repo)

    async def script(session: ClientSession) -> dict:
        tools = await session.list_tools()
        by_name = {t.name: t for t in tools.tools}
        checked = await session.call_tool("check", {"base": "main"})
        again = await session.call_tool("check", {"base": "main", "paths": ["shop/domain/models.py"]})
        tree = await session.call_tool("check", {})  # no base: against the baseline (none here)
        return {"tools": by_name, "checked": checked, "again": again, "tree": tree}

    got = drive(repo.path, tmp_path, script)
    tools = got["tools"]
    assert {"check", "module_rules", "explain", "import_path"} <= set(tools)
    for tool in tools.values():
        assert tool.inputSchema["type"] == "object" and tool.outputSchema is not None
    assert set(tools["check"].inputSchema["properties"]) == {"base", "paths"}
    checked = got["checked"]
    assert not checked.isError
    doc = checked.structuredContent
    assert doc["tool"]["name"] == "auditor" and doc["run"]["base"] == "main"
    assert [(f["rule"], f["path"], f["status"]) for f in doc["findings"]] == [
        ("layered", "shop/domain/other.py", "new")
    ]
    assert json.loads(checked.content[0].text) == doc  # the same document as text, for any client
    # limited to a file the change did not break: nothing new there
    assert got["again"].structuredContent["findings"] == []
    tree = got["tree"].structuredContent
    assert tree["run"]["base"] is None
    assert sorted(f["path"] for f in tree["findings"]) == ["shop/domain/models.py", "shop/domain/other.py"]
    assert status(repo) == before  # the server wrote nothing into the repository


def test_module_rules_names_the_forbidden_layer_and_the_contract(repo, tmp_path):
    async def script(session: ClientSession) -> object:
        return await session.call_tool("module_rules", {"module": "shop.domain.models"})

    result = drive(repo.path, tmp_path, script)
    assert not result.isError
    rules = result.structuredContent
    assert rules["module"] == "shop.domain.models" and rules["layers"] == ["domain"]
    assert rules["path"] == "shop/domain/models.py"
    forbidden = rules["may_not_import"]
    assert {"layer": "api", "patterns": ["shop.api"], "contract": "layered"}.items() <= forbidden[0].items()
    assert [r["layer"] for r in rules["may_import"]] == []  # domain is the lowest layer
    assert rules["owner"] == "@arch"
    assert [(c["id"], c["guidance"]) for c in rules["contracts"]] == [("layered", GUIDANCE)]


def test_explain_a_rule_and_a_finding_and_find_an_import_path(repo, tmp_path):
    async def script(session: ClientSession) -> dict:
        checked = await session.call_tool("check", {"base": "main"})
        fingerprint = checked.structuredContent["findings"][0]["fingerprint"]
        return {
            "rule": await session.call_tool("explain", {"rule": "layered"}),
            "finding": await session.call_tool("explain", {"fingerprint": fingerprint}),
            "path": await session.call_tool(
                "import_path", {"importer": "shop.domain.other", "imported": "shop.domain.rules"}
            ),
            "none": await session.call_tool(
                "import_path", {"importer": "shop.domain.rules", "imported": "shop.api.views"}
            ),
        }

    got = drive(repo.path, tmp_path, script)
    rule = got["rule"].structuredContent
    assert rule["title"] == "contract 'layered'" and rule["instead"] == GUIDANCE
    assert rule["what"] and rule["why"] and rule["example"]
    finding = got["finding"].structuredContent
    assert finding["finding"]["path"] == "shop/domain/other.py" and finding["instead"] == GUIDANCE
    assert finding["chain"] == [{"importer": "shop.domain.other", "imported": "shop.api.views", "line": 1}]
    assert finding["title"] == "contract 'layered'" and finding["what"] == rule["what"]
    path = got["path"].structuredContent
    assert [hop["importer"] for hop in path["chain"]] == ["shop.domain.other", "shop.api.views"]
    assert path["chain"][-1]["imported"] == "shop.domain.rules"
    assert got["none"].structuredContent["chain"] is None


def test_bad_arguments_come_back_as_mcp_errors_with_the_cli_message(repo, tmp_path):
    outside = tmp_path / "elsewhere.py"

    async def script(session: ClientSession) -> dict:
        return {
            "module": await session.call_tool("module_rules", {"module": "shop.nowhere"}),
            "ref": await session.call_tool("check", {"base": "no-such-branch"}),
            "path": await session.call_tool("check", {"base": "main", "paths": [str(outside)]}),
            "schema": await session.call_tool("import_path", {"importer": "shop.api"}),
            "explain": await session.call_tool("explain", {}),
        }

    got = drive(repo.path, tmp_path, script)
    for result in got.values():
        assert result.isError and len(result.content) == 1
    text = {k: r.content[0].text for k, r in got.items()}
    assert "shop.nowhere" in text["module"] and "unknown module" in text["module"]
    assert "no-such-branch" in text["ref"] and "\n" not in text["ref"]
    assert f"{outside}: outside the project" in text["path"]
    assert "imported" in text["schema"]
    assert "rule" in text["explain"] and "fingerprint" in text["explain"]
    # the command line says the same about the same ref and path
    cli = subprocess.run(
        [sys.executable, "-m", "auditor", "check", str(repo.path), "--no-semgrep", "--base", "no-such-branch"],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
    )
    assert cli.returncode == 2 and cli.stderr.strip() == f"auditor: error: {text['ref']}"
    cli = subprocess.run(
        [sys.executable, "-m", "auditor", "check", str(repo.path), "--no-semgrep", "--only", str(outside)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
    )
    assert cli.returncode == 2 and cli.stderr.strip() == f"auditor: error: {text['path']}"


def test_a_cold_graph_of_many_modules_is_parsed_in_parallel_without_hanging(tmp_path):
    """The server parses in a worker thread beside the protocol's threads: its parse pool must
    not fork a child that inherits a held lock (it waited forever on a cold Django)."""
    root = tmp_path / "many"
    files = {"pyproject.toml": '[tool.auditor]\npackages = ["pkg"]\n', "pkg/__init__.py": ""}
    files.update({f"pkg/m{i}.py": f"from pkg import m{i + 1}\n" for i in range(99)})
    files["pkg/m99.py"] = "X = 1\n"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    params = server(root, tmp_path / "cache")
    params.args += ["--jobs", "2"]

    async def main() -> object:
        with anyio.fail_after(120):  # a hang fails the test instead of stalling the suite
            async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                return await session.call_tool("import_path", {"importer": "pkg.m0", "imported": "pkg.m99"})

    result = anyio.run(main)
    assert not result.isError
    assert len(result.structuredContent["chain"]) == 99


def test_the_resources_are_the_config_and_the_rule_packs_as_read(repo, tmp_path):
    async def script(session: ClientSession) -> dict:
        listed = await session.list_resources()
        uris = [str(r.uri) for r in listed.resources]
        config = await session.read_resource("auditor://config")  # type: ignore[arg-type]
        pack = await session.read_resource(uris[1])  # type: ignore[arg-type]
        return {"uris": uris, "config": config, "pack": pack}

    got = drive(repo.path, tmp_path, script)
    assert got["uris"][0] == "auditor://config" and got["uris"][1] == "auditor://packs/python-security"
    config = json.loads(got["config"].contents[0].text)
    assert config["layers"] == {"api": ["shop.api"], "domain": ["shop.domain"]}
    assert config["contracts"][0]["id"] == "layered" and config["contracts"][0]["guidance"] == GUIDANCE
    assert "[pack]" in got["pack"].contents[0].text or "name" in got["pack"].contents[0].text
