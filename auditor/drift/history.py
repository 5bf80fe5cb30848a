"""The run history: past runs, their findings and module metrics, in one database.

Two backends behind one port (history_store.py): the embedded SQLite file (the default, one per
repository) and a PostgreSQL server shared by many repositories. Runs are keyed by repository
identity (`repository`: the normalised remote URL, else the configured `project`) and a run key
(commit, time, nonce) that is unique, so a retried upload records a run once; every read is of
one repository's runs when a repository is given.

History is precious: an unreadable database is never rebuilt silently. Opening it fails with a
HistoryError naming the database and the fix; so is a fault found by any later read or write.
Each run is recorded in one transaction, so a run killed mid-write leaves the previous state
intact, and concurrent runs do not lose each other's work.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from auditor.domain.findings import Finding
from auditor.domain.guardrails import Guardrails
from auditor.domain.project_files import HISTORY_FILE as HISTORY_PATH
from auditor.domain.run import OriginCounts, RunInfo, RunResult
from auditor.domain.run_views import HistoryPoint, ModuleMetrics
from auditor.drift.guardrails.codec import dumps_guardrails, loads_guardrails
from auditor.drift.history_backends import open_store
from auditor.drift.history_errors import HistoryError, HistoryUnavailable, guarded
from auditor.drift.history_rows import FINDING_COLUMNS, FindingRow, finding_row, stored_row
from auditor.drift.history_schema import MIGRATIONS, SCHEMA_VERSION
from auditor.drift.history_store import HistoryStore, is_url

__all__ = ["SCHEMA_VERSION", "FindingRow", "History", "HistoryError", "HistoryUnavailable"]

HISTORY_FILE = Path(HISTORY_PATH)
CRASH_ENV = "AUDITOR_TEST_CRASH_AT"  # test hook: "history-write" kills the process mid-write

GUARDRAIL_SIZE_KEYS = ("contracts", "exceptions", "baseline_entries", "suppressions")
ApiSnapshot = Mapping[str, Sequence[tuple[str, str, str]]]  # module -> (qualname, kind, signature)


RUN_COLUMNS = (
    "repository", "run_key", "started_at", '"commit"', "branch", "base", "config_hash", "tool_version",
    "packs", "stages", "totals", "duration_s", "incomplete",
)  # fmt: skip


def default_history_path(root: Path) -> Path:
    return root / HISTORY_FILE


def new_run_key(info: RunInfo) -> str:
    """A run's unique key: its commit and start time, and a nonce (two runs of one commit in
    one second are two runs; one run uploaded twice is one)."""
    return f"{info.commit or '-'}@{info.started_at or _now()}#{uuid.uuid4().hex[:12]}"


class History:
    """Open with `History(location)` or `History.open(location)` (creates and migrates); a
    context manager. `location`: a SQLite file path or a `postgresql://` URL. `repository`:
    the identity whose runs this History records and reads (None: every run, recorded as '')."""

    @classmethod
    def open(cls, location: Path | str, *, inside: Path | None = None, repository: str | None = None) -> History:
        return cls(location, inside=inside, repository=repository)

    def __init__(
        self, location: Path | str, *, inside: Path | None = None, repository: str | None = None
    ) -> None:
        """`inside`: the project; no folder of a SQLite `location` below it may be a symlink."""
        self.path = location if is_url(location) else Path(location)
        self.repository = repository
        self._store: HistoryStore = open_store(location, inside=inside)
        try:
            self._store.migrate(MIGRATIONS)
            if repository and self._store.dialect == "sqlite":
                self._adopt_unnamed_runs(repository)
        except BaseException:
            self._store.close()
            raise

    @property
    def location(self) -> str:
        """Where the history is, fit to print (a URL without its password)."""
        return self._store.location

    @property
    def store(self) -> HistoryStore:
        return self._store

    @guarded
    def _adopt_unnamed_runs(self, repository: str) -> None:
        """A file written before runs had a repository holds that repository's runs."""
        if not self._store.fetch("SELECT 1 FROM runs WHERE repository = '' LIMIT 1"):
            return
        with self._store.transaction() as tx:
            tx.execute("UPDATE runs SET repository = ? WHERE repository = ''", (repository,))

    def _scope(self, column: str = "repository") -> tuple[str, tuple[object, ...]]:
        if self.repository is None:
            return "1 = 1", ()
        return f"{column} = ?", (self.repository,)

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing ----------------------------------------------------------------------------

    def record_run(
        self,
        result: RunResult,
        *,
        config_hash: str = "",
        api_snapshot: ApiSnapshot | None = None,
        before_commit: Callable[[], None] | None = None,
        run_key: str | None = None,
        guardrails: Guardrails | None = None,
    ) -> int:
        """Store the run, its findings, module metrics and surface API in one transaction; its id.

        `run_key` identifies the run (default: a new one): recording a run whose key this
        repository already has records nothing and returns that run's id (a retried upload).
        `before_commit` runs once everything is written, before COMMIT (e.g. swapping in the
        report): if it raises, nothing is recorded; if COMMIT fails, its effect is undone by
        the caller (the exception propagates)."""
        info = result.info
        totals = {
            "findings": len(result.findings),
            "fixed": len(result.fixed),
            "errors": len(result.errors),
            "by_status": _count(f.status.value for f in result.findings),
            "by_severity": _count(f.severity.value for f in result.findings),
        }
        started = info.started_at or _now()
        key = run_key or new_run_key(info)
        repository = self.repository or ""
        try:
            return self._record(
                result, started, key, repository, totals, config_hash, api_snapshot, before_commit, guardrails
            )
        except self._store.errors as exc:
            raise self._store.error(exc, "cannot record the run") from None

    def _record(
        self,
        result: RunResult,
        started: str,
        key: str,
        repository: str,
        totals: dict[str, object],
        config_hash: str,
        api_snapshot: ApiSnapshot | None,
        before_commit: Callable[[], None] | None,
        guardrails: Guardrails | None = None,
    ) -> int:
        info = result.info
        values = (
            repository, key, started, info.commit, info.branch, info.base, config_hash, info.tool_version,
            json.dumps([list(p) for p in info.packs]), json.dumps(dict(sorted(info.stages.items()))),
            json.dumps(totals, sort_keys=True), info.duration_s, int(info.incomplete),
        )  # fmt: skip
        with self._store.transaction() as tx:
            inserted = self._store.insert_run(tx, RUN_COLUMNS, values)
            if inserted is None:  # this run is recorded already
                found = tx.execute("SELECT id FROM runs WHERE repository = ? AND run_key = ?", (repository, key))
                if before_commit is not None:
                    before_commit()
                return int(found[0][0])
            run_id = inserted
            unique = {f.fingerprint: f for f in result.findings}
            carried = {f.fingerprint: f for f in result.carried if f.fingerprint not in unique}
            earlier = self._first_seen_times([*unique, *carried])
            rows = [(f, False) for f in unique.values()] + [(f, True) for f in carried.values()]
            finding_rows = []
            for f, was_carried in sorted(rows, key=lambda row: row[0].fingerprint):
                first_seen = _stored_first_seen(earlier.get(f.fingerprint), f.first_seen, started)
                finding_rows.append(stored_row(run_id, f, first_seen=first_seen, carried=was_carried))
            if finding_rows:
                tx.executemany(
                    f"INSERT INTO findings ({FINDING_COLUMNS}) VALUES ({', '.join('?' * 18)})", finding_rows[:1]
                )
                _maybe_crash("history-write")
                tx.executemany(
                    f"INSERT INTO findings ({FINDING_COLUMNS}) VALUES ({', '.join('?' * 18)})", finding_rows[1:]
                )
            lines = _lines_by_module(result.modules, result.attribution.files)
            metrics = []
            for m in result.modules:
                c = lines.get(m.name, OriginCounts())
                metrics.append((run_id, m.name, m.fan_in, m.fan_out, m.instability, int(m.in_cycle),
                                c.ai, c.human, c.mixed, c.unknown))  # fmt: skip
            tx.executemany("INSERT INTO module_metrics VALUES (?,?,?,?,?,?,?,?,?,?)", metrics)
            snapshot = {
                (module, qualname): (run_id, module, qualname, kind, signature)
                for module, names in sorted((api_snapshot or {}).items())
                for qualname, kind, signature in names
            }  # the last of a repeated name wins, as before
            tx.executemany("INSERT INTO api_snapshots VALUES (?,?,?,?,?)", list(snapshot.values()))
            if guardrails is not None:
                size = guardrails.size
                tx.executemany(
                    "INSERT INTO guardrails VALUES (?,?,?,?,?,?)",
                    [(run_id, size.contracts, size.exceptions, size.baseline_entries, size.suppressions,
                      dumps_guardrails(guardrails))],
                )  # fmt: skip
            if before_commit is not None:
                before_commit()
        return run_id

    # ---- reading ----------------------------------------------------------------------------

    @guarded
    def last_run_id(self) -> int | None:
        where, params = self._scope()
        rows = self._store.fetch(f"SELECT MAX(id) FROM runs WHERE {where}", params)
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    @guarded
    def run_count(self) -> int:
        where, params = self._scope()
        return int(self._store.fetch(f"SELECT COUNT(*) FROM runs WHERE {where}", params)[0][0])

    @guarded
    def previous_findings(self, before_run: int | None = None) -> dict[str, Finding]:
        """Findings of the latest run (before `before_run` when given), for `classify`."""
        return {fp: row.to_finding() for fp, row in self.previous_rows(before_run).items()}

    @guarded
    def previous_rows(self, before_run: int | None = None) -> dict[str, FindingRow]:
        """Findings of the latest run (before `before_run` when given): fingerprint -> row."""
        where, params = self._scope()
        if before_run is not None:
            where, params = f"{where} AND id < ?", (*params, before_run)
        rows = self._store.fetch(f"SELECT MAX(id) FROM runs WHERE {where}", params)
        if not rows or rows[0][0] is None:
            return {}
        return {r.fingerprint: r for r in self._rows("WHERE run_id = ?", (int(rows[0][0]),))}

    @guarded
    def previous_commit(self) -> str | None:
        where, params = self._scope()
        rows = self._store.fetch(f'SELECT "commit" FROM runs WHERE {where} ORDER BY id DESC LIMIT 1', params)
        return rows[0][0] if rows else None

    @guarded
    def previous_api_snapshot(self) -> dict[str, list[tuple[str, str, str]]]:
        """The surface API recorded with the latest run that has one ({} when none)."""
        where, params = self._scope("r.repository")
        rows = self._store.fetch(
            f"SELECT MAX(a.run_id) FROM api_snapshots a JOIN runs r ON r.id = a.run_id WHERE {where}", params
        )
        if not rows or rows[0][0] is None:
            return {}
        snapshot: dict[str, list[tuple[str, str, str]]] = {}
        for module, qualname, kind, signature in self._store.fetch(
            "SELECT module, qualname, kind, signature FROM api_snapshots WHERE run_id = ?"
            " ORDER BY module, qualname",
            (rows[0][0],),
        ):
            snapshot.setdefault(module, []).append((qualname, kind, signature))
        return snapshot

    @guarded
    def previous_guardrails(self) -> tuple[Guardrails | None, str | None]:
        """The guardrails recorded with this repository's latest run that has them, and that run's commit."""
        where, params = self._scope("r.repository")
        rows = self._store.fetch(
            f'SELECT g.snapshot, r."commit" FROM guardrails g JOIN runs r ON r.id = g.run_id WHERE {where}'
            " ORDER BY g.run_id DESC LIMIT 1",
            params,
        )
        return (loads_guardrails(rows[0][0]), rows[0][1]) if rows else (None, None)

    @guarded
    def first_seen(self, fingerprint: str) -> str | None:
        return self._first_seen_times([fingerprint]).get(fingerprint)

    @guarded
    def first_seen_dates(self, fingerprints: Iterable[str]) -> dict[str, str]:
        """fingerprint -> ISO date (UTC) of the first recorded run it appeared in; fingerprints
        never recorded are left out."""
        return {fp: seen[:10] for fp, seen in self._first_seen_times(fingerprints).items()}

    def _first_seen_times(self, fingerprints: Iterable[str]) -> dict[str, str]:
        """fingerprint -> start time of its first recorded run, in one query for any number."""
        wanted = sorted(set(fingerprints))
        if not wanted:
            return {}
        among, values = self._store.any_of("f.fingerprint", wanted)
        where, params = self._scope("r.repository")
        rows = self._store.fetch(
            "SELECT f.fingerprint, MIN(f.first_seen) FROM findings f JOIN runs r ON r.id = f.run_id"
            f" WHERE {among} AND {where} GROUP BY f.fingerprint",
            (values, *params),
        )
        return {fp: seen for fp, seen in rows}

    @guarded
    def open_findings(self) -> list[FindingRow]:
        """The latest run's findings (each with its first-seen date), oldest first."""
        latest = self.last_run_id()
        if latest is None:
            return []
        rows = self._rows("WHERE run_id = ?", (latest,))
        return sorted(rows, key=lambda r: (r.first_seen, r.rule, r.path or "", r.fingerprint))

    @guarded
    def trend(self, last_n: int = 10) -> list[HistoryPoint]:
        """The last `last_n` runs, oldest first, with counts per rule and per origin."""
        where, params = self._scope()
        runs = self._store.fetch(
            f'SELECT id, started_at, "commit" FROM runs WHERE {where} ORDER BY id DESC LIMIT ?',
            (*params, max(last_n, 0)),
        )
        if not runs:
            return []
        among, ids = self._store.any_of("run_id", [int(r[0]) for r in runs])
        by_rule: dict[int, dict[str, int]] = {}
        by_origin: dict[int, dict[str, int]] = {}
        for run_id, rule, origin, n in self._store.fetch(
            f"SELECT run_id, rule, origin, COUNT(*) FROM findings WHERE {among}"
            " GROUP BY run_id, rule, origin ORDER BY run_id, rule, origin",
            (ids,),
        ):
            rules = by_rule.setdefault(run_id, {})
            rules[rule] = rules.get(rule, 0) + int(n)
            origins = by_origin.setdefault(run_id, {})
            origins[origin] = origins.get(origin, 0) + int(n)
        sizes: dict[int, dict[str, int]] = {
            int(row[0]): dict(zip(GUARDRAIL_SIZE_KEYS, (int(n) for n in row[1:]), strict=True))
            for row in self._store.fetch(
                f"SELECT run_id, {', '.join(GUARDRAIL_SIZE_KEYS)} FROM guardrails WHERE {among}", (ids,)
            )
        }
        points = []
        for run_id, started_at, commit in reversed(runs):
            rules = dict(sorted(by_rule.get(run_id, {}).items()))
            origins = dict(sorted(by_origin.get(run_id, {}).items()))
            points.append(
                HistoryPoint(
                    int(run_id), started_at, commit, rules, origins, sum(rules.values()), sizes.get(int(run_id), {})
                )
            )
        return points

    def _rows(self, where: str, params: Sequence[object]) -> list[FindingRow]:
        rows = self._store.fetch(f"SELECT {FINDING_COLUMNS} FROM findings {where}", tuple(params))
        return [finding_row(row) for row in rows]



