"""The run history: an embedded SQLite database of past runs, their findings and module metrics.

History is precious: an unreadable database is never rebuilt silently. Opening it fails with a
HistoryError naming the file and the fix (move it aside, or run with --no-history); so is a
damaged page found by any later read or write, and a database that cannot be written. Each run
is recorded in one BEGIN IMMEDIATE transaction, so a run killed mid-write leaves the previous
state intact, and concurrent runs wait for each other (busy timeout).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.domain.findings import Finding, FindingKind, Origin, Severity, Status
from auditor.domain.guardrails import Guardrails
from auditor.domain.run import HistoryPoint, ModuleMetrics, OriginCounts, RunResult
from auditor.drift.guardrails.codec import dumps_guardrails, loads_guardrails
from auditor.drift.history_errors import HistoryError, guarded, history_error
from auditor.drift.history_schema import MIGRATIONS, SCHEMA_VERSION
from auditor.support.safe_files import refuse_links_inside
from auditor.support.sqlitedb import DatabaseUnwritable, SqliteDb

HISTORY_FILE = Path(".auditor") / "history.sqlite"
CRASH_ENV = "AUDITOR_TEST_CRASH_AT"  # test hook: "history-write" kills the process mid-write

GUARDRAIL_SIZE_KEYS = ("contracts", "exceptions", "baseline_entries", "suppressions")
ApiSnapshot = Mapping[str, Sequence[tuple[str, str, str]]]  # module -> (qualname, kind, signature)


FINDING_COLUMNS = (
    "run_id, fingerprint, rule, kind, severity, origin, agent, owner, status, path, line, message,"
    " first_seen, importer, imported, snippet, carried"
)


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding of a past run, as stored."""

    run_id: int
    fingerprint: str
    rule: str
    kind: str
    severity: str
    origin: str
    agent: str | None
    owner: str | None
    status: str
    path: str | None
    line: int | None
    message: str
    first_seen: str
    importer: str | None = None
    imported: str | None = None
    snippet: str | None = None
    carried: bool = False  # not checked by its run (its stage did not run): carried from the run before

    def to_finding(self) -> Finding:
        return Finding(
            fingerprint=self.fingerprint,
            rule=self.rule,
            kind=FindingKind(self.kind),
            severity=Severity(self.severity),
            message=self.message,
            path=self.path,
            line=self.line,
            status=Status(self.status),
            origin=Origin(self.origin),
            agent=self.agent,
            owner=self.owner,
            importer=self.importer,
            imported=self.imported,
            snippet=self.snippet,
        )


def default_history_path(root: Path) -> Path:
    return root / HISTORY_FILE


