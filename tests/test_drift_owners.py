"""Owners: contract / exception owner first, then CODEOWNERS, then "unowned"."""

from __future__ import annotations

from drift_samples import contract, security

from auditor.config.model import ContractSpec, ExceptionSpec
from auditor.domain import Finding, FindingKind, Severity
from auditor.drift.owners import UNOWNED, Owners

CODEOWNERS = """\
# comment
*                @org/everyone
/shop/api/       @org/web-team
/shop/api/auth*  @alice security@example.com
docs/**          @docs
"""


def test_codeowners_locations_in_github_order(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "CODEOWNERS").write_text("* @from-docs\n")
    assert Owners.from_repo(tmp_path).source == "docs/CODEOWNERS"
    (tmp_path / "CODEOWNERS").write_text("* @from-root\n")
    assert Owners.from_repo(tmp_path).source == "CODEOWNERS"
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text(CODEOWNERS)
    owners = Owners.from_repo(tmp_path)
    assert owners.source == ".github/CODEOWNERS"
    assert owners.codeowners_of("shop/api/views.py") == "@org/web-team"
    assert owners.codeowners_of("shop/api/auth/login.py") == "@alice security@example.com"
    assert owners.codeowners_of("shop/domain/x.py") == "@org/everyone"


def test_owner_precedence(tmp_path):
    (tmp_path / "CODEOWNERS").write_text(CODEOWNERS)
    contracts = [ContractSpec("layered", "layers", {}, owner="@arch-team")]
    exceptions = [ExceptionSpec("layered", "shop.legacy", "shop.api", "legacy", owner="@data-team")]
    owners = Owners.from_repo(tmp_path, contracts, exceptions)
    assert owners.owner_for(contract("c", owner=None)) == "@arch-team"
    assert owners.owner_for(contract("c", owner="@explicit")) == "@explicit"
    assert owners.owner_for(security("s", owner=None)) == "@org/web-team"
    stale = Finding("e", "stale-exception", FindingKind.EXCEPTION, Severity.WARNING,
                    "exception layered: shop.legacy -> shop.api matches nothing", path="pyproject.toml")  # fmt: skip
    assert owners.owner_for(stale) == "@data-team"
    assigned = owners.assign([security("s", owner=None), contract("c", owner=None)])
    assert [f.owner for f in assigned] == ["@org/web-team", "@arch-team"]


def test_unowned_without_codeowners(tmp_path):
    owners = Owners.from_repo(tmp_path)
    assert owners.source is None
    assert owners.owner_for(security("s", owner=None)) == UNOWNED
    assert owners.owner_for(Finding("x", "r", FindingKind.CONTRACT, Severity.INFO, "m")) == UNOWNED
