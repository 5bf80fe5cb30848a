"""Peer test: contract verdicts and direct violations on Django 5.2 equal import-linter's.

Both tools get the same contracts; import-linter runs in a subprocess (it must import-locate the
package; the auditor only reads files). Compared per contract: kept/broken, the set of directly
violating (importer, imported) pairs (import-linter's one-hop routes), import-linter's indirect
first hops being among ours, and for acyclic the packages whose children form cycles. Dynamic imports are ignored on our side: grimp does not
see `importlib.import_module` calls.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import realpkgs

from auditor.config.model import AuditorConfig, ContractSpec
from auditor.contracts import check_contracts
from auditor.index.tree import build_graph

REPORTER = Path(__file__).parent / "fixtures" / "contracts" / "importlinter_report.py"

# (id, import-linter type, options); lists become multi-line INI values
DJANGO_CONTRACTS: list[tuple[str, str, dict[str, object]]] = [
    ("layers-broken", "layers", {"layers": ["django.contrib", "django.db", "django.core", "django.utils"]}),
    (
        "layers-db-internals",
        "layers",
        {"layers": ["django.db.models", "django.db.backends", "django.dispatch"]},
    ),
    (
        "layers-siblings",
        "layers",
        {
            "layers": [
                "django.contrib.admin",
                "django.contrib.auth | django.contrib.sessions",
                "django.contrib.contenttypes",
            ]
        },
    ),
    (
        "layers-containers",
        "layers",
        {
            "containers": ["django.contrib.auth", "django.contrib.sessions"],
            "layers": ["middleware", "models", "(base_user)"],
        },
    ),
    (
        "forbidden-utils-db",
        "forbidden",
        {"source_modules": ["django.utils"], "forbidden_modules": ["django.db"]},
    ),
    (
        "forbidden-dispatch-db",
        "forbidden",
        {"source_modules": ["django.dispatch"], "forbidden_modules": ["django.db"]},
    ),
    (
        "forbidden-dispatch-db-direct",
        "forbidden",
        {
            "source_modules": ["django.dispatch"],
            "forbidden_modules": ["django.db"],
            "allow_indirect_imports": "true",
        },
    ),
    (
        "forbidden-dispatch-contrib",
        "forbidden",
        {"source_modules": ["django.dispatch"], "forbidden_modules": ["django.contrib"]},
    ),
    (
        "forbidden-http-forms",
        "forbidden",
        {"source_modules": ["django.http"], "forbidden_modules": ["django.forms", "django.template"]},
    ),
    (
        "independence-contrib",
        "independence",
        {
            "modules": [
                "django.contrib.sessions",
                "django.contrib.sites",
                "django.contrib.redirects",
                "django.contrib.humanize",
            ]
        },
    ),
    (
        "independence-kept",
        "independence",
        {"modules": ["django.contrib.humanize", "django.contrib.syndication", "django.contrib.postgres"]},
    ),
    ("acyclic-db", "acyclic", {"ancestors": ["django.db"]}),
    ("acyclic-urls", "acyclic", {"ancestors": ["django.urls", "django.dispatch"]}),
]


def importlinter_config(path: Path) -> None:
    lines = ["[importlinter]", "root_package = django", ""]
    for cid, kind, options in DJANGO_CONTRACTS:
        lines += [
            f"[importlinter:contract:{cid}]",
            f"name = {cid}",
            f"type = {'acyclic_siblings' if kind == 'acyclic' else kind}",
        ]
        for key, value in options.items():
            if isinstance(value, str):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f"{key} =")
                lines += [f"    {v}" for v in value]  # type: ignore[attr-defined]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def run_importlinter(django_root: Path, tmp: Path) -> dict[str, dict[str, object]]:
    config = tmp / "importlinter.ini"
    importlinter_config(config)
    env = {**os.environ, "PYTHONPATH": str(django_root)}
    done = subprocess.run(
        [sys.executable, str(REPORTER), str(config)],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.realpkg
@pytest.mark.slow
def test_django_contract_verdicts_and_direct_violations_equal_import_linter(tmp_path):
    django_root = realpkgs.unpacked("django", "5.2")
    theirs = run_importlinter(django_root, tmp_path)
    graph = build_graph(django_root, packages=("django",), cache_dir=tmp_path / "cache")
    specs = tuple(
        ContractSpec(
            id=cid,
            type=kind,
            options={k: v == "true" if v in ("true", "false") else v for k, v in options.items()},
            ignore_kinds=("dynamic",),
        )
        for cid, kind, options in DJANGO_CONTRACTS
    )
    outcome = check_contracts(
        graph, AuditorConfig(root=django_root, contracts=specs), today=dt.date(2026, 1, 1)
    )
    results = {r.contract_id: r for r in outcome.results}
    verdicts = {cid: (results[cid].kept, theirs[cid]["kept"]) for cid, _, _ in DJANGO_CONTRACTS}
    assert {cid: ours for cid, (ours, _) in verdicts.items()} == {
        cid: il for cid, (_, il) in verdicts.items()
    }
    # both kinds of verdict occur, so the comparison means something
    assert {il for _, il in verdicts.values()} == {True, False}
    for cid, kind, _ in DJANGO_CONTRACTS:
        ours_direct = {(v.importer, v.imported) for v in results[cid].violations if v.direct}
        if kind == "acyclic":
            assert (
                list(results[cid].metadata["packages_with_cycles"]) == theirs[cid]["packages_with_cycles"]
            ), cid
        else:
            assert ours_direct == {tuple(p) for p in theirs[cid]["direct"]}, cid  # type: ignore[union-attr]
            # indirect: import-linter lists some routes per dependency, the auditor every violating
            # first hop (with its shortest chain), so theirs must be a subset of ours
            ours_hops = {(v.importer, v.chain[0].imported) for v in results[cid].violations if v.chain}
            assert {tuple(p) for p in theirs[cid]["indirect_first_hops"]} <= ours_hops, cid  # type: ignore[union-attr]
