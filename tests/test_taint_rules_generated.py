"""The taint rules are written by scripts/build_taint_rules.py from one list of request sources:
the committed YAML is what the script writes, and every taint rule carries the same sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from auditor.security.rulefiles import load_rule_file

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_taint_rules.py"
TAINT_RULES = (
    "sql-injection", "command-injection", "code-injection", "unsafe-deserialization",
    "path-traversal", "ssrf", "template-injection", "xss-html-response", "open-redirect",
    "xpath-injection", "header-injection", "xxe",
)  # fmt: skip


def test_committed_rule_files_are_what_the_script_writes() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_taint_rule_has_the_same_request_sources_and_the_four_explain_parts() -> None:
    rules = {}
    for path in sorted((ROOT / "rules" / "python-security").glob("*.yaml")):
        for rule in load_rule_file(path).rules:
            if rule.get("mode") == "taint":
                rules[rule["id"]] = rule
    assert set(rules) == set(TAINT_RULES)
    web = [s for s in rules["sql-injection"]["pattern-sources"] if s.get("label") == "USER"]
    assert len(web) >= 3
    for rule in rules.values():
        assert [s for s in rule["pattern-sources"] if s.get("label") == "USER"] == web
        meta = rule["metadata"]
        parts = [meta[k] for k in ("what", "why", "example", "instead")]
        assert all(len(p) > 40 for p in parts), rule["id"]
        assert len(set(parts)) == 4 and " ".join(rule["message"].split()) not in parts
