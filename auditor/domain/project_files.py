"""The names auditor gives to what it keeps in a project's tree (spelled here only)."""

STATE_DIR = ".auditor"  # per-project state: the history database, the demo's runs (never the cache)
BASELINE_FILE = "auditor-baseline.json"  # the committed baseline, at the project root by default
HISTORY_FILE = f"{STATE_DIR}/history.sqlite"  # the default SQLite history, root-relative
