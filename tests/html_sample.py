"""RunResult fixtures for the HTML report tests and benchmark (plain data, no pipeline)."""

from __future__ import annotations

import random

from auditor.domain.code import AnalysisError
from auditor.domain.findings import ChainHop, Finding, FindingKind, Origin, Severity, Status, fingerprint
from auditor.domain.run import AttributionSummary, OriginCounts, RuleHealth, RunInfo, RunResult
from auditor.domain.run_views import ApiChange, HistoryPoint, ModuleMetrics, PackageEdge

XSS_SCRIPT = "</script><script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
FLAG_SCRIPT = "<script>window.__pwned = 1</script>"
HOSTILE = f"{XSS_SCRIPT}{XSS_IMG}{FLAG_SCRIPT}"


def _finding(rule: str, path: str, line: int, **kw: object) -> Finding:
    base: dict[str, object] = {
        "fingerprint": fingerprint(rule, path, str(kw.get("message", ""))),
        "rule": rule,
        "kind": FindingKind.CONTRACT,
        "severity": Severity.ERROR,
        "message": f"{rule} broken in {path}",
        "path": path,
        "line": line,
        "end_line": line,
    }
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def sample_result() -> RunResult:
    """A small run with every section populated, one hostile finding included."""
    findings = (
        _finding(
            "layered",
            "shop/domain/pricing.py",
            3,
            message="shop.domain.pricing imports shop.api.serializers (domain above api)",
            origin=Origin.AI,
            agent="claude-code",
            model="claude-opus-4-5",
            commit="a" * 40,
            author="Alice Example",
            owner="@arch-team",
            layers=("domain",),
            importer="shop.domain.pricing",
            imported="shop.api.serializers",
            chain=(
                ChainHop("shop.domain.pricing", "shop.services.orders", 3),
                ChainHop("shop.services.orders", "shop.api.serializers", 9),
            ),
            guidance="Domain code must not know about HTTP.",
            snippet="from shop.services import orders",
            first_seen="2026-01-12",
        ),
        _finding(
            "python-security.raw-sql-fstring",
            "shop/services/reports.py",
            14,
            kind=FindingKind.SECURITY,
            message="SQL built with an f-string",
            origin=Origin.AI,
            agent="copilot",
            owner="@data-team",
            layers=("services",),
            cwe=("CWE-89",),
            snippet='cur.execute(f"SELECT * FROM orders WHERE id = {order_id}")',
            first_seen="2026-01-11",
        ),
        _finding(
            "python-security.tls-verify-disabled",
            "shop/clients/payments.py",
            22,
            kind=FindingKind.SECURITY,
            severity=Severity.WARNING,
            message="requests call with verify=False",
            origin=Origin.HUMAN,
            author="Bob Builder",
            status=Status.PERSISTING,
            surfaces=("auth",),
            first_seen="2025-12-01",
        ),
        _finding(
            "layered",
            "shop/domain/legacy.py",
            5,
            message="shop.domain.legacy imports shop.api.serializers",
            status=Status.BASELINED,
            origin=Origin.MIXED,
            suppressed_by="layered: shop.domain.legacy -> shop.api.serializers (SHOP-142, expires 2027-03-01)",
            first_seen="2025-06-30",
        ),
        _finding(
            "no-cycles",
            HOSTILE + ".py",
            1,
            severity=Severity.INFO,
            message=f"hostile message {HOSTILE}",
            snippet=f"x = '{HOSTILE}'\u2028y = 1",
            origin=Origin.UNKNOWN,
            owner=XSS_IMG,
            guidance=XSS_SCRIPT,
            chain=(ChainHop(XSS_IMG, XSS_SCRIPT, 2),),
            surfaces=("api_contracts",),
            first_seen="2026-01-12",
        ),
    )
    fixed = (
        _finding("layered", "shop/api/views.py", 8, message="api imports db directly", status=Status.FIXED),
    )
    attribution = AttributionSummary(
        files={
            "shop/domain/pricing.py": OriginCounts(ai=30, human=10),
            "shop/services/reports.py": OriginCounts(ai=40, human=60, mixed=5),
            "shop/clients/payments.py": OriginCounts(human=120, unknown=3),
        },
        by_agent={"claude-code": 30, "copilot": 40},
        by_model={"claude-opus-4-5": 30},
    )
    modules = (
        ModuleMetrics("shop.api", 0, 2, layer="api"),
        ModuleMetrics("shop.services", 1, 2, in_cycle=True, layer="services"),
        ModuleMetrics("shop.domain", 2, 1, in_cycle=True, layer="domain"),
        ModuleMetrics("shop.db", 1, 0, layer="data"),
        ModuleMetrics(XSS_IMG, 0, 1),
    )
    edges = (
        PackageEdge("shop.api", "shop.services", 4),
        PackageEdge("shop.api", "shop.db", 1),
        PackageEdge("shop.services", "shop.domain", 6),
        PackageEdge("shop.services", "shop.db", 3),
        PackageEdge("shop.domain", "shop.services", 1, violating=True),
        PackageEdge(XSS_IMG, "shop.domain", 1),
    )
    history = (
        HistoryPoint(1, "2026-01-10T02:00:00Z", "1" * 40, {"layered": 2}, {"human": 2}, 2),
        HistoryPoint(
            2, "2026-01-11T02:00:00Z", "2" * 40, {"layered": 2, "no-cycles": 1}, {"human": 2, "ai": 1}, 3
        ),
        HistoryPoint(
            3,
            "2026-01-12T02:00:00Z",
            "3" * 40,
            {
                "layered": 2,
                "python-security.raw-sql-fstring": 1,
                "no-cycles": 1,
                "python-security.tls-verify-disabled": 1,
            },
            {"ai": 2, "human": 1, "mixed": 1, "unknown": 1},
            5,
        ),
    )
    return RunResult(
        info=RunInfo(
            tool_version="0.1.0",
            root="shop",
            commit="3" * 40,
            branch="main",
            started_at="2026-01-12T02:00:00Z",
            duration_s=3.2,
            incomplete=True,
            incomplete_reasons=("semgrep: timed out after 1800 s",),
            packs=(("python-security", "1.0.0"), ("shop-rules", "0.3.0")),
        ),
        findings=findings,
        fixed=fixed,
        errors=(AnalysisError("shop/broken.py", "syntax error at line 3"),),
        attribution=attribution,
        modules=modules,
        package_edges=edges,
        cycles=(
            (
                ChainHop("shop.services.orders", "shop.domain.pricing", 4),
                ChainHop("shop.domain.pricing", "shop.services.orders", 3),
            ),
        ),
        history=history,
        api_changes=(
            ApiChange(
                "auth",
                "shop.auth.tokens",
                "issue",
                "changed",
                "def issue(user)",
                "def issue(user, ttl=3600)",
                "ai",
                "shop/auth/tokens.py",
                12,
            ),
        ),
        health=RuleHealth(
            stale_exceptions=("layered: shop.domain.old -> shop.api.x",),
            expired_exceptions=(),
            uncovered_modules=("shop.scripts",),
            unmatched_rules=("python-security.pickle-load",),
        ),
        layers={
            "api": ("shop.api.**",),
            "services": ("shop.services.**",),
            "domain": ("shop.domain.**",),
            "data": ("shop.db.**",),
        },
    )


