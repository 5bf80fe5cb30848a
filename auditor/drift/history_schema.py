"""The history database's schema: ordered migrations, applied on first use (`user_version`)."""

from __future__ import annotations

# Ordered migrations: MIGRATIONS[i] brings the schema from user_version i to i + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            "commit" TEXT,
            branch TEXT,
            base TEXT,
            config_hash TEXT NOT NULL DEFAULT '',
            tool_version TEXT NOT NULL DEFAULT '',
            packs TEXT NOT NULL DEFAULT '[]',
            stages TEXT NOT NULL DEFAULT '{}',
            totals TEXT NOT NULL DEFAULT '{}',
            duration_s REAL NOT NULL DEFAULT 0,
            incomplete INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE findings (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            rule TEXT NOT NULL,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            origin TEXT NOT NULL,
            agent TEXT,
            owner TEXT,
            status TEXT NOT NULL,
            path TEXT,
            line INTEGER,
            message TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL,
            PRIMARY KEY (run_id, fingerprint)
        )""",
        "CREATE INDEX findings_by_fingerprint ON findings(fingerprint)",
        """CREATE TABLE module_metrics (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            module TEXT NOT NULL,
            fan_in INTEGER NOT NULL,
            fan_out INTEGER NOT NULL,
            instability REAL NOT NULL,
            in_cycle INTEGER NOT NULL,
            ai_lines INTEGER NOT NULL DEFAULT 0,
            human_lines INTEGER NOT NULL DEFAULT 0,
            mixed_lines INTEGER NOT NULL DEFAULT 0,
            unknown_lines INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, module)
        )""",
    ),
    (
        """CREATE TABLE api_snapshots (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            module TEXT NOT NULL,
            qualname TEXT NOT NULL,
            kind TEXT NOT NULL,
            signature TEXT NOT NULL,
            PRIMARY KEY (run_id, module, qualname)
        )""",
    ),
    (
        # what rename matching needs (a finding of a renamed file pairs with its previous run's)
        "ALTER TABLE findings ADD COLUMN importer TEXT",
        "ALTER TABLE findings ADD COLUMN imported TEXT",
        "ALTER TABLE findings ADD COLUMN snippet TEXT",
        # 1: a finding of a kind the run did not check (--no-semgrep), carried from the run
        # before so the trend does not dip; never judged by that run
        "ALTER TABLE findings ADD COLUMN carried INTEGER NOT NULL DEFAULT 0",
    ),
    (
        # guardrail integrity: each run's guardrails (auditor.drift.guardrails.codec), so the
        # next nightly run reports what changed, and their size for the erosion trend
        """CREATE TABLE guardrails (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
            contracts INTEGER NOT NULL,
            exceptions INTEGER NOT NULL,
            baseline_entries INTEGER NOT NULL,
            suppressions INTEGER NOT NULL,
            snapshot TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
