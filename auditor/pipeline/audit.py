"""`auditor audit`: the nightly run — full analysis, baseline + previous run, report dir, history."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
import time
from pathlib import Path

from auditor.domain import Finding, Status
from auditor.domain.errors import UsageError
from auditor.domain.run import RunResult
from auditor.pipeline.analysis import analyse, to_result
from auditor.pipeline.check import apply_baseline
from auditor.pipeline.options import RunOptions
from auditor.support.git import head_info

REPORT_FILES = ("index.html", "report.json", "report.sarif")


def default_history_path(opts: RunOptions) -> Path:
    return opts.root / ".auditor" / "history.sqlite"


def run_audit(
    opts: RunOptions,
    *,
    out_dir: Path,
    history_path: Path | None = None,
    record_history: bool = True,
) -> RunResult:
    """Analyse, classify (baseline, previous run), write the report dir atomically, record the run."""
    from auditor.drift.history import HistoryDb

    started = time.perf_counter()
    analysis = analyse(opts)
    findings, fixed = apply_baseline(opts, analysis)
    commit, branch = head_info(opts.root)

    history = None
    if record_history:
        history = HistoryDb.open(history_path or default_history_path(opts))
    try:
        previous: dict[str, Finding] = history.previous_findings() if history else {}
        findings, fixed = _against_previous(findings, fixed, previous)
        result = to_result(
            analysis, opts, findings=findings, fixed=fixed, commit=commit, branch=branch, started=started
        )
        if history is not None:
            result = dataclasses.replace(result, history=tuple(history.trend(30)))
            result = _with_api_changes(result, analysis, history)
        write_report_dir(result, out_dir)
        if history is not None:
            run_id = history.record_run(result, api_snapshot=_api_snapshot(analysis))
            result = dataclasses.replace(result, history=tuple(history.trend(30)))
            del run_id
    finally:
        if history is not None:
            history.close()
    return result


def _against_previous(
    findings: list[Finding], fixed: list[Finding], previous: dict[str, Finding]
) -> tuple[list[Finding], list[Finding]]:
    """New findings also seen in the previous run are `persisting`; previous ones now gone are fixed."""
    current = {f.fingerprint for f in findings}
    out = [
        dataclasses.replace(f, status=Status.PERSISTING)
        if f.status is Status.NEW and f.fingerprint in previous
        else f
        for f in findings
    ]
    known_fixed = {f.fingerprint for f in fixed}
    gone = [
        dataclasses.replace(f, status=Status.FIXED)
        for fp, f in sorted(previous.items())
        if fp not in current and fp not in known_fixed
    ]
    return out, [dataclasses.replace(f, status=Status.FIXED) for f in fixed] + gone


def _api_snapshot(analysis: object) -> dict[str, list[tuple[str, str, str]]]:
    from auditor.pipeline.surfaces import api_snapshot

    return api_snapshot(analysis)  # type: ignore[arg-type]


def _with_api_changes(result: RunResult, analysis: object, history: object) -> RunResult:
    from auditor.pipeline.surfaces import api_changes

    changes = api_changes(analysis, history.previous_api_snapshot())  # type: ignore[attr-defined, arg-type]
    return dataclasses.replace(result, api_changes=tuple(changes))


def write_report_dir(result: RunResult, out_dir: Path) -> None:
    """Write index.html, report.json and report.sarif into out_dir, all or nothing.

    Files are written into a sibling temporary directory, then swapped in by rename; a failure
    (full disk, a writer error, a signal) leaves the previous report untouched.
    """
    from auditor.report import render
    from auditor.report.html import render_html

    out_dir = out_dir.resolve()
    if out_dir.exists():
        foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in REPORT_FILES)
        if foreign or not out_dir.is_dir():
            raise UsageError(
                f"--out {out_dir}: exists and is not an auditor report directory "
                f"(holds {', '.join(foreign[:3]) or 'a file'}); choose an empty or report directory"
            )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        contents = {
            "index.html": render_html(result),
            "report.json": render(result, "json"),
            "report.sarif": render(result, "sarif"),
        }
        for name, text in contents.items():
            with open(tmp / name, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        if out_dir.exists():
            out_dir.rename(old)
        try:
            tmp.rename(out_dir)
        except BaseException:
            if old.exists():
                old.rename(out_dir)
            raise
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp, ignore_errors=True)
        raise