class History:
    """Open with `History(path)` or `History.open(path)` (creates and migrates); a context manager."""

    @classmethod
    def open(cls, path: Path, *, inside: Path | None = None) -> History:
        return cls(path, inside=inside)

    def __init__(self, path: Path, *, inside: Path | None = None) -> None:
        """`inside`: the project; no folder of `path` below it may be a symlink."""
        self.path = path
        refuse_links_inside(path, inside)
        try:
            self._db = SqliteDb(path, "", recreate_if_corrupt=False, owned_folder=False)
            self._db.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise history_error(exc, path) from None
        except DatabaseUnwritable as exc:
            raise HistoryError(
                f"cannot write the history database ({exc.reason}); make it and its folder writable,"
                " or run with --no-history",
                str(path),
            ) from None
        except OSError as exc:
            raise HistoryError(f"cannot open history database: {exc}", str(path)) from None

    def _migrate(self) -> None:
        with self._db.transaction() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise HistoryError(
                    f"history schema {version} is newer than this auditor's ({SCHEMA_VERSION}); upgrade auditor",
                    str(self.path),
                )
            for steps in MIGRATIONS[version:]:
                for statement in steps:
                    conn.execute(statement)
            if version != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing ----------------------------------------------------------------------------

    @guarded
    def record_run(
        self,
        result: RunResult,
        *,
        config_hash: str = "",
        api_snapshot: ApiSnapshot | None = None,
        before_commit: Callable[[], None] | None = None,
        guardrails: Guardrails | None = None,
    ) -> int:
        """Store the run, its findings, module metrics and surface API in one transaction.

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
        try:
            with self._db.transaction() as conn:
                cur = conn.execute(
                    'INSERT INTO runs (started_at, "commit", branch, base, config_hash, tool_version,'
                    " packs, stages, totals, duration_s, incomplete) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        started,
                        info.commit,
                        info.branch,
                        info.base,
                        config_hash,
                        info.tool_version,
                        json.dumps([list(p) for p in info.packs]),
                        json.dumps(dict(sorted(info.stages.items()))),
                        json.dumps(totals, sort_keys=True),
                        info.duration_s,
                        int(info.incomplete),
                    ),
                )
                run_id = int(cur.lastrowid or 0)
                unique = {f.fingerprint: f for f in result.findings}
                carried = {f.fingerprint: f for f in result.carried if f.fingerprint not in unique}
                earlier = self._first_seen_times([*unique, *carried])
                rows = [(f, False) for f in unique.values()] + [(f, True) for f in carried.values()]
                for n, (f, was_carried) in enumerate(sorted(rows, key=lambda row: row[0].fingerprint)):
                    if n == 1:
                        _maybe_crash("history-write")
                    conn.execute(
                        f"INSERT INTO findings ({FINDING_COLUMNS}) VALUES ({', '.join('?' * 17)})",
                        (
                            run_id,
                            f.fingerprint,
                            f.rule,
                            f.kind.value,
                            f.severity.value,
                            f.origin.value,
                            f.agent,
                            f.owner,
                            f.status.value,
                            f.path,
                            f.line,
                            f.message,
                            _stored_first_seen(earlier.get(f.fingerprint), f.first_seen, started),
                            f.importer,
                            f.imported,
                            f.snippet,
                            int(was_carried),
                        ),
                    )
                lines = _lines_by_module(result.modules, result.attribution.files)
                for m in result.modules:
                    c = lines.get(m.name, OriginCounts())
                    conn.execute(
                        "INSERT INTO module_metrics VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (run_id, m.name, m.fan_in, m.fan_out, m.instability, int(m.in_cycle),
                         c.ai, c.human, c.mixed, c.unknown),
                    )  # fmt: skip
                conn.executemany(
                    "INSERT OR REPLACE INTO api_snapshots VALUES (?,?,?,?,?)",
                    [
                        (run_id, module, qualname, kind, signature)
                        for module, names in sorted((api_snapshot or {}).items())
                        for qualname, kind, signature in names
                    ],
                )
                if guardrails is not None:
                    size = guardrails.size
                    conn.execute(
                        "INSERT INTO guardrails VALUES (?,?,?,?,?,?)",
                        (run_id, size.contracts, size.exceptions, size.baseline_entries, size.suppressions,
                         dumps_guardrails(guardrails)),
                    )  # fmt: skip
                if before_commit is not None:
                    before_commit()
        except sqlite3.DatabaseError as exc:
            error = history_error(exc, self.path)
            raise HistoryError(f"cannot record the run: {error.message}", str(self.path)) from None
        return run_id

    # ---- reading ----------------------------------------------------------------------------

    @guarded
    def last_run_id(self) -> int | None:
        row = self._db.conn.execute("SELECT MAX(id) FROM runs").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    @guarded
    def previous_findings(self, before_run: int | None = None) -> dict[str, Finding]:
        """Findings of the latest run (before `before_run` when given), for `classify`."""
        return {fp: row.to_finding() for fp, row in self.previous_rows(before_run).items()}

    @guarded
    def previous_rows(self, before_run: int | None = None) -> dict[str, FindingRow]:
        """Findings of the latest run (before `before_run` when given): fingerprint -> row."""
        query = "SELECT MAX(id) FROM runs" + (" WHERE id < ?" if before_run is not None else "")
        row = self._db.conn.execute(query, () if before_run is None else (before_run,)).fetchone()
        if not row or row[0] is None:
            return {}
        return {r.fingerprint: r for r in self._rows("WHERE run_id = ?", (int(row[0]),))}

    @guarded
    def previous_commit(self) -> str | None:
        row = self._db.conn.execute('SELECT "commit" FROM runs ORDER BY id DESC LIMIT 1').fetchone()
        return row[0] if row else None

    @guarded
    def previous_api_snapshot(self) -> dict[str, list[tuple[str, str, str]]]:
        """The surface API recorded with the latest run that has one ({} when none)."""
        conn = self._db.conn
        row = conn.execute("SELECT MAX(run_id) FROM api_snapshots").fetchone()
        if not row or row[0] is None:
            return {}
        snapshot: dict[str, list[tuple[str, str, str]]] = {}
        for module, qualname, kind, signature in conn.execute(
            "SELECT module, qualname, kind, signature FROM api_snapshots WHERE run_id = ?"
            " ORDER BY module, qualname",
            (row[0],),
        ):
            snapshot.setdefault(module, []).append((qualname, kind, signature))
        return snapshot

    @guarded
    def previous_guardrails(self) -> tuple[Guardrails | None, str | None]:
        """The guardrails recorded with the latest run that has them, and that run's commit."""
        row = self._db.conn.execute(
            'SELECT g.snapshot, r."commit" FROM guardrails g JOIN runs r ON r.id = g.run_id'
            " ORDER BY g.run_id DESC LIMIT 1"
        ).fetchone()
        return (loads_guardrails(row[0]), row[1]) if row else (None, None)

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
        wanted = json.dumps(sorted(set(fingerprints)))
        if wanted == "[]":
            return {}
        rows = self._db.conn.execute(
            "SELECT fingerprint, MIN(first_seen) FROM findings"
            " WHERE fingerprint IN (SELECT value FROM json_each(?)) GROUP BY fingerprint",
            (wanted,),
        )
        return dict(rows.fetchall())

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
        runs = self._db.conn.execute(
            'SELECT id, started_at, "commit" FROM runs ORDER BY id DESC LIMIT ?', (max(last_n, 0),)
        ).fetchall()
        points = []
        for run_id, started_at, commit in reversed(runs):
            by_rule = dict(
                self._db.conn.execute(
                    "SELECT rule, COUNT(*) FROM findings WHERE run_id = ? GROUP BY rule ORDER BY rule",
                    (run_id,),
                ).fetchall()
            )
            by_origin = dict(
                self._db.conn.execute(
                    "SELECT origin, COUNT(*) FROM findings WHERE run_id = ? GROUP BY origin ORDER BY origin",
                    (run_id,),
                ).fetchall()
            )
            size = self._db.conn.execute(
                "SELECT contracts, exceptions, baseline_entries, suppressions FROM guardrails WHERE run_id = ?",
                (run_id,),
            ).fetchone()
            sizes = dict(zip(GUARDRAIL_SIZE_KEYS, size, strict=True)) if size else {}
            points.append(
                HistoryPoint(run_id, started_at, commit, by_rule, by_origin, sum(by_rule.values()), sizes)
            )
        return points

    def _rows(self, where: str, params: Sequence[object]) -> list[FindingRow]:
        cur = self._db.conn.execute(f"SELECT {FINDING_COLUMNS} FROM findings {where}", tuple(params))
        return [FindingRow(*row) for row in cur.fetchall()]  # carried: SQLite 0 or 1


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
