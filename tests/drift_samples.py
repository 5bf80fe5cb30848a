"""Sample RunResults for the drift / writer / history tests (hostile strings included)."""

from __future__ import annotations

from auditor.domain import AnalysisError, ChainHop, Finding, FindingKind, Origin, Severity, Status
from auditor.domain.run import AttributionSummary, OriginCounts, RuleHealth, RunInfo, RunResult

HOSTILE = "bad\n::error::pwned %0A <script>alert(1)</script> | `x` [l](http://e) *b* _i_ \x1b[31m"


def contract(fp: str, path: str = "shop/domain/models.py", line: int = 3, **kw: object) -> Finding:
    base: dict[str, object] = dict(
        fingerprint=fp,
        rule="layered",
        kind=FindingKind.CONTRACT,
        severity=Severity.ERROR,
        message="shop.domain.models imports shop.api.views",
        path=path,
        line=line,
        end_line=line,
        importer="shop.domain.models",
        imported="shop.api.views",
        chain=(ChainHop("shop.domain.models", "shop.api.views", line),),
        guidance="Move the conversion into shop.api.",
        owner="@arch-team",
    )
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def security(fp: str, path: str = "shop/api/views.py", line: int = 10, **kw: object) -> Finding:
    base: dict[str, object] = dict(
        fingerprint=fp,
        rule="raw-sql-in-view",
        kind=FindingKind.SECURITY,
        severity=Severity.ERROR,
        message="raw SQL built from request data",
        path=path,
        line=line,
        end_line=line + 1,
        cwe=("CWE-89",),
        origin=Origin.AI,
        agent="claude-code",
        model="claude-x",
    )
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def sample_result(**kw: object) -> RunResult:
    findings = (
        contract("c1"),
        contract("c2", line=30, status=Status.BASELINED, origin=Origin.HUMAN),
        security("s1"),
        security("s2", path="shop/api/x y.py", line=4, severity=Severity.WARNING, status=Status.PERSISTING),
        Finding(
            "h1",
            "raw-sql-in-view",
            FindingKind.SECURITY,
            Severity.ERROR,
            HOSTILE,
            path="shop/api/evil,name:1.py",
            line=7,
            origin=Origin.MIXED,
            owner=HOSTILE,
            guidance=HOSTILE,
        ),
    )
    base: dict[str, object] = dict(
        info=RunInfo(
            tool_version="0.1.0",
            root="shop",
            commit="abc123",
            base="origin/main",
            started_at="2026-11-25T08:00:00+00:00",
            stages={"parse": 0.5, "graph": 0.1},
            packs=(("builtin:python-security", "1.0.0"),),
        ),
        findings=findings,
        fixed=(contract("gone", path="shop/domain/old.py", status=Status.FIXED),),
        errors=(AnalysisError("shop/broken.py", "syntax error at line 3"),),
        attribution=AttributionSummary(
            files={"shop/api/views.py": OriginCounts(ai=10, human=5)}, by_agent={"claude-code": 10}
        ),
        health=RuleHealth(unmatched_rules=("independent-checks",)),
    )
    base.update(kw)
    return RunResult(**base)  # type: ignore[arg-type]
