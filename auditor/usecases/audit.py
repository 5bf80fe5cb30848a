"""`auditor audit`: the nightly run — full analysis, baseline + previous run, report dir, history."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from auditor.config.model import AuditorConfig
from auditor.domain import Finding, FindingKind, Status
from auditor.domain.errors import GitError
from auditor.domain.run import RunResult
from auditor.drift.classify import Classification, Unseen, classify, merge_statuses
from auditor.drift.history import History, HistoryDb, new_run_key
from auditor.drift.history_errors import HistoryUnavailable
from auditor.drift.renames import match_with_renames, rename_map
from auditor.pipeline.analysis import analyse, to_result
from auditor.pipeline.history_target import resolve_history
from auditor.pipeline.options import RunOptions
from auditor.support.safe_files import WriteError
from auditor.support.staged_folder import StagedFolder
from auditor.usecases.check import apply_baseline
from auditor.usecases.guardrail_audit import (
    current_guardrails,
    exempted_since_last_run,
    guardrail_findings_since_last_run,
)

REPORT_FILES = ("index.html", "report.json", "report.sarif")
# test hook (tests/test_faults_signals.py): pause at "before-report" or "report-staged"
PAUSE_ENV = "AUDITOR_TEST_PAUSE_AT"


def _test_pause(point: str) -> None:
    """Test hook: announce `point` on stderr and sleep there, so a test can signal the run."""
    if os.environ.get(PAUSE_ENV) == point:
        print(f"auditor: test pause at {point}", file=sys.stderr, flush=True)
        time.sleep(120)


def run_audit(
    opts: RunOptions,
    *,
    out_dir: Path,
    history_location: Path | str | None = None,
    record_history: bool = True,
    config: AuditorConfig | None = None,
) -> RunResult:
    """Analyse, classify (baseline, previous run), write the report dir atomically, record the run.

    A history server that is down or refuses (HistoryUnavailable) costs the comparison with the
    previous run and the recording, nothing else: the report is written, says the run was not
    recorded (`recorded: false` and a warning in every output), and the verdict stands."""
    started = time.perf_counter()
    StagedFolder(out_dir, REPORT_FILES, inside=opts.root).check()  # a bad --out fails before the work
    analysis = analyse(opts, config=config)
    findings, fixed = apply_baseline(opts, analysis)
    commit, branch = analysis.commit_and_branch(opts.root)

    history: History | None = None
    unavailable: HistoryUnavailable | None = None
    if record_history:
        target = resolve_history(opts.root, str(history_location) if history_location else None, config)
        try:
            history = HistoryDb.open(target.location, inside=opts.root, repository=target.repository)
        except HistoryUnavailable as exc:
            unavailable = exc
    try:
        renamed: dict[str, str] = {}
        carried: list[Finding] = []
        if history is not None:
            try:
                findings, fixed, renamed, carried = _against_previous(
                    opts.root, findings, fixed, history, analysis.unseen()
                )
            except HistoryUnavailable as exc:  # the server went away: as if it was down from the start
                history.close()
                history, unavailable = None, exc
        # guardrail integrity: what changed in the rules themselves since the last run
        guardrails = current_guardrails(opts, analysis)
        try:
            changes = guardrail_findings_since_last_run(opts, analysis, history, guardrails)
        except HistoryUnavailable as exc:
            assert history is not None
            history.close()
            history, unavailable = None, exc
            changes = guardrail_findings_since_last_run(opts, analysis, None, guardrails)
        findings = [*exempted_since_last_run(analysis, findings, changes), *changes]
        result = to_result(
            analysis, opts, findings=findings, fixed=fixed, commit=commit, branch=branch, started=started
        )
        result = dataclasses.replace(result, carried=tuple(carried), guardrails=guardrails.size)
        if history is not None:
            try:
                result = dataclasses.replace(result, history=tuple(history.trend(30)))
                result = _with_first_seen(result, history, renamed)
                result = _with_api_changes(result, analysis, history)
                result = _marked(result, recorded=True)
            except HistoryUnavailable as exc:
                history.close()
                history, unavailable = None, exc
        if unavailable is not None:
            result = _not_recorded(result, unavailable)
        _test_pause("before-report")
        run_key = new_run_key(result.info)
        try:
            with staged_report_dir(result, out_dir, inside=opts.root) as staged:
                _test_pause("report-staged")
                if history is None:
                    staged.publish()
                else:  # the report is swapped in only if the run is recorded, and stays only if it is
                    history.record_run(
                        result,
                        api_snapshot=_api_snapshot(analysis),
                        before_commit=staged.publish,
                        run_key=run_key,
                        guardrails=guardrails,
                    )
        except HistoryUnavailable as exc:  # the server went away: the report says so, and is written
            result = _not_recorded(result, exc)
            with staged_report_dir(result, out_dir, inside=opts.root) as staged:
                staged.publish()
            return result
        if history is not None:
            result = dataclasses.replace(result, history=tuple(history.trend(30)))
    finally:
        if history is not None:
            history.close()
    return result


def _marked(result: RunResult, *, recorded: bool, warning: str | None = None) -> RunResult:
    warnings = result.info.warnings + ((warning,) if warning else ())
    return dataclasses.replace(result, info=dataclasses.replace(result.info, recorded=recorded, warnings=warnings))


def _not_recorded(result: RunResult, exc: HistoryUnavailable) -> RunResult:
    return _marked(result, recorded=False, warning=f"run not recorded in the history: {exc}")


def _against_previous(
    root: Path, findings: list[Finding], fixed: list[Finding], history: History, unseen: Unseen
) -> tuple[list[Finding], list[Finding], dict[str, str], list[Finding]]:
    """Findings new to the baseline but seen in the previous run are `persisting`; previous
    findings now gone are `fixed`. Files renamed since the previous run's commit are followed:
    the third value maps the fingerprints of renamed findings to their previous ones. Previous
    findings this run could not see (`unseen`: --no-semgrep, files not analysed) are neither
    fixed nor dropped: the fourth value carries them into this run's history."""
    # a guardrail finding reports a change between two runs: it is never carried or fixed
    previous = {fp: f for fp, f in history.previous_findings().items() if f.kind is not FindingKind.GUARDRAIL}
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


@contextlib.contextmanager
def staged_report_dir(
    result: RunResult, out_dir: Path, *, inside: Path | None = None
) -> Iterator[StagedFolder]:
    """index.html, report.json and report.sarif staged beside out_dir, all or nothing.

    The caller calls `publish()` to swap them in; an exception (full disk, a writer error, a
    signal, a failed history write) before the block ends leaves the previous report untouched.
    out_dir must be absent or a folder holding only report files (see StagedFolder).
    """
    from auditor.report import render
    from auditor.report.html import render_html

    try:
        with StagedFolder(out_dir, REPORT_FILES, inside=inside) as staged:
            staged.write("index.html", render_html(result))
            staged.write("report.json", render(result, "json"))
            staged.write("report.sarif", render(result, "sarif"))
            yield staged
    except OSError as exc:  # a full disk, a read-only directory: one line, exit 2
        raise WriteError(
            f"cannot write the report to {out_dir}: {exc.strerror or exc}; the previous report is unchanged"
        ) from None

