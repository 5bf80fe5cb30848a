"""Fingerprints: computed by the auditor, without line numbers, stable across unrelated edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_project import config, ref, scan

from auditor.domain import Finding

ORIGINAL = """import yaml


def load_cart(blob):
    return yaml.load(blob)


def load_profile(blob):
    return yaml.load(blob)


class Session:
    def restore(self, blob):
        first = yaml.load(blob)
        second = yaml.load(blob)
        return first, second
"""


def fingerprints(tmp_path: Path, source: str, name: str) -> dict[tuple[str, int], Finding]:
    root = tmp_path / name
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "store.py").write_text(source)
    outcome = scan(root, config(root, ref("deserialization.yaml")), tmp_path / "cache")
    assert outcome.incomplete_reasons == []
    found: dict[tuple[str, int], Finding] = {}
    for f in outcome.findings:
        enclosing = dict(f.extra).get("enclosing", "")
        index = sum(1 for key in found if key[0] == enclosing)
        found[(enclosing, index)] = f
    return found


@pytest.mark.slow
def test_fingerprints_survive_moves_and_unrelated_edits_and_tell_functions_apart(tmp_path: Path) -> None:
    before = fingerprints(tmp_path, ORIGINAL, "before")
    assert len(before) == 4
    prints = [f.fingerprint for f in before.values()]
    # identical text in different functions, and twice in one function: all different
    assert len(set(prints)) == 4

    moved_source = ORIGINAL.replace("import yaml\n", "import yaml\n" + "\n" * 7 + "VERSION = 3\n")
    moved = fingerprints(tmp_path, moved_source, "moved")
    assert {k: f.line for k, f in moved.items()} != {k: f.line for k, f in before.items()}
    assert {k: f.fingerprint for k, f in moved.items()} == {k: f.fingerprint for k, f in before.items()}

    edited_source = ORIGINAL.replace(
        "        return first, second", "        log(first)\n        return first, second"
    )
    edited_source = edited_source.replace("def load_cart(blob):", "def load_cart(blob):\n    check(blob)")
    edited = fingerprints(tmp_path, edited_source, "edited")
    assert {k: f.fingerprint for k, f in edited.items()} == {k: f.fingerprint for k, f in before.items()}

    renamed = fingerprints(tmp_path, ORIGINAL.replace("load_profile", "load_account"), "renamed")
    assert renamed[("load_account", 0)].fingerprint != before[("load_profile", 0)].fingerprint
    assert renamed[("load_cart", 0)].fingerprint == before[("load_cart", 0)].fingerprint
