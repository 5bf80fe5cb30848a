"""A repository that commits symlinks (and files, and folders) where auditor writes: nothing
outside the clone changes, and the run ends in one line naming the symlink, exit 2. Each
attack below was reproduced against the auditor before the safe writers (support.safe_files,
support.staged_folder): a victim file overwritten, a database filled, a report written
elsewhere, a folder's contents deleted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile.cli import cli_env, run_cli
from hostile.victims import Victims, attacking_clone, one_error_line

CHECK = ["check", "--no-semgrep"]


@pytest.fixture()
def victims(tmp_path: Path) -> Victims:
    return Victims(tmp_path / "outside")


def test_sarif_temporary_name_planted_as_a_symlink_is_never_written_through(
    tmp_path: Path, victims: Victims
) -> None:
    # the old writer wrote `-o FILE` to FILE.tmp first, following whatever the repo put there
    repo = attacking_clone(tmp_path, {"auditor.sarif.tmp": victims.executable})
    run = run_cli([*CHECK, "--format", "sarif", "-o", "auditor.sarif"], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(1,))
    out = repo / "auditor.sarif"
    assert out.is_file() and not out.is_symlink() and '"version":"2.1.0"' in out.read_text()
    assert os.readlink(repo / "auditor.sarif.tmp") == str(victims.executable)  # not ours to remove
    assert sorted(p.name for p in repo.iterdir() if ".tmp" in p.name) == ["auditor.sarif.tmp"]


@pytest.mark.parametrize("target", ["file", "missing"])
def test_output_file_that_is_a_symlink_is_refused(tmp_path: Path, victims: Victims, target: str) -> None:
    aim = victims.file if target == "file" else victims.missing  # dangling: nothing may appear
    repo = attacking_clone(tmp_path, {"auditor.sarif": aim})
    run = run_cli([*CHECK, "--format", "sarif", "-o", "auditor.sarif"], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    line = one_error_line(run.stderr)
    assert line == (
        f"auditor: error: {repo / 'auditor.sarif'} is a symlink (to {aim}); refusing to write through it"
    )


def test_output_folder_inside_the_project_that_is_a_symlink_is_refused(
    tmp_path: Path, victims: Victims
) -> None:
    repo = attacking_clone(tmp_path, {"reports": victims.folder})
    run = run_cli([*CHECK, "--format", "json", "-o", "reports/auditor.json"], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    assert f"{repo / 'reports'} is a symlink" in one_error_line(run.stderr)


@pytest.mark.parametrize(
    ("link", "aim", "command"),
    [
        (".auditor/history.sqlite", "database", ["audit", "--no-semgrep"]),
        (".auditor", "folder", ["audit", "--no-semgrep", "--no-cache"]),
        ("auditor-report", "folder", ["audit", "--no-semgrep"]),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v),
)
def test_auditor_folders_and_databases_that_are_symlinks_are_refused(
    tmp_path: Path, victims: Victims, link: str, aim: str, command: list[str]
) -> None:
    target = getattr(victims, aim)
    repo = attacking_clone(tmp_path, {link: target})
    run = run_cli(command, cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    line = one_error_line(run.stderr)
    assert line == f"auditor: error: {repo / link} is a symlink (to {target}); refusing to write through it"


@pytest.mark.parametrize(
    ("link", "aim"),
    [
        (".auditor", "folder"),
        (".auditor/cache.sqlite", "database"),
        (".auditor/cache.sqlite-wal", "file"),
        (".auditor/blame.sqlite", "database"),
    ],
)
@pytest.mark.parametrize("named", [False, True], ids=["default cache", "--cache-dir .auditor"])
def test_committed_cache_symlinks_are_never_written_through(
    tmp_path: Path, victims: Victims, link: str, aim: str, named: bool
) -> None:
    """The cache lives in the user's cache folder, and a `--cache-dir` git tracks files in is
    not used: a link committed where the cache used to be is never followed."""
    repo = attacking_clone(tmp_path, {link: getattr(victims, aim)})
    run = run_cli([*CHECK, *(["--cache-dir", ".auditor"] if named else [])], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(1,))
    assert ("git tracks files in it" in run.stderr) == named


@pytest.mark.parametrize(
    ("link", "aim"), [("mine", "folder"), ("mine/cache.sqlite", "database"), ("mine/blame.sqlite", "database")]
)
def test_a_named_cache_folder_that_is_or_holds_an_untracked_symlink_is_refused(
    tmp_path: Path, victims: Victims, link: str, aim: str
) -> None:
    """The user's own (untracked) `--cache-dir`: a symlink there is refused, not followed."""
    repo = attacking_clone(tmp_path, {})
    target = getattr(victims, aim)
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(target)
    run = run_cli([*CHECK, "--cache-dir", "mine"], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    assert one_error_line(run.stderr) == (
        f"auditor: error: {repo / link} is a symlink (to {target}); refusing to write through it"
    )


FAKE_SEMGREP = """#!/bin/sh
echo "fake semgrep was here" >> "$SEMGREP_LOG_FILE"
echo '{"results": [], "errors": [], "version": "1.190.0"}'
"""


@pytest.mark.parametrize(
    ("link", "aim"),
    [
        (".auditor/semgrep/semgrep.log", "file"),
        (".auditor/semgrep", "folder"),
        (".auditor/semgrep/rules", "folder"),
    ],
)
def test_semgrep_files_under_the_cache_that_are_symlinks_are_refused(
    tmp_path: Path, victims: Victims, link: str, aim: str
) -> None:
    # semgrep appends to SEMGREP_LOG_FILE and the rules are rendered below the cache folder:
    # the fake semgrep writes its log as the real one does, so a followed link would show
    semgrep = tmp_path / "fake-semgrep"
    semgrep.write_text(FAKE_SEMGREP)
    semgrep.chmod(0o755)
    target = getattr(victims, aim)
    repo = attacking_clone(tmp_path, {link: target})
    env = cli_env({"AUDITOR_SEMGREP": str(semgrep)})
    for named in ([], ["--cache-dir", ".auditor"]):  # the default cache, then a tracked one (unused)
        run = run_cli(["check", *named], cwd=repo, env=env)
        victims.assert_untouched()
        run.assert_clean(codes=(0, 1))
    # the user's own cache folder holding such a link: refused
    mine = tmp_path / "mine"
    (mine / link.removeprefix(".auditor/")).parent.mkdir(parents=True, exist_ok=True)
    (mine / link.removeprefix(".auditor/")).symlink_to(target)
    run = run_cli(["check", "--cache-dir", str(mine)], cwd=repo, env=env)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    assert one_error_line(run.stderr) == (
        f"auditor: error: {mine / link.removeprefix('.auditor/')} is a symlink (to {target}); "
        "refusing to write through it"
    )


def test_report_folder_holding_a_folder_named_like_a_report_file_is_not_emptied(tmp_path: Path) -> None:
    # the old check looked at names only: `rep/index.html/` passed, and the swap deleted it
    repo = attacking_clone(tmp_path, {}, folders={"rep/index.html": {"data.txt": "not auditor's\n"}})
    run = run_cli(["audit", "--no-semgrep", "--out", "rep"], cwd=repo)
    assert (repo / "rep" / "index.html" / "data.txt").read_text() == "not auditor's\n"
    run.assert_clean(codes=(2,))
    line = one_error_line(run.stderr)
    assert "rep exists and is not an auditor report directory (holds index.html (not a regular file))" in line


def test_report_folder_holding_a_symlink_named_like_a_report_file_is_refused(
    tmp_path: Path, victims: Victims
) -> None:
    repo = attacking_clone(tmp_path, {"rep/report.json": victims.file})
    run = run_cli(["audit", "--no-semgrep", "--out", "rep"], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    assert (repo / "rep" / "report.json").is_symlink()
    assert "holds report.json (a symlink)" in one_error_line(run.stderr)


def test_baseline_that_is_a_dangling_symlink_creates_nothing_outside(
    tmp_path: Path, victims: Victims
) -> None:
    repo = attacking_clone(tmp_path, {"auditor-baseline.json": victims.missing})
    run = run_cli(["baseline", "--no-semgrep"], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    assert "auditor-baseline.json is a symlink" in one_error_line(run.stderr)


def test_init_never_writes_through_its_old_temporary_name(tmp_path: Path, victims: Victims) -> None:
    # `init` wrote pyproject.toml via the fixed name .pyproject.toml.auditor-init.tmp, then
    # renamed it over pyproject.toml: the victim was overwritten and pyproject became a link
    repo = attacking_clone(tmp_path, {".pyproject.toml.auditor-init.tmp": victims.executable})
    run = run_cli(["init", "--no-baseline", "--force"], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(0,))
    pyproject = repo / "pyproject.toml"
    assert pyproject.is_file() and not pyproject.is_symlink() and "[tool.auditor" in pyproject.read_text()
    assert os.readlink(repo / ".pyproject.toml.auditor-init.tmp") == str(victims.executable)


def test_graph_output_through_a_symlink_is_refused(tmp_path: Path, victims: Victims) -> None:
    repo = attacking_clone(tmp_path, {"graph.json": victims.file})
    run = run_cli(["graph", "--no-cache", "-o", "graph.json"], cwd=repo)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    assert "graph.json is a symlink" in one_error_line(run.stderr)


def test_demo_folder_that_is_a_symlink_is_refused(tmp_path: Path, victims: Victims) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "auditor-demo").symlink_to(victims.folder)
    run = run_cli(["demo", "--no-semgrep"], cwd=work)
    victims.assert_untouched()
    run.assert_clean(codes=(2,))
    assert "auditor-demo is a symlink" in one_error_line(run.stderr)


def test_what_the_user_names_outside_the_project_is_written_as_typed(tmp_path: Path, victims: Victims) -> None:
    """`-o /dev/null`, or a symlink the user made outside the project: written through, as a
    shell redirection would (only the repository's own paths are held to the rules above)."""
    repo = attacking_clone(tmp_path, {})
    run_cli([*CHECK, "--format", "json", "-o", "/dev/null"], cwd=repo).assert_clean(codes=(1,))
    mine = tmp_path / "my-reports"
    mine.mkdir()
    (mine / "latest.json").symlink_to(mine / "2026-11-30.json")
    run_cli([*CHECK, "--format", "json", "-o", str(mine / "latest.json")], cwd=repo).assert_clean(codes=(1,))
    assert '"schema_version"' in (mine / "2026-11-30.json").read_text()
    assert (mine / "latest.json").is_symlink()
    victims.assert_untouched()
