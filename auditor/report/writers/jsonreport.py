"""The JSON report: the complete model in the documented, stable shape (docs/outputs.md).

`write` renders a RunResult; `read_json_report` loads one back (for diffs, tools and tests).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

from auditor.domain.code import AnalysisError
from auditor.domain.errors import ConfigError
from auditor.domain.finding_codec import finding_from_dict, finding_to_dict, hop_dict, hops
from auditor.domain.findings import ChainHop, Severity
from auditor.domain.guardrails import GuardrailSize
from auditor.domain.run import AttributionSummary, OriginCounts, RuleHealth, RunInfo, RunResult
from auditor.domain.run_views import ApiChange, HistoryPoint, ModuleMetrics, PackageEdge
from auditor.report.writers._common import TOOL_NAME, sorted_findings, verdict_dict

__all__ = ["SCHEMA_VERSION", "finding_from_dict", "finding_to_dict", "report_dict", "write"]

SCHEMA_VERSION = 2  # 2: `cycles` are import paths (hops), not module-name lists


def _run_dict(result: RunResult) -> dict[str, Any]:
    info = result.info
    return {
        "verdict": verdict_dict(result),
        "root": info.root,
        "commit": info.commit,
        "branch": info.branch,
        "base": info.base,
        "started_at": info.started_at,
        "duration_s": round(info.duration_s, 3),
        "incomplete": info.incomplete,
        "incomplete_reasons": list(info.incomplete_reasons),
        "stages": {k: round(v, 3) for k, v in sorted(info.stages.items())},
        "packs": [{"name": n, "version": v} for n, v in info.packs],
        "warnings": list(info.warnings),
        "skipped_stages": [{"stage": stage, "reason": why} for stage, why in info.skipped_stages],
        "unchecked_kinds": list(info.unchecked_kinds),
        "recorded": info.recorded,
    }


def _attribution_dict(a: AttributionSummary) -> dict[str, Any]:
    return {
        "files": {
            path: {"ai": c.ai, "human": c.human, "mixed": c.mixed, "unknown": c.unknown, "unmarked": c.unmarked}
            for path, c in sorted(a.files.items())
        },
        "by_agent": dict(sorted(a.by_agent.items())),
        "by_model": dict(sorted(a.by_model.items())),
        "shallow": a.shallow,
        "available": a.available,
        "warnings": list(a.warnings),
    }


def report_dict(result: RunResult) -> dict[str, Any]:
    """The report as plain JSON-ready data (keys in documented order)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": result.info.tool_version},
        "run": _run_dict(result),
        "findings": [finding_to_dict(f) for f in sorted_findings(result.findings)],
        "fixed": [finding_to_dict(f) for f in sorted_findings(result.fixed)],
        "carried": [finding_to_dict(f) for f in sorted_findings(result.carried)],
        "attribution": _attribution_dict(result.attribution),
        "errors": [
            {"path": e.path, "message": e.message}
            for e in sorted(result.errors, key=lambda e: (e.path, e.message))
        ],
        "modules": [
            {
                "name": m.name,
                "fan_in": m.fan_in,
                "fan_out": m.fan_out,
                "instability": round(m.instability, 4),
                "in_cycle": m.in_cycle,
                "layer": m.layer,
            }
            for m in sorted(result.modules, key=lambda m: m.name)
        ],
        "package_edges": [
            {"importer": e.importer, "imported": e.imported, "count": e.count, "violating": e.violating}
            for e in sorted(result.package_edges, key=lambda e: (e.importer, e.imported))
        ],
        "cycles": [[hop_dict(h) for h in c] for c in result.cycles],
        "history": [
            {
                "run_id": h.run_id,
                "started_at": h.started_at,
                "commit": h.commit,
                "by_rule": dict(sorted(h.by_rule.items())),
                "by_origin": dict(sorted(h.by_origin.items())),
                "total": h.total,
                "guardrails": dict(sorted(h.guardrails.items())),
            }
            for h in result.history
        ],
        # the guardrails' size this run (nightly audit; null in a check)
        "guardrails": dataclasses.asdict(result.guardrails) if result.guardrails else None,
        "api_changes": [
            {
                "surface": c.surface,
                "module": c.module,
                "name": c.name,
                "change": c.change,
                "before": c.before,
                "after": c.after,
                "origin": c.origin,
                "path": c.path,
                "line": c.line,
            }
            for c in result.api_changes
        ],
        "health": {
            "stale_exceptions": list(result.health.stale_exceptions),
            "expired_exceptions": list(result.health.expired_exceptions),
            "uncovered_modules": list(result.health.uncovered_modules),
            "unmatched_rules": list(result.health.unmatched_rules),
            "inactive_rules": [
                {"rule": rule, "reason": reason} for rule, reason in result.health.inactive_rules
            ],
        },
        "layers": {name: list(p) for name, p in sorted(result.layers.items())},
    }


