"""Status classification, rename matching (on real git repos) and baseline rules."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from drift_samples import contract, security
from gitrepo import GitRepo
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.domain import Finding, FindingKind, Severity, Status, fingerprint
from auditor.domain.errors import ConfigError, GitError, UsageError
from auditor.drift.baseline import classify_against_baseline, load_baseline, update_baseline, write_baseline
from auditor.drift.classify import classify, classify_against_base, merge_statuses
from auditor.drift.renames import match_with_renames, module_renames, rename_map, renamed_paths
from auditor.support.git import Change, parse_name_status

TODAY = dt.date(2026, 11, 25)


def violation(importer: str, imported: str, func: str, path: str, line: int) -> Finding:
    """What a contract producer emits: identity from rule, modules and enclosing function."""
    return contract(
        fingerprint("layered", importer, imported, func),
        path=path,
        line=line,
        importer=importer,
        imported=imported,
        message=f"{importer} imports {imported}",
        chain=(),
    )


def test_classify_new_known_fixed():
    known = {f.fingerprint: f for f in (contract("a"), contract("b"))}
    result = classify([contract("a", line=90), security("c")], known)
    assert [(f.fingerprint, f.status) for f in result.findings] == [
        ("a", Status.BASELINED),
        ("c", Status.NEW),
    ]
    assert result.findings[0].line == 90  # moved: still the same finding
    assert [(f.fingerprint, f.status) for f in result.fixed] == [("b", Status.FIXED)]
    assert [f.fingerprint for f in result.new] == ["c"]
    persisting = classify([contract("a")], known, status_if_known=Status.PERSISTING)
    assert persisting.findings[0].status is Status.PERSISTING
    with pytest.raises(ValueError):
        classify([], known, status_if_known=Status.NEW)


def test_identical_violations_in_different_functions_are_separate():
    f1 = violation("shop.domain.m", "shop.api.v", "f", "shop/domain/m.py", 3)
    f2 = violation("shop.domain.m", "shop.api.v", "g", "shop/domain/m.py", 9)
    result = classify([f1, f2], {f1.fingerprint: f1})
    assert [f.status for f in result.findings] == [Status.BASELINED, Status.NEW]


def test_merge_baseline_and_previous_run():
    by_baseline = classify([contract("a"), contract("n")], {"a": contract("a"), "old": contract("old")})
    by_previous = classify([contract("a"), contract("n")], {"n": contract("n"), "p": contract("p")},
                           status_if_known=Status.PERSISTING)  # fmt: skip
    merged = merge_statuses(by_baseline, by_previous)
    assert {f.fingerprint: f.status for f in merged.findings} == {
        "a": Status.BASELINED,
        "n": Status.PERSISTING,
    }
    assert [f.fingerprint for f in merged.fixed] == ["old", "p"]


def test_parse_name_status():
    out = b"M\0a.py\0R087\0old/x.py\0new/y.py\0A\0z.py\0C100\0c.py\0d.py\0D\0gone.py\0"
    assert parse_name_status(out) == [
        Change("M", "a.py", "a.py"),
        Change("R", "new/y.py", "old/x.py"),
        Change("A", "z.py", None),
        Change("C", "d.py", "c.py"),
        Change("D", "gone.py", "gone.py"),
    ]
    assert renamed_paths(parse_name_status(out)) == {"old/x.py": "new/y.py"}
    assert parse_name_status(b"") == []


def test_module_renames_src_layout():
    renames = {
        "src/shop/domain/models.py": "src/shop/core/entities.py",
        "src/shop/api/__init__.py": "src/shop/web/__init__.py",
    }
    assert module_renames(renames, {"shop.domain.models", "shop.api", "other"}) == {
        "shop.domain.models": "shop.core.entities",
        "shop.api": "shop.web",
    }


@pytest.fixture
def repo(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    body = "import os\n\n\ndef f():\n    from shop.api import views\n    return views, os\n" + "# pad\n" * 20
    repo.commit(
        {"shop/__init__.py": "", "shop/domain/__init__.py": "", "shop/domain/models.py": body,
         "shop/api/__init__.py": "", "shop/api/views.py": "X = 1\n" + "# view\n" * 20},
        "base",
    )  # fmt: skip
    return repo


def test_rename_map_working_tree_and_commits(repo):
    base = repo.head()
    repo.git("mv", "shop/domain/models.py", "shop/domain/entities.py")
    assert rename_map(repo.path, base) == {"shop/domain/models.py": "shop/domain/entities.py"}
    repo.git("commit", "-q", "-m", "mv")
    assert rename_map(repo.path, base, "HEAD") == {"shop/domain/models.py": "shop/domain/entities.py"}
    assert rename_map(repo.path, "HEAD") == {}


def test_rename_map_bad_ref_is_git_error(repo):
    with pytest.raises(GitError, match="git diff no-such-ref failed"):
        rename_map(repo.path, "no-such-ref")


def test_renamed_importer_file_is_not_new(repo):
    base = repo.head()
    old = violation("shop.domain.models", "shop.api.views", "f", "shop/domain/models.py", 5)
    repo.mv("shop/domain/models.py", "shop/domain/entities.py")
    new = violation("shop.domain.entities", "shop.api.views", "f", "shop/domain/entities.py", 5)
    other = violation("shop.domain.entities", "shop.db", "f", "shop/domain/entities.py", 6)
    known = {old.fingerprint: old}
    assert classify([new, other], known).findings[0].status is Status.NEW  # without renames
    matched = match_with_renames([new, other], known, rename_map(repo.path, base))
    assert matched == {new.fingerprint: old.fingerprint}
    result = classify([new, other], known, matched=matched)
    assert [f.status for f in result.findings] == [Status.BASELINED, Status.NEW]
    assert result.fixed == ()


def test_renamed_imported_module_is_not_new(repo):
    base = repo.head()
    old = violation("shop.domain.models", "shop.api.views", "f", "shop/domain/models.py", 5)
    repo.mv("shop/api/views.py", "shop/api/handlers.py")
    new = violation("shop.domain.models", "shop.api.handlers", "f", "shop/domain/models.py", 5)
    matched = match_with_renames([new], {old.fingerprint: old}, rename_map(repo.path, base))
    assert matched == {new.fingerprint: old.fingerprint}


def test_renames_keep_two_identical_violations_apart(repo):
    base = repo.head()
    olds = [
        violation("shop.domain.models", "shop.api.views", fn, "shop/domain/models.py", ln)
        for fn, ln in (("f", 5), ("g", 9))
    ]
    repo.mv("shop/domain/models.py", "shop/domain/entities.py")
    news = [
        violation("shop.domain.entities", "shop.api.views", fn, "shop/domain/entities.py", ln)
        for fn, ln in (("f", 5), ("g", 9))
    ]
    matched = match_with_renames(news, {o.fingerprint: o for o in olds}, rename_map(repo.path, base))
    assert matched == {news[0].fingerprint: olds[0].fingerprint, news[1].fingerprint: olds[1].fingerprint}
    # a third current violation has no partner left: it is new
    third = violation("shop.domain.entities", "shop.api.views", "h", "shop/domain/entities.py", 12)
    matched = match_with_renames(
        [*news, third], {o.fingerprint: o for o in olds}, rename_map(repo.path, base)
    )
    assert third.fingerprint not in matched and len(matched) == 2


def test_security_finding_follows_rename_by_snippet(repo):
    base = repo.head()
    old = security(fingerprint("raw-sql", "shop/api/views.py", "q"), snippet="cursor.execute(f'select {x}')")
    repo.mv("shop/api/views.py", "shop/web/views.py")
    new = security(fingerprint("raw-sql", "shop/web/views.py", "q"), path="shop/web/views.py", line=40,
                   snippet="cursor.execute(f'select {x}')")  # fmt: skip
    changed = replace(new, fingerprint="zz", snippet="cursor.execute(other)")
    renames = rename_map(repo.path, base)
    assert match_with_renames([new], {old.fingerprint: old}, renames) == {new.fingerprint: old.fingerprint}
    assert match_with_renames([changed], {old.fingerprint: old}, renames) == {}


# ---- baseline ---------------------------------------------------------------------------------


def test_baseline_round_trip_is_sorted_and_stable(tmp_path):
    path = tmp_path / "auditor-baseline.json"
    findings = [security("s1"), contract("c1"), contract("c0", path="a/first.py")]
    written = write_baseline(path, findings, reason="initial freeze", today=TODAY)
    text = path.read_text()
    doc = json.loads(text)
    assert [e["fingerprint"] for e in doc["findings"]] == ["c0", "s1", "c1"]  # by path, rule, fingerprint
    assert doc["findings"][0] == {
        "fingerprint": "c0", "rule": "layered", "kind": "contract", "severity": "error",
        "path": "a/first.py", "message": "shop.domain.models imports shop.api.views",
        "reason": "initial freeze", "added": "2026-11-25",
        "importer": "shop.domain.models", "imported": "shop.api.views",
    }  # fmt: skip
    assert "importer" not in doc["findings"][1]  # security finding: no import ends
    assert text.startswith('{\n  "version": 1,') and text.endswith("}\n")
    loaded = load_baseline(path)
    assert loaded.entries == written.entries
    write_baseline(path, reversed(findings), reason="initial freeze", today=TODAY)
    assert path.read_text() == text  # same input, same bytes
    known = loaded.known()
    assert known["s1"].kind is FindingKind.SECURITY and known["s1"].severity is Severity.ERROR


def test_baseline_load_errors_name_file_and_line(tmp_path):
    path = tmp_path / "b.json"
    path.write_text('{\n  "findings": [\n    {"fingerprint": "x",}\n  ]\n}\n')
    with pytest.raises(ConfigError) as err:
        load_baseline(path)
    assert str(err.value).startswith(f"{path}:3:")
    path.write_text('{"findings": [{"rule": "r"}]}')
    with pytest.raises(ConfigError, match=r"findings\[0\]: 'fingerprint'"):
        load_baseline(path)
    with pytest.raises(ConfigError, match="not found"):
        load_baseline(tmp_path / "missing.json")


def test_update_only_shrinks_without_accept_new(tmp_path):
    base = write_baseline(tmp_path / "b.json", [contract("a"), contract("b")], reason="r0", today=TODAY)
    change = update_baseline(base, [contract("a", message="moved text"), security("n")], today=TODAY)
    assert [e.fingerprint for e in change.baseline.entries] == ["a"]
    assert change.baseline.entries[0].reason == "r0" and change.baseline.entries[0].message == "moved text"
    assert [e.fingerprint for e in change.removed] == ["b"] and change.added == ()
    assert "1 new finding(s) not added" in change.notes[0]


def test_accept_new_requires_reason_and_adds(tmp_path):
    base = write_baseline(tmp_path / "b.json", [contract("a")], today=TODAY)
    with pytest.raises(UsageError, match="--reason"):
        update_baseline(base, [security("n")], accept_new=True)
    with pytest.raises(UsageError):
        update_baseline(base, [security("n")], accept_new=True, reason="  ")
    change = update_baseline(
        base, [contract("a"), security("n")], accept_new=True, reason="SHOP-1", today=TODAY
    )
    assert [(e.fingerprint, e.reason) for e in change.baseline.entries] == [("n", "SHOP-1"), ("a", None)]
    assert [e.fingerprint for e in change.added] == ["n"]


def test_update_follows_renames(tmp_path):
    base = write_baseline(tmp_path / "b.json", [contract("old")], reason="legacy", today=TODAY)
    change = update_baseline(base, [contract("new", path="shop/x.py")], matched={"new": "old"})
    assert [(e.fingerprint, e.path, e.reason) for e in change.baseline.entries] == [
        ("new", "shop/x.py", "legacy")
    ]
    assert change.removed == ()


def test_suppressed_findings_are_not_baselined(tmp_path):
    b = write_baseline(tmp_path / "b.json", [contract("a"), contract("s", suppressed_by="exc")], today=TODAY)
    assert [e.fingerprint for e in b.entries] == ["a"]


def test_classify_against_base_reports_new_and_fixed_across_rename(repo):
    base_commit = repo.head()
    at_base = [
        violation("shop.domain.models", "shop.api.views", "f", "shop/domain/models.py", 5),
        violation("shop.domain.models", "shop.db", "f", "shop/domain/models.py", 6),
    ]
    repo.mv("shop/domain/models.py", "shop/domain/entities.py")
    at_head = [
        violation("shop.domain.entities", "shop.api.views", "f", "shop/domain/entities.py", 55),
        violation("shop.domain.entities", "shop.cache", "f", "shop/domain/entities.py", 7),
    ]
    by_base = classify_against_base(at_head, at_base, rename_map(repo.path, base_commit))
    new = by_base.new
    assert [f.imported for f in new] == ["shop.cache"] and new[0].status is Status.NEW
    assert [f.status for f in by_base.findings if f.imported == "shop.api.views"] == [Status.PERSISTING]
    fixed = by_base.fixed
    assert [f.imported for f in fixed] == ["shop.db"] and fixed[0].status is Status.FIXED


def test_baseline_follows_renames_since_its_commit(repo, tmp_path):
    old = violation("shop.domain.models", "shop.api.views", "f", "shop/domain/models.py", 5)
    baseline = write_baseline(tmp_path / "b.json", [old], reason="legacy", today=TODAY, commit=repo.head())
    assert load_baseline(tmp_path / "b.json").commit == repo.head()
    repo.mv("shop/domain/models.py", "shop/domain/entities.py")
    new = violation("shop.domain.entities", "shop.api.views", "f", "shop/domain/entities.py", 5)
    assert classify_against_baseline([new], baseline).findings[0].status is Status.NEW  # no root: no renames
    result = classify_against_baseline([new], baseline, repo.path)
    assert result.findings[0].status is Status.BASELINED and result.fixed == ()
    gone = replace(baseline, commit="0" * 40)  # unreachable commit: plain fingerprint matching
    assert classify_against_baseline([new], gone, repo.path).findings[0].status is Status.NEW


FPS = st.lists(st.sampled_from([f"f{i}" for i in range(12)]), unique=True, max_size=12)


@settings(max_examples=150, deadline=None)
@given(FPS, FPS)
def test_update_without_accept_new_never_grows(before, now):
    from auditor.drift.baseline import baseline_from_findings

    base = baseline_from_findings([contract(fp) for fp in before], today=TODAY)
    change = update_baseline(base, [contract(fp) for fp in now], today=TODAY)
    kept = {e.fingerprint for e in change.baseline.entries}
    assert kept == set(before) & set(now)
    assert {e.fingerprint for e in change.removed} == set(before) - set(now)
    result = classify([contract(fp) for fp in now], base.known())
    assert {f.fingerprint for f in result.new} == set(now) - set(before)
    assert {f.fingerprint for f in result.fixed} == set(before) - set(now)


def test_rename_map_odd_names_and_package_moves(repo):
    repo.commit({"shop/api/spaced name é.py": "Y = 2\n" * 10}, "odd")
    base = repo.head()
    repo.mv("shop/api/spaced name é.py", "shop/api/plain.py")
    repo.mv("shop/api", "shop/web")
    renames = rename_map(repo.path, base)
    assert renames["shop/api/spaced name é.py"] == "shop/web/plain.py"
    assert renames["shop/api/views.py"] == "shop/web/views.py"
    assert module_renames(renames, {"shop.api", "shop.api.views"}) == {
        "shop.api": "shop.web",
        "shop.api.views": "shop.web.views",
    }
