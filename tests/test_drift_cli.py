"""`auditor baseline` and `auditor history` commands (the analysis itself is faked)."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import replace

import pytest
from drift_samples import contract, sample_result, security

from auditor.cli.main import main
from auditor.domain import AnalysisError, Origin
from auditor.drift.history import History


class _FakeCheck:
    """Stands in for auditor.usecases.check (the lead's pipeline) in sys.modules."""

    def setattr(self, monkeypatch, collect) -> None:
        module = types.ModuleType("auditor.usecases.check")
        module.collect_findings = collect  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "auditor.usecases.check", module)


check = _FakeCheck()


@pytest.fixture
def findings(monkeypatch):
    """The findings the faked analysis returns; tests mutate the list between runs."""
    current = [contract("a"), security("s")]

    def fake_collect(opts):
        return replace(sample_result(), findings=tuple(current), errors=(), fixed=())

    check.setattr(monkeypatch, fake_collect)
    return current


def _entries(path):
    return [e["fingerprint"] for e in json.loads(path.read_text())["findings"]]


def test_baseline_write_then_refuse_overwrite(tmp_path, findings, capsys):
    assert main(["baseline", str(tmp_path)]) == 0
    target = tmp_path / "auditor-baseline.json"
    assert sorted(_entries(target)) == ["a", "s"]
    assert json.loads(target.read_text())["commit"] == "abc123"
    assert "2 entries" in capsys.readouterr().err
    assert main(["baseline", str(tmp_path)]) == 2
    assert "a baseline exists; use --update" in capsys.readouterr().err


def test_baseline_update_shrinks_and_accept_new_adds(tmp_path, findings, capsys):
    out = tmp_path / "custom.json"
    assert main(["baseline", str(tmp_path), "-o", str(out)]) == 0
    findings[:] = [contract("a"), security("n")]
    assert main(["baseline", str(tmp_path), "-o", str(out), "--update"]) == 0
    assert _entries(out) == ["a"]
    err = capsys.readouterr().err
    assert "1 removed as fixed, 0 added" in err and "1 new finding(s) not added" in err
    assert main(["baseline", str(tmp_path), "-o", str(out), "--accept-new"]) == 2
    assert "--reason" in capsys.readouterr().err
    assert main(["baseline", str(tmp_path), "-o", str(out), "--accept-new", "--reason", "SHOP-9"]) == 0
    doc = json.loads(out.read_text())
    assert {e["fingerprint"]: e["reason"] for e in doc["findings"]} == {"a": None, "n": "SHOP-9"}


def test_baseline_update_keeps_entries_of_unanalysed_files(tmp_path, monkeypatch, capsys):
    out = tmp_path / "b.json"
    state = {"errors": ()}

    def fake_collect(opts):
        kept = () if state["errors"] else (contract("a"),)
        return replace(sample_result(), findings=kept, errors=state["errors"], fixed=())

    check.setattr(monkeypatch, fake_collect)
    assert main(["baseline", str(tmp_path), "-o", str(out)]) == 0
    state["errors"] = (AnalysisError("shop/domain/models.py", "syntax error"),)
    assert main(["baseline", str(tmp_path), "-o", str(out), "--update"]) == 0
    assert _entries(out) == ["a"]  # not fixed: its file could not be analysed
    assert "not analysed: shop/domain/models.py" in capsys.readouterr().err


def test_baseline_update_without_file_and_bad_file(tmp_path, findings, capsys):
    assert main(["baseline", str(tmp_path), "--update"]) == 2
    assert "no baseline to update" in capsys.readouterr().err
    (tmp_path / "auditor-baseline.json").write_text("{\n oops")
    assert main(["baseline", str(tmp_path), "--update"]) == 2
    assert "auditor-baseline.json:2:" in capsys.readouterr().err


def test_baseline_refuses_incomplete_run(tmp_path, monkeypatch, capsys):
    def fake_collect(opts):
        r = sample_result()
        return replace(r, info=replace(r.info, incomplete=True, incomplete_reasons=("semgrep: timed out",)))

    check.setattr(monkeypatch, fake_collect)
    assert main(["baseline", str(tmp_path)]) == 1
    assert not (tmp_path / "auditor-baseline.json").exists()
    assert "semgrep: timed out" in capsys.readouterr().err


def _record(db, day, fs):
    r = sample_result()
    with History(db) as h:
        h.record_run(
            replace(
                r,
                findings=tuple(fs),
                info=replace(r.info, started_at=f"2026-11-0{day}T01:00:00", commit=f"c{day}"),
            )
        )


def test_history_text_and_json(tmp_path, capsys):
    db = tmp_path / ".auditor" / "history.sqlite"
    _record(db, 1, [contract("a")])
    _record(db, 2, [contract("a"), security("s", origin=Origin.AI)])
    _record(db, 3, [security("s", origin=Origin.AI)])
    assert main(["history", str(tmp_path), "--last", "2"]) == 0
    out = capsys.readouterr().out
    assert "last 2 run(s), oldest first" in out
    assert "layered" in out and "raw-sql-in-view" in out
    assert "2026-11-02  raw-sql-in-view  shop/api/views.py:10" in out
    assert main(["history", str(tmp_path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["by_rule"] for r in doc["runs"]] == [
        {"layered": 1},
        {"layered": 1, "raw-sql-in-view": 1},
        {"raw-sql-in-view": 1},
    ]
    assert [(f["fingerprint"], f["first_seen"]) for f in doc["open_findings"]] == [
        ("s", "2026-11-02T01:00:00")
    ]


def test_history_errors(tmp_path, capsys):
    assert main(["history", str(tmp_path)]) == 2
    assert "no history yet" in capsys.readouterr().err
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 200)
    assert main(["history", str(tmp_path), "--history", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.sqlite" in err and "--no-history" in err and "Traceback" not in err