def large_result(findings: int = 10_000, modules: int = 5_000, seed: int = 7) -> RunResult:
    """A generated run of the given size (deterministic) for the scale test and the benchmark."""
    rng = random.Random(seed)
    packages = [f"big.pkg{p:03d}" for p in range(max(1, modules // 25))]
    module_names = [f"{packages[i % len(packages)]}.mod{i:05d}" for i in range(modules)]
    rules = [f"rule-{r:02d}" for r in range(20)]
    origins = list(Origin)
    statuses = [Status.NEW, Status.PERSISTING, Status.BASELINED]
    out = []
    for i in range(findings):
        mod = module_names[rng.randrange(modules)]
        path = mod.replace(".", "/") + ".py"
        rule = rng.choice(rules)
        out.append(
            Finding(
                fingerprint=fingerprint(rule, path, str(i)),
                rule=rule,
                kind=FindingKind.CONTRACT,
                severity=rng.choice(list(Severity)),
                message=f"{mod} imports {rng.choice(module_names)} across layers",
                path=path,
                line=rng.randrange(1, 400),
                status=rng.choice(statuses),
                origin=rng.choice(origins),
                agent=rng.choice([None, "claude-code", "copilot", "aider"]),
                owner=f"@team-{rng.randrange(12)}",
                layers=(f"layer{rng.randrange(6)}",),
                chain=(ChainHop(mod, "big.pkg000.mod00000", 3),),
                snippet=f"import {mod}",
            )
        )
    files = {
        m.replace(".", "/") + ".py": OriginCounts(
            ai=rng.randrange(200), human=rng.randrange(300), unknown=rng.randrange(20)
        )
        for m in module_names
    }
    edges = tuple(
        PackageEdge(a, b, rng.randrange(1, 30), violating=rng.random() < 0.05)
        for a in packages
        for b in rng.sample(packages, 3)
        if a != b
    )
    history = tuple(
        HistoryPoint(
            r,
            f"2026-01-{r:02d}T02:00:00Z",
            None,
            {rule: rng.randrange(300, 700) for rule in rules},
            {o.value: rng.randrange(1000, 4000) for o in origins},
            findings - 30 * (30 - r),
        )
        for r in range(1, 31)
    )
    return RunResult(
        info=RunInfo(tool_version="0.1.0", root="big", commit="f" * 40, started_at="2026-01-30T02:00:00Z"),
        findings=tuple(out),
        attribution=AttributionSummary(
            files=files, by_agent={"claude-code": 9000, "copilot": 7000, "aider": 3000}
        ),
        modules=tuple(ModuleMetrics(p, rng.randrange(50), rng.randrange(50)) for p in packages),
        package_edges=edges,
        history=history,
    )
