"""`auditor graph`: formats, filters, output file, escaping and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from auditor.cli.main import main
from auditor.domain import Import, ImportKind, Module
from auditor.graph.export import to_dot, to_graphml
from auditor.graph.model import ImportGraph
from auditor.support.cache_home import project_cache_dir

SHOP = Path(__file__).resolve().parents[1] / "examples" / "shop"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["graph", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_on_the_bundled_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(SHOP), "--no-cache")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"modules", "imports", "errors"}
    assert data["errors"] == []
    assert {"name": "shop.api.schemas", "path": "shop/api/schemas.py", "is_package": False} in data["modules"]
    assert {
        "importer": "shop.domain.models",
        "imported": "shop.api.schemas",
        "line": 5,
        "kind": "toplevel",
        "external": False,
    } in data["imports"]
    kinds = {i["kind"] for i in data["imports"]}
    assert kinds == {"toplevel", "function", "type_checking", "dynamic"}
    assert not any(i["external"] for i in data["imports"])
    assert data["imports"] == sorted(
        data["imports"], key=lambda i: (i["importer"], i["imported"], i["line"], i["kind"], i["external"])
    )


def test_include_external_and_kinds_filter(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(SHOP), "--no-cache", "--include-external", "--kinds", "conditional")
    assert code == 0
    imports = json.loads(out)["imports"]
    assert [(i["imported"], i["external"]) for i in imports] == [("json", True), ("ujson", True)]
    code, out, _ = run_cli(capsys, str(SHOP), "--no-cache", "--kinds", "function,dynamic")
    assert sorted((i["importer"], i["imported"], i["kind"]) for i in json.loads(out)["imports"]) == [
        ("shop.api.routes", "shop.services.payments", "function"),
        ("shop.services.payments", "shop.db.session", "dynamic"),
    ]


def test_output_file_dot_and_graphml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dot_file = tmp_path / "g.dot"
    assert run_cli(capsys, str(SHOP), "--no-cache", "--format", "dot", "-o", str(dot_file))[:2] == (0, "")
    dot = dot_file.read_text()
    assert dot.startswith("digraph imports {")
    assert '"shop.domain.models" -> "shop.api.schemas" [kinds="toplevel", lines="5"];' in dot
    code, out, _ = run_cli(capsys, str(SHOP), "--no-cache", "--format", "graphml")
    assert code == 0
    root = ET.fromstring(out)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = {n.get("id") for n in root.iterfind(".//g:node", ns)}
    assert "shop.services.orders" in nodes
    edges = {(e.get("source"), e.get("target")) for e in root.iterfind(".//g:edge", ns)}
    assert ("shop.domain.models", "shop.api.schemas") in edges


def test_hostile_strings_are_escaped_in_every_format() -> None:
    evil = 'x"; rankdir=LR; "\\\n<&>\x01'
    graph = ImportGraph(
        [Module(evil, f"{evil}.py", False), Module("b", "b.py", False)],
        [Import(evil, "b", 1, ImportKind.TOPLEVEL)],
    )
    dot = to_dot(graph)
    assert '"x\\"; rankdir=LR; \\"\\\\\\n<&>\\u0001" -> "b"' in dot  # control chars shown as text
    assert "rankdir=LR;" not in dot.replace('rankdir=LR; \\"', "")
    root = ET.fromstring(to_graphml(graph))  # well-formed XML despite <, &, and a control char
    ids = {n.get("id") for n in root.iter("{http://graphml.graphdrawing.org/xmlns}node")}
    assert ids == {'x"; rankdir=LR; "\\\n<&>\\x01', "b"}


def test_file_errors_are_listed_and_exit_is_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from . import good\n")
    (pkg / "good.py").write_text("import pkg\n")
    (pkg / 'bad"ünï.py').write_bytes(b"def (:\n")
    code, out, _ = run_cli(capsys, str(tmp_path), "--no-cache")
    assert code == 0
    assert "\\u00fc" in out  # non-ASCII from the repo is escaped
    data = json.loads(out)
    assert data["errors"] == [{"path": 'pkg/bad"ünï.py', "message": "syntax error: line 1: invalid syntax"}]
    assert [(i["importer"], i["imported"]) for i in data["imports"]] == [
        ("pkg", "pkg.good"),
        ("pkg.good", "pkg"),
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--package", "nope"], "auditor: error: package 'nope' not found under"),
        (["--kinds", "toplevel,bogus"], "auditor: error: unknown import kind 'bogus' in --kinds"),
        (["--jobs", "0"], "auditor: error: --jobs must be at least 1"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, str(SHOP), "--no-cache", *args)
    assert code == 2
    assert out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_missing_path_and_bad_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, str(tmp_path / "missing"))
    assert code == 2 and "not a directory" in err
    with pytest.raises(SystemExit) as info:
        main(["graph", str(SHOP), "--format", "yaml"])
    assert info.value.code == 2


def test_python_dash_m_with_default_cache_dir(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "shop"
    shutil.copytree(SHOP, project)
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "auditor", "graph", str(project)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert (project_cache_dir(project) / "cache.sqlite").exists()
    assert not (project / ".auditor").exists()
    assert json.loads(done.stdout)["modules"][0]["name"] == "shop"
