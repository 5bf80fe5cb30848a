"""module_rules: what each contract type says about one module, read from config and graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import load_config
from auditor.index.tree import config_graph
from auditor.pipeline.module_rules import module_rules

PYPROJECT = """\
[tool.auditor]
packages = ["shop"]
packs = ["builtin:python-security"]

[tool.auditor.layers]
api = ["shop.api"]
services = ["shop.services"]
domain = ["shop.domain"]
data = ["shop.db"]

[tool.auditor.surfaces]
models = ["shop.domain.models"]

[[tool.auditor.contracts]]
id = "layered"
type = "layers"
layers = ["api", "services | data", "domain"]
owner = "@arch"
guidance = "Domain code must not know about HTTP."

[[tool.auditor.contracts]]
id = "no-sql"
type = "forbidden"
source_modules = ["domain"]
forbidden_modules = ["sqlalchemy"]
allow_indirect_imports = true

[[tool.auditor.contracts]]
id = "features"
type = "independence"
modules = ["shop.services.orders", "shop.services.billing"]

[[tool.auditor.contracts]]
id = "db-only"
type = "allow_only"
source_modules = ["shop.db"]
allowed_modules = ["shop.domain"]

[[tool.auditor.contracts]]
id = "secrets"
type = "protected"
modules = ["shop.db.secrets"]
allowed_importers = ["shop.db"]

[[tool.auditor.contracts]]
id = "billing-api"
type = "public_interface"
modules = ["shop.services.billing"]

[[tool.auditor.contracts]]
id = "cycles"
type = "acyclic"
ancestors = ["shop.services"]

[[tool.auditor.exceptions]]
contract = "layered"
import = "shop.domain.models -> shop.api.views"
reason = "legacy export"
expires = 2027-01-01
"""

FILES = {
    "shop/__init__.py": "",
    "shop/api/__init__.py": "",
    "shop/api/views.py": "",
    "shop/services/__init__.py": "",
    "shop/services/orders.py": "",
    "shop/services/billing/__init__.py": '__all__ = ["charge"]\n\ndef charge():\n    pass\n',
    "shop/services/billing/stripe.py": "",
    "shop/domain/__init__.py": "",
    "shop/domain/models.py": "",
    "shop/db/__init__.py": "",
    "shop/db/secrets.py": "",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("rules")
    (root / "pyproject.toml").write_text(PYPROJECT)
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    config = load_config(Path(root))
    return config, config_graph(root, config, use_cache=False)


def rules_of(project, module: str, owner: str | None = None):
    config, graph = project
    return module_rules(config, graph, module, owner)


def test_a_domain_module_may_import_nothing_above_it_and_no_sqlalchemy(project):
    rules = rules_of(project, "shop.domain.models")
    assert rules.layers == ("domain",) and rules.surfaces == ("models",)
    assert rules.path == "shop/domain/models.py"
    forbidden = [(r.contract, r.layer or r.patterns[0], r.indirect) for r in rules.may_not_import]
    assert forbidden[:3] == [("layered", "api", True), ("layered", "services", True), ("layered", "data", True)]
    assert ("no-sql", "sqlalchemy", False) in forbidden
    assert rules.may_import == ()
    assert [(e.contract, e.imported, e.expires) for e in rules.exceptions] == [
        ("layered", "shop.api.views", "2027-01-01")
    ]
    assert rules.owner == "@arch"  # no CODEOWNERS: the owner of its first contract
    guidance = {c.id: c.guidance for c in rules.contracts}
    assert guidance["layered"] == "Domain code must not know about HTTP."


def test_siblings_independent_features_interfaces_and_cycles_for_a_service(project):
    rules = rules_of(project, "shop.services.orders", owner="@orders-team")
    reasons = {(r.contract, r.layer or r.patterns[0]): r.reason for r in rules.may_not_import}
    assert reasons[("layered", "api")] == "layer 'services' may not import layer 'api'"
    assert reasons[("layered", "data")] == "layers 'services' and 'data' are independent"
    assert ("features", "shop.services.billing") in reasons
    assert ("secrets", "shop.db.secrets") in reasons  # not an allowed importer
    assert [r.layer for r in rules.may_import] == ["domain"]
    (interface,) = rules.public_interfaces
    assert (interface.package, interface.names, interface.contract) == ("shop.services.billing", ("charge",), "billing-api")
    assert "cycles" in {c.id for c in rules.contracts}
    assert rules.owner == "@orders-team"  # CODEOWNERS wins


def test_allow_only_and_the_protected_modules_own_package(project):
    rules = rules_of(project, "shop.db.secrets")
    assert [(r.contract, r.patterns) for r in rules.may_import_only] == [("db-only", ("shop.domain",))]
    assert "secrets" not in {r.contract for r in rules.may_not_import}  # it is the protected module
    assert not rules.public_interfaces or rules.public_interfaces[0].package == "shop.services.billing"


def test_boundary_rules_follow_the_layer_scopes(project):
    data = {r.source: r for r in rules_of(project, "shop.db.secrets").boundary_rules}
    api = {r.source: r for r in rules_of(project, "shop.api.views").boundary_rules}
    database = next(s for s, r in api.items() if "boundary-database-access" in r.rules)
    assert database not in data  # everywhere except layer data
    assert all(r.pack == "python-security" for r in api.values())