HistoryDb = History  # the name the pipeline uses


def _count(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _stored_first_seen(recorded: str | None, carried: str | None, started: str) -> str:
    """What a finding's row stores as first seen: the earliest recorded time of its fingerprint,
    else the date it carries when that lies before this run (a finding followed across a
    rename), else this run's start."""
    if recorded:
        return recorded
    return carried if carried and carried < started[:10] else started


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _lines_by_module(
    modules: Sequence[ModuleMetrics], files: dict[str, OriginCounts]
) -> dict[str, OriginCounts]:
    """Attributed lines per metrics module: a file counts for the module its dotted path falls in."""
    totals: dict[str, list[int]] = {}
    names = sorted((m.name for m in modules), key=len, reverse=True)
    for path, c in files.items():
        dotted = "." + path.removesuffix(".py").replace("/", ".") + "."
        for name in names:
            if f".{name}." in dotted:
                t = totals.setdefault(name, [0, 0, 0, 0])
                for i, v in enumerate((c.ai, c.human, c.mixed, c.unknown)):
                    t[i] += v
                break
    return {k: OriginCounts(*v) for k, v in totals.items()}


def _maybe_crash(point: str) -> None:
    """Test hook: die without cleanup at `point` when AUDITOR_TEST_CRASH_AT names it."""
    if os.environ.get(CRASH_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
