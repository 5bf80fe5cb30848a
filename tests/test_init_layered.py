"""`auditor init` on a generated layered project (api/services/domain/db sub-packages with a few
upward imports): the inferred order and names, `db` as the security pack's `data` layer, the
counts in the comments equal to a first check's findings before the baseline, and the first
check after init exits 0."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from init_projects import run_cli, write_files

from auditor.config import load_config

PROJECT = {
    "shop/__init__.py": "from shop.api import views\n",
    "shop/api/__init__.py": "",
    "shop/api/views.py": "from shop.services import orders, billing\nfrom shop.domain import entities\n",
    "shop/api/schemas.py": "from shop.domain.entities import Order\n",
    "shop/services/__init__.py": "",
    "shop/services/orders.py": "from shop.domain import entities\nfrom shop.db import session\n",
    "shop/services/billing.py": "from shop.db import repo\nfrom shop.db import session\n",
    "shop/domain/__init__.py": "",
    "shop/domain/entities.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from shop.api import views  # not counted: the contract ignores type_checking\n"
        "class Order: ...\n"
    ),
    "shop/domain/rules.py": (
        "import shop  # a chain: shop/__init__ imports the api\n"
        "from shop.services import billing  # upward\n"
        "def late():\n"
        "    from shop.api import views  # upward, function-level: counted\n"
    ),
    "shop/db/__init__.py": "",
    "shop/db/session.py": "from shop.domain import entities\nfrom shop.api.schemas import Order  # upward\n",
    "shop/db/repo.py": "from shop.domain.entities import Order\n",
    "tests/__init__.py": "",
    "tests/test_views.py": "from shop.api import views\n",
}
UPWARD_LINE = re.compile(r"^# upward: (\S+) -> (\S+) \((\d+) imports, e\.g\. ")
TOTAL_LINE = re.compile(r"^# (\d+) upward imports, counting every import kind but type_checking,", re.M)


def test_init_orders_names_and_counts_the_layers_of_a_layered_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_files(tmp_path / "shop-project", PROJECT)
    code, _, err = run_cli(capsys, "init", str(root), "--no-baseline", "--no-cache")
    assert code == 0, err
    config = load_config(root)
    assert config.packages == ("shop",)
    (contract,) = [c for c in config.contracts if c.pack is None]
    assert contract.options["layers"] == ["api", "services", "data", "domain"]
    assert config.layers["data"] == ("shop.db", "shop.db.**")
    assert config.layers["api"] == ("shop.api", "shop.api.**")
    assert config.layers["domain"] == ("shop.domain", "shop.domain.**")

    text = (root / "auditor.toml").read_text()
    # the security pack's boundary is explained
    assert (
        "# named for the python-security pack: database access is allowed only in this layer\ndata = " in text
    )
    total = TOTAL_LINE.search(text)
    assert total is not None
    pairs = {}
    for line in text.splitlines():
        if m := UPWARD_LINE.match(line):
            pairs[m[1], m[2]] = int(m[3])
    # rules.py -> billing; rules.py -> views (function) and rules.py -> shop -> views (chain);
    # session.py -> schemas. The TYPE_CHECKING import in entities.py is not counted.
    assert pairs == {("domain", "api"): 2, ("domain", "services"): 1, ("data", "api"): 1}
    assert int(total[1]) == sum(pairs.values()) == 4

    # a first check (no baseline yet) reports exactly those findings for the contract
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache", "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert not report["run"]["incomplete"]
    mine = [f for f in report["findings"] if f["rule"] == contract.id]
    assert len(mine) == int(total[1])
    found = {}
    layer_of = {"shop.api": "api", "shop.services": "services", "shop.db": "data", "shop.domain": "domain"}
    for f in mine:
        key = (layer_of[f["importer"].rsplit(".", 1)[0]], layer_of[f["imported"].rsplit(".", 1)[0]])
        found[key] = found.get(key, 0) + 1
    assert found == pairs

    # init again, with its baseline this time: the first check passes
    code, out, err = run_cli(capsys, "init", str(root), "--force", "--no-semgrep", "--no-cache")
    assert code == 0, err
    assert "baselined 4 findings" in out
    code, out, err = run_cli(capsys, "check", str(root), "--no-semgrep", "--no-cache")
    assert code == 0, out + err


def test_the_data_layer_moves_the_security_pack_database_boundary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from auditor.security.scope import scope_for

    # `database` is no folder name of the pack's default `data` layer; init declares it
    files = {**PROJECT, "shop/database.py": "import sqlite3\nfrom shop.domain import entities\n"}
    root = write_files(tmp_path / "shop-project", files)
    code, _, err = run_cli(capsys, "init", str(root), "--no-baseline", "--no-cache")
    assert code == 0, err
    config = load_config(root)
    assert config.layers["data"] == ("shop.database", "shop.db", "shop.db.**")
    (boundary,) = [r for r in config.semgrep_rules if r.except_layers == ("data",)]
    paths = ["shop/database.py", "shop/db/session.py", "shop/services/orders.py"]
    modules = {p.removesuffix(".py").replace("/", "."): p for p in paths}
    scope = scope_for(boundary, config.layers, modules)
    assert [p for p in paths if scope.admits(p)] == ["shop/services/orders.py"]
