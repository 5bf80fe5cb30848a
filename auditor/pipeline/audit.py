"""`auditor audit`: the nightly run — full analysis, baseline + previous run, report dir, history."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.domain import Finding, Status
from auditor.domain.errors import GitError, UsageError
from auditor.domain.run import RunResult
from auditor.drift.classify import Classification, Unseen, classify, merge_statuses
from auditor.drift.history import History, HistoryDb
from auditor.drift.renames import match_with_renames, rename_map
from auditor.pipeline.analysis import analyse, to_result
from auditor.pipeline.check import apply_baseline
from auditor.pipeline.options import RunOptions
from auditor.support.git import head_info

REPORT_FILES = ("index.html", "report.json", "report.sarif")
# test hook (tests/test_faults_signals.py): pause at "before-report" or "report-staged"
PAUSE_ENV = "AUDITOR_TEST_PAUSE_AT"


def _test_pause(point: str) -> None:
    """Test hook: announce `point` on stderr and sleep there, so a test can signal the run."""
    if os.environ.get(PAUSE_ENV) == point:
        print(f"auditor: test pause at {point}", file=sys.stderr, flush=True)
        time.sleep(120)


def default_history_path(opts: RunOptions) -> Path:
    return opts.root / ".auditor" / "history.sqlite"


def run_audit(
    opts: RunOptions,
    *,
    out_dir: Path,
    history_path: Path | None = None,
    record_history: bool = True,
    config: AuditorConfig | None = None,
) -> RunResult:
    """Analyse, classify (baseline, previous run), write the report dir atomically, record the run."""
    started = time.perf_counter()
    analysis = analyse(opts, config=config)
    findings, fixed = apply_baseline(opts, analysis)
    commit, branch = head_info(opts.root)

    history = None
    if record_history:
        history = HistoryDb.open(history_path or default_history_path(opts))
    try:
        renamed: dict[str, str] = {}
        carried: list[Finding] = []
        if history is not None:
            findings, fixed, renamed, carried = _against_previous(
                opts.root, findings, fixed, history, analysis.unseen()
            )
        result = to_result(
            analysis, opts, findings=findings, fixed=fixed, commit=commit, branch=branch, started=started
        )
        result = dataclasses.replace(result, carried=tuple(carried))
        if history is not None:
            result = dataclasses.replace(result, history=tuple(history.trend(30)))
            result = _with_first_seen(result, history, renamed)
            result = _with_api_changes(result, analysis, history)
        _test_pause("before-report")
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
    root: Path, findings: list[Finding], fixed: list[Finding], history: History, unseen: Unseen
) -> tuple[list[Finding], list[Finding], dict[str, str], list[Finding]]:
    """Findings new to the baseline but seen in the previous run are `persisting`; previous
    findings now gone are `fixed`. Files renamed since the previous run's commit are followed:
    the third value maps the fingerprints of renamed findings to their previous ones. Previous
    findings this run could not see (`unseen`: --no-semgrep, files not analysed) are neither
    fixed nor dropped: the fourth value carries them into this run's history."""
    previous = history.previous_findings()
    if not previous:
        return findings, fixed, {}, []
    before = history.previous_commit()
    renames: dict[str, str] = {}
    if before:
        try:
            renames = rename_map(root, before)
        except GitError:
            renames = {}  # previous commit unknown here (not git, or history rewritten)
    renamed = match_with_renames(findings, previous, renames)
    by_previous = classify(findings, previous, status_if_known=Status.PERSISTING, matched=renamed, unseen=unseen)
    merged = merge_statuses(Classification(tuple(findings), tuple(fixed)), by_previous)
    paired = {f.fingerprint for f in findings} | set(renamed.values())
    carried = [f for fp, f in sorted(previous.items()) if fp not in paired and unseen(f)]
    return list(merged.findings), list(merged.fixed), renamed, carried


def _with_first_seen(result: RunResult, history: History, renamed: Mapping[str, str]) -> RunResult:
    """Each finding's first-seen date: that of the first recorded run with its fingerprint (or,
    for a renamed finding, with its previous one), else this run's; a fixed finding gets only a
    recorded date. One history query for all of them."""
    current = [f.fingerprint for f in (*result.findings, *result.fixed)]
    seen = history.first_seen_dates([*current, *renamed.values()])

    def first(fp: str) -> str | None:
        dates = [d for d in (seen.get(fp), seen.get(renamed.get(fp, ""))) if d]
        return min(dates, default=None)

    today = result.info.started_at[:10]
    return dataclasses.replace(
        result,
        findings=tuple(
            dataclasses.replace(f, first_seen=first(f.fingerprint) or today) for f in result.findings
        ),
        fixed=tuple(dataclasses.replace(f, first_seen=first(f.fingerprint)) for f in result.fixed),
    )


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
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes 0700; a report directory is as readable as any other
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
        _test_pause("report-staged")
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
    except BaseException as exc:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):  # a full disk, a read-only directory: one line, exit 2
            raise UsageError(
                f"cannot write the report to {out_dir}: {exc.strerror or exc}; the previous report is unchanged"
            ) from None
        raise
