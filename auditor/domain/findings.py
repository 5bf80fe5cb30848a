"""The one finding model shared by every rule kind and every output format."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from auditor.domain.digest import sha256


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank

    def __str__(self) -> str:
        return self.value


class FindingKind(str, enum.Enum):
    CONTRACT = "contract"  # an architecture contract is broken (incl. layer coverage, info)
    SECURITY = "security"  # a semgrep security-boundary rule matched
    EXCEPTION = "exception"  # an exception is stale (matches nothing) or expired
    SURFACE = "surface"  # a change inside a human-review surface
    GUARDRAIL = "guardrail"  # a change to the rules themselves (an exception added, a contract dropped, ...)

    def __str__(self) -> str:
        return self.value


class Status(str, enum.Enum):
    NEW = "new"
    BASELINED = "baselined"
    PERSISTING = "persisting"
    FIXED = "fixed"

    def __str__(self) -> str:
        return self.value


class Origin(str, enum.Enum):
    AI = "ai"
    HUMAN = "human"
    MIXED = "mixed"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class ChainHop:
    """One step of an import chain: `importer` imports `imported` at `line` (in importer's file)."""

    importer: str
    imported: str
    line: int


@dataclass(frozen=True, slots=True)
class Finding:
    """A contract violation, security match, stale/expired exception or surface change.

    Enrichment stages (attribution, owners, drift) return copies via `dataclasses.replace`.
    """

    fingerprint: str
    rule: str  # contract id or security rule id
    kind: FindingKind
    severity: Severity
    message: str
    path: str | None = None  # repo-relative
    line: int | None = None
    end_line: int | None = None
    status: Status = Status.NEW
    origin: Origin = Origin.UNKNOWN
    agent: str | None = None
    model: str | None = None
    commit: str | None = None
    author: str | None = None
    evidence: str | None = None  # of the origin: "marker" | "default" | "none" (LineOrigin.evidence)
    owner: str | None = None
    cwe: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    chain: tuple[ChainHop, ...] = ()
    guidance: str | None = None
    importer: str | None = None  # contract findings: the violating import's two ends
    imported: str | None = None
    import_kind: str | None = None
    layers: tuple[str, ...] = ()  # architecture layers the finding's module belongs to
    surfaces: tuple[str, ...] = ()  # review surfaces the finding's module belongs to
    snippet: str | None = None  # the offending source text (secrets already redacted)
    suppressed_by: str | None = None  # description of the exception that suppresses it
    first_seen: str | None = None  # ISO date of the first recorded run with this fingerprint (audit)
    extra: tuple[tuple[str, str], ...] = field(default=())  # free-form metadata, stable order

    @property
    def is_open(self) -> bool:
        """Still needs action: new or persisting, neither accepted in a baseline nor suppressed."""
        return self.status in (Status.NEW, Status.PERSISTING) and self.suppressed_by is None

    @property
    def location(self) -> str:
        if self.path is None:
            return "-"
        return f"{self.path}:{self.line}" if self.line else self.path


def fingerprint(*parts: str) -> str:
    """A stable identity from parts that never include line numbers."""
    digest = sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:20]
