"""One codec turns a Finding into plain data and back (auditor.domain.finding_codec); the JSON
report, history rows and baseline entries all go through it."""

from __future__ import annotations

import dataclasses
import json

from auditor.domain import ChainHop, Finding, FindingKind, Origin, Severity, Status
from auditor.domain.finding_codec import finding_from_dict, finding_to_dict
from auditor.drift.baseline import entry_for
from auditor.drift.history_rows import FINDING_COLUMNS, finding_row, stored_row
from auditor.report.writers import jsonreport

FULL = Finding(
    fingerprint="fp1", rule="layers", kind=FindingKind.CONTRACT, severity=Severity.ERROR,
    message="a imports b", path="pkg/a.py", line=3, end_line=4, status=Status.PERSISTING,
    origin=Origin.AI, agent="claude", model="opus", commit="c0ffee", author="Ann", evidence="marker",
    owner="@team", cwe=("CWE-89",), owasp=("A03",), chain=(ChainHop("pkg.a", "pkg.b", 3),),
    guidance="use the service", importer="pkg.a", imported="pkg.b", import_kind="toplevel",
    layers=("api",), surfaces=("public",), snippet="import pkg.b", suppressed_by=None,
    first_seen="2026-01-01", extra=(("k", "v"),),
)  # fmt: skip


def test_every_field_round_trips_through_json() -> None:
    data = json.loads(json.dumps(finding_to_dict(FULL)))
    assert set(data) == {f.name for f in dataclasses.fields(Finding)}
    assert finding_from_dict(data) == FULL


def test_missing_optional_fields_take_the_defaults() -> None:
    minimal = {"fingerprint": "x", "rule": "r", "kind": "security", "severity": "warning"}
    assert finding_from_dict(minimal) == Finding("x", "r", FindingKind.SECURITY, Severity.WARNING, "")


def test_json_report_uses_the_codec() -> None:
    assert jsonreport.finding_to_dict is finding_to_dict and jsonreport.finding_from_dict is finding_from_dict


def test_history_row_keeps_what_it_stores() -> None:
    row = stored_row(7, FULL, first_seen="2025-12-31", carried=True)
    assert len(row) == len(FINDING_COLUMNS.split(","))
    stored = finding_row(row)
    assert (stored.run_id, stored.first_seen, stored.carried) == (7, "2025-12-31", True)
    kept = ("fingerprint", "rule", "kind", "severity", "message", "path", "line", "status", "origin", "agent",
            "model", "owner", "importer", "imported", "snippet")  # fmt: skip
    assert stored.to_finding() == Finding(**{k: getattr(FULL, k) for k in kept})


def test_baseline_entry_keeps_identity_and_import_ends() -> None:
    entry = entry_for(FULL, "accepted", "2026-02-02")
    assert (entry.reason, entry.added, entry.kind, entry.severity) == ("accepted", "2026-02-02", "contract", "error")
    kept = ("fingerprint", "rule", "kind", "severity", "message", "path", "importer", "imported")
    assert entry.to_finding() == Finding(**{k: getattr(FULL, k) for k in kept}, status=Status.BASELINED)
