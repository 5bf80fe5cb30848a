"""Who owns a finding: the contract's (or exception's) owner, else CODEOWNERS, else "unowned".

CODEOWNERS is read with the `codeowners` package from the first of `.github/CODEOWNERS`,
`CODEOWNERS`, `docs/CODEOWNERS` (GitHub's order), `.gitlab/CODEOWNERS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.config.model import ContractSpec, ExceptionSpec
from auditor.domain.findings import Finding, FindingKind

if TYPE_CHECKING:
    from codeowners import CodeOwners

UNOWNED = "unowned"
CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024  # GitHub ignores larger files


class Owners:
    def __init__(
        self,
        codeowners: CodeOwners | None = None,
        contract_owners: Mapping[str, str] | None = None,
        exception_owners: Mapping[str, str] | None = None,
        source: str | None = None,
    ) -> None:
        self.codeowners = codeowners
        self.contract_owners = dict(contract_owners or {})
        self.exception_owners = dict(exception_owners or {})  # exception text -> owner
        self.source = source  # repo-relative CODEOWNERS path used, if any
        self.warnings: list[str] = []

    @classmethod
    def from_repo(
        cls,
        root: Path,
        contracts: Sequence[ContractSpec] = (),
        exceptions: Sequence[ExceptionSpec] = (),
    ) -> Owners:
        owners = cls(
            contract_owners={c.id: c.owner for c in contracts if c.owner},
            exception_owners={e.text: e.owner for e in exceptions if e.owner},
        )
        for rel in CODEOWNERS_LOCATIONS:
            candidate = root / rel
            if not candidate.is_file():
                continue
            try:
                if candidate.stat().st_size > MAX_CODEOWNERS_BYTES:
                    owners.warnings.append(f"{rel}: larger than 3 MB, ignored")
                    break
                text = candidate.read_text(encoding="utf-8", errors="replace")
                from codeowners import CodeOwners  # lazy: only when a CODEOWNERS file exists

                owners.codeowners = CodeOwners(text)
                owners.source = rel
            except (OSError, ValueError) as exc:
                owners.warnings.append(f"{rel}: cannot be used ({exc})")
            break
        return owners

    def codeowners_of(self, path: str) -> str | None:
        if self.codeowners is None:
            return None
        try:
            names = [name for _kind, name in self.codeowners.of(path)]
        except (ValueError, IndexError):
            return None
        return " ".join(names) or None

    def owner_for(self, finding: Finding) -> str:
        """The owner to report for `finding` (never empty)."""
        if finding.owner:
            return finding.owner
        if finding.kind is FindingKind.EXCEPTION or finding.suppressed_by:
            for text, owner in self.exception_owners.items():
                if text in finding.message or text == finding.suppressed_by:
                    return owner
        contract_owner = self.contract_owners.get(finding.rule)
        if contract_owner:
            return contract_owner
        if finding.path:
            found = self.codeowners_of(finding.path)
            if found:
                return found
        return UNOWNED

    def assign(self, findings: Iterable[Finding]) -> tuple[Finding, ...]:
        """Copies of `findings` with `owner` filled in."""
        return tuple(dataclasses.replace(f, owner=self.owner_for(f)) for f in findings)
