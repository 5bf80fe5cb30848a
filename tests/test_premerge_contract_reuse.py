"""A pre-merge check evaluates the contracts on REF's graph only when REF's imports differ.

When every changed module has, at REF, the imports (and `__all__`) it has in the working tree,
REF's graph is the working tree's edge for edge, so the contracts' results are the working
tree's: they are reused, and only what depends on REF's side (exceptions, rendering against
REF's folder) is done again. The verdict is the one evaluating them again would give."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from gitrepo import GitRepo
from test_guardrails_premerge import PYPROJECT as BASE_PYPROJECT

from auditor.cli.main import main
from auditor.contracts.forbidden import ForbiddenContract
from auditor.contracts.layers import LayersContract
from auditor.contracts.public_interface import PublicInterfaceContract
from auditor.usecases import check as check_usecase

PYPROJECT = BASE_PYPROJECT + """
[[tool.auditor.contracts]]
id = "no-api-in-infra"
type = "forbidden"
source_modules = ["shop.infra"]
forbidden_modules = ["shop.api"]
ignore_kinds = ["dynamic"]
ignore_imports = ["shop.infra.db -> shop.api.views", "shop.nothing -> shop.api"]

[[tool.auditor.exceptions]]
contract = "layered"
import = "shop.domain.models -> shop.api.views"
reason = "legacy"

[[tool.auditor.exceptions]]
contract = "layered"
import = "shop.domain.gone -> shop.api.views"
reason = "stale on both sides"
"""

ONE_SIDE = ["forbidden", "forbidden", "layers"]  # the contracts' types, each evaluation once
BOTH_SIDES = sorted(ONE_SIDE * 2)

FILES = {
    "pyproject.toml": PYPROJECT,
    "shop/__init__.py": "",
    "shop/api/__init__.py": "",
    "shop/api/views.py": "X = 1\n",
    "shop/domain/__init__.py": "",
    "shop/domain/models.py": "from shop.api import views\n",
    "shop/domain/orders.py": "from shop.api import views\n\n\ndef total():\n    return 1\n",
    "shop/infra/__init__.py": "",
    "shop/infra/db.py": "from shop.api import views\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(FILES, "main")
    repo.git("checkout", "-q", "-b", "feature")
    return repo


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The contract evaluations a run makes, by contract type."""
    done: list[str] = []
    for name, cls in (("layers", LayersContract), ("forbidden", ForbiddenContract), ("public_interface", PublicInterfaceContract)):
        real = cls.check

        def counted(self, graph, __real=real, __name=name):  # type: ignore[no-untyped-def]
            done.append(__name)
            return __real(self, graph)

        monkeypatch.setattr(cls, "check", counted)
    return done