def write(result: RunResult) -> str:
    return json.dumps(report_dict(result), indent=2, ensure_ascii=True) + "\n"


# ---- loading -------------------------------------------------------------------------------


def _cycle(items: Sequence[Any]) -> tuple[ChainHop, ...]:
    """A cycle as hops; schema 1 stored its module names only (read as a ring, line unknown: 0)."""
    if items and all(isinstance(name, str) for name in items):
        names = list(items)
        return tuple(ChainHop(a, b, 0) for a, b in zip(names, [*names[1:], names[0]], strict=True))
    return hops(items)


def _result_from_dict(d: Mapping[str, Any]) -> RunResult:
    run = d.get("run", {})
    att = d.get("attribution", {})
    health = d.get("health", {})
    info = RunInfo(
        tool_version=d.get("tool", {}).get("version", ""),
        root=run.get("root", ""),
        commit=run.get("commit"),
        branch=run.get("branch"),
        base=run.get("base"),
        started_at=run.get("started_at", ""),
        duration_s=float(run.get("duration_s", 0.0)),
        stages=dict(run.get("stages", {})),
        incomplete=bool(run.get("incomplete", False)),
        incomplete_reasons=tuple(run.get("incomplete_reasons", ())),
        packs=tuple((p["name"], p["version"]) for p in run.get("packs", ())),
        warnings=tuple(run.get("warnings", ())),
        skipped_stages=tuple((s["stage"], s["reason"]) for s in run.get("skipped_stages", ())),
        unchecked_kinds=tuple(run.get("unchecked_kinds", ())),
    )
    verdict = run.get("verdict", {})
    return RunResult(
        info=info,
        findings=tuple(finding_from_dict(f) for f in d.get("findings", ())),
        fixed=tuple(finding_from_dict(f) for f in d.get("fixed", ())),
        carried=tuple(finding_from_dict(f) for f in d.get("carried", ())),
        errors=tuple(AnalysisError(e["path"], e["message"]) for e in d.get("errors", ())),
        attribution=AttributionSummary(
            files={p: OriginCounts(**c) for p, c in att.get("files", {}).items()},
            by_agent=dict(att.get("by_agent", {})),
            by_model=dict(att.get("by_model", {})),
            shallow=bool(att.get("shallow", False)),
            available=bool(att.get("available", True)),
            warnings=tuple(att.get("warnings", ())),
        ),
        modules=tuple(
            ModuleMetrics(m["name"], m["fan_in"], m["fan_out"], m.get("in_cycle", False), m.get("layer"))
            for m in d.get("modules", ())
        ),
        package_edges=tuple(
            PackageEdge(e["importer"], e["imported"], e["count"], e.get("violating", False))
            for e in d.get("package_edges", ())
        ),
        cycles=tuple(_cycle(c) for c in d.get("cycles", ())),
        history=tuple(HistoryPoint(**h) for h in d.get("history", ())),
        guardrails=GuardrailSize(**d["guardrails"]) if d.get("guardrails") else None,
        api_changes=tuple(ApiChange(**c) for c in d.get("api_changes", ())),
        health=_health_from_dict(health),
        layers={k: tuple(v) for k, v in d.get("layers", {}).items()},
        fail_on=Severity(verdict.get("fail_on", "error")),
        allow_incomplete=bool(verdict.get("incomplete_allowed", False)),
    )


def _health_from_dict(health: Mapping[str, Any]) -> RuleHealth:
    lists = {k: tuple(v) for k, v in health.items() if k != "inactive_rules"}
    inactive = tuple((r["rule"], r["reason"]) for r in health.get("inactive_rules", ()))
    return RuleHealth(**lists, inactive_rules=inactive)


def read_json_report(text: str, source: str = "<report>") -> RunResult:
    """Load a report written by `write`; malformed input is a ConfigError naming file:line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not valid JSON: {exc.msg}", source, exc.lineno, exc.colno) from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise ConfigError("not an auditor JSON report (no 'findings' list)", source)
    try:
        return _result_from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"malformed auditor JSON report: {exc!r}", source) from None
