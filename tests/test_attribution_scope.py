"""Attribution blames only files with a line-level finding: a finding with a path but no line (a
module in no layer) has no line to blame, so its file is never handed to `git blame`."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo, isolate
from shop_config import layered_shop

import auditor.attribution as attribution_module
from auditor.domain import Finding, Origin, Status
from auditor.pipeline.options import RunOptions
from auditor.usecases.check import check_against_base, collect_findings

CONFIG = layered_shop()

FILES = {
    "pyproject.toml": CONFIG,
    "shop/__init__.py": "",
    "shop/api/__init__.py": "",
    "shop/api/views.py": "X = 1\n",
    "shop/domain/__init__.py": "",
    "shop/domain/models.py": "from shop.api import views\n",  # a violation, at line 1
    "shop/helpers.py": "Y = 2\n",  # in no layer: an info finding with a path and no line
}


@pytest.fixture()
def blamed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The paths of every `attribute` call the pipeline makes (the real attribution still runs)."""
    seen: list[list[str]] = []
    real = attribution_module.attribute

    def recording(root: Path, paths: list[str], *args: object, **kwargs: object) -> object:
        seen.append(list(paths))
        return real(root, paths, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(attribution_module, "attribute", recording)
    return seen


def assert_only_the_violation_was_blamed(
    findings: list[Finding], blamed: list[list[str]], no_line: str
) -> None:
    by_path = {f.path: f for f in findings}
    assert set(by_path) == {"shop/domain/models.py", no_line}
    assert by_path[no_line].line is None  # the premise: a finding without a line
    assert by_path["shop/domain/models.py"].line == 1
    assert blamed == [["shop/domain/models.py"]]
    assert by_path[no_line].origin is Origin.UNKNOWN
    assert by_path["shop/domain/models.py"].origin is Origin.HUMAN


def test_check_blames_only_the_files_of_findings_with_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blamed: list[list[str]]
) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.commit(FILES, "main")
    result = collect_findings(RunOptions(root=repo.path, semgrep=False, use_cache=False))
    assert_only_the_violation_was_blamed(result.findings, blamed, "shop/helpers.py")


def test_check_against_base_blames_only_new_findings_with_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blamed: list[list[str]]
) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.commit({k: v for k, v in FILES.items() if k != "shop/domain/models.py"}, "main")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        {"shop/domain/models.py": FILES["shop/domain/models.py"], "shop/tools.py": "Z = 3\n"}, "feature"
    )
    result = check_against_base(RunOptions(root=repo.path, semgrep=False, use_cache=False), "main")
    # only the change's findings are new: the violation and the module in no layer it adds;
    # the module in no layer that REF has too is persisting, and not blamed either
    new = [f for f in result.findings if f.status is not Status.PERSISTING]
    assert [f.path for f in result.findings if f.status is Status.PERSISTING] == ["shop/helpers.py"]
    assert_only_the_violation_was_blamed(new, blamed, "shop/tools.py")


def test_no_finding_with_a_line_means_no_blame_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blamed: list[list[str]]
) -> None:
    isolate(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.commit({k: v for k, v in FILES.items() if k != "shop/domain/models.py"}, "main")
    result = collect_findings(RunOptions(root=repo.path, semgrep=False, use_cache=False))
    assert [f.path for f in result.findings] == ["shop/helpers.py"]
    assert blamed == []