def run(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    for key in ("started_at", "duration_s", "stages"):
        doc["run"].pop(key, None)
    return code, doc


def evaluated_again(repo, capsys, monkeypatch) -> tuple[int, dict]:
    """The verdict with REF's contracts always evaluated (no reuse)."""
    with monkeypatch.context() as m:
        m.setattr(check_usecase, "same_imports", lambda *args: False)
        return run(repo, capsys)


def test_an_edit_that_keeps_the_imports_reuses_the_contracts_results(repo, capsys, monkeypatch, evaluations):
    repo.commit({"shop/domain/orders.py": FILES["shop/domain/orders.py"] + "\n\ndef more():\n    return 2\n"}, "edit")
    code, doc = run(repo, capsys)
    assert sorted(evaluations) == ONE_SIDE  # the working tree's only
    assert doc["fixed"] == [] and {f["status"] for f in doc["findings"]} == {"persisting"}
    assert {f["rule"] for f in doc["findings"]} >= {"layered", "no-api-in-infra"}  # stale exception, unmatched ignore
    evaluations.clear()
    assert evaluated_again(repo, capsys, monkeypatch) == (code, doc)
    assert sorted(evaluations) == BOTH_SIDES


def test_an_edit_that_changes_an_import_evaluates_refs_contracts(repo, capsys, monkeypatch, evaluations):
    repo.commit({"shop/domain/orders.py": "X = 2\n"}, "fix the violation")
    code, doc = run(repo, capsys)
    assert sorted(evaluations) == BOTH_SIDES
    assert [f["importer"] for f in doc["fixed"]] == ["shop.domain.orders"]
    assert evaluated_again(repo, capsys, monkeypatch) == (code, doc)


def test_an_import_moved_to_another_line_is_a_different_import(repo, capsys, monkeypatch, evaluations):
    repo.commit({"shop/domain/orders.py": "\n" + FILES["shop/domain/orders.py"]}, "move it")
    code, doc = run(repo, capsys)
    assert sorted(evaluations) == BOTH_SIDES
    assert evaluated_again(repo, capsys, monkeypatch) == (code, doc)


def test_a_changed_all_matters_only_to_a_contract_that_reads_it(repo, capsys, monkeypatch, evaluations):
    repo.commit({"shop/api/__init__.py": "__all__ = ['views']\n"}, "an interface")
    code, doc = run(repo, capsys)
    assert sorted(evaluations) == ONE_SIDE  # no public_interface contract: the graph is the same
    assert evaluated_again(repo, capsys, monkeypatch) == (code, doc)


def test_a_changed_all_is_evaluated_again_for_a_public_interface(repo, capsys, monkeypatch, evaluations):
    interface = '\n[[tool.auditor.contracts]]\nid = "api-interface"\ntype = "public_interface"\nmodules = ["shop.api"]\n'
    repo.git("checkout", "-q", "main")
    repo.commit({"pyproject.toml": PYPROJECT + interface, "shop/api/__init__.py": "__all__ = ['views']\n"}, "interface")
    repo.git("checkout", "-q", "feature")
    repo.git("reset", "-q", "--hard", "main")
    repo.commit({"shop/api/__init__.py": "__all__ = []\n"}, "views is internal now")
    code, doc = run(repo, capsys)
    assert sorted(evaluations) == sorted([*BOTH_SIDES, "public_interface", "public_interface"])
    assert [f["importer"] for f in doc["findings"] if f["rule"] == "api-interface" and f["status"] == "new"]
    assert evaluated_again(repo, capsys, monkeypatch) == (code, doc)


def test_refs_graph_shares_the_edges_when_no_import_changed(repo, capsys, monkeypatch):
    """REF's versions with the working tree's raw imports: REF's graph is the working tree's
    edges with REF's facts (nothing resolved again); any changed import: resolved again."""
    from auditor.index import at_ref

    resolved: list[int] = []
    real = at_ref.replace_files
    monkeypatch.setattr(at_ref, "replace_files", lambda graph, facts: resolved.append(1) or real(graph, facts))
    repo.commit({"shop/domain/orders.py": FILES["shop/domain/orders.py"] + "\n\ndef more():\n    return 2\n"}, "edit")
    run(repo, capsys)
    assert resolved == []
    repo.commit({"shop/domain/orders.py": "import json\n" + FILES["shop/domain/orders.py"]}, "an import")
    run(repo, capsys)
    assert resolved == [1]


def test_with_unchanged_imports_gives_what_resolving_again_gives(repo):
    from auditor.config import load_config
    from auditor.graph.resolve import replace_files, with_unchanged_imports
    from auditor.index.tree import config_graph

    graph = config_graph(repo.path, load_config(repo.path, None), use_cache=False)
    edited = dataclasses.replace(graph.facts["shop.domain.orders"], line_count=99, content_hash="other")
    shared = with_unchanged_imports(graph, [edited])
    again = replace_files(graph, [edited])
    assert shared is not None
    assert list(shared.imports()) == list(again.imports()) and shared.external_imports == graph.external_imports
    assert shared.facts["shop.domain.orders"] is edited and shared.modules == again.modules
    assert shared.errors == again.errors
    moved = dataclasses.replace(edited, imports=tuple(dataclasses.replace(i, line=i.line + 1) for i in edited.imports))
    assert with_unchanged_imports(graph, [moved]) is None


def test_only_limits_the_findings_to_a_folder(repo, capsys):
    capsys.readouterr()
    argv = ["check", str(repo.path), "--base", "main", "--no-semgrep", "--no-cache", "--format", "json"]
    main([*argv, "--only", str(repo.path / "shop" / "infra")])
    paths = {f["path"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert paths and all(p.startswith("shop/infra/") for p in paths)
    main(argv)
    assert {f["path"] for f in json.loads(capsys.readouterr().out)["findings"]} > paths


def test_a_kinds_view_of_a_graph_without_those_kinds_is_the_graph_itself(repo):
    from auditor.config import load_config
    from auditor.index.tree import config_graph

    graph = config_graph(repo.path, load_config(repo.path, None), use_cache=False)
    assert {i.kind.value for i in graph.imports()} == {"toplevel"}
    assert graph.without_kinds(["dynamic"]) is graph and graph.only_kinds(["toplevel"]) is graph
    view = graph.only_kinds(["function"])
    assert view is not graph and list(view.imports()) == [] and view.modules == graph.modules
