"""Peer test: on real PyPI packages our internal edge set equals grimp's (non-dynamic imports).

Both tools only read files; grimp runs in a subprocess with the unpacked wheel on its sys.path,
so nothing of the package is imported into the test process. Differences we keep are
documented in docs/graph-semantics.md (none show up on these packages).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import realpkgs

PACKAGES = [
    ("django", "5.2", "django"),
    ("sqlalchemy", "2.0.36", "sqlalchemy"),
    ("requests", "2.32.3", "requests"),
    ("attrs", "24.2.0", "attr"),
]


def grimp_edges(site: str, package: str) -> set[tuple[str, str]]:
    code = (
        f"import sys, json; sys.path.insert(0, {site!r}); import grimp;"
        f"g = grimp.build_graph({package!r}, cache_dir=None);"
        "print(json.dumps([[a, b] for a in g.modules for b in g.find_modules_directly_imported_by(a)]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {(a, b) for a, b in json.loads(out)}


def auditor_graph(site: str, package: str) -> dict[str, list[dict[str, object]]]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditor",
            "graph",
            site,
            "--package",
            package,
            "--no-cache",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data: dict[str, list[dict[str, object]]] = json.loads(out)
    return data


@pytest.mark.realpkg
@pytest.mark.slow
@pytest.mark.parametrize("distribution, version, package", PACKAGES, ids=[p[0] for p in PACKAGES])
def test_internal_edges_equal_grimp(distribution: str, version: str, package: str) -> None:
    site = str(realpkgs.unpacked(distribution, version))
    data = auditor_graph(site, package)
    ours = {
        (str(i["importer"]), str(i["imported"]))
        for i in data["imports"]
        if i["kind"] != "dynamic" and not i["external"]
    }
    theirs = grimp_edges(site, package)
    assert len(theirs) > 0
    assert sorted(ours - theirs) == [] and sorted(theirs - ours) == []
    assert data["errors"] == []
    modules = {str(m["name"]) for m in data["modules"]}
    assert {a for a, _ in theirs} <= modules
