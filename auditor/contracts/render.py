"""Turning contract results into Findings: messages, locations, chains, stable fingerprints."""

from __future__ import annotations

from pathlib import Path

from auditor.config.model import ContractSpec
from auditor.contracts.base import ContractResult, Violation
from auditor.domain import Finding, FindingKind, Severity, fingerprint
from auditor.graph.model import ImportGraph


def chain_modules(v: Violation) -> list[str]:
    if not v.chain:
        return [v.importer, v.imported]
    return [v.chain[0].importer, *(hop.imported for hop in v.chain)]


def violation_fingerprint(contract_id: str, v: Violation) -> str:
    """contract id + importer + imported + chain; never a line. The first occurrence of an
    import in a file has no index, so adding a second import elsewhere leaves it unchanged."""
    parts = [contract_id, v.importer, v.imported, "->".join(chain_modules(v))]
    if v.occurrence:
        parts.append(f"#{v.occurrence}")
    return fingerprint(*parts)


def violation_message(spec: ContractSpec, v: Violation) -> str:
    if spec.type == "acyclic":
        return f"{v.reason} ({v.importer} imports {v.imported})"
    if v.direct:
        return f"{v.importer} imports {v.imported} ({v.reason})"
    middle = chain_modules(v)[1:-1]
    return f"{v.importer} imports {v.imported} indirectly via {' -> '.join(middle)} ({v.reason})"


def _path(graph: ImportGraph, module: str) -> str | None:
    found = graph.modules.get(module)
    return found.path or None if found else None


def violation_findings(spec: ContractSpec, result: ContractResult, graph: ImportGraph) -> list[Finding]:
    """One Finding per violating import occurrence, plus one per unlisted module (exhaustive)."""
    findings = [
        Finding(
            fingerprint=violation_fingerprint(spec.id, v),
            rule=spec.id,
            kind=FindingKind.CONTRACT,
            severity=spec.severity,
            message=violation_message(spec, v),
            path=_path(graph, v.importer),
            line=v.line or None,
            end_line=v.line or None,
            owner=spec.owner,
            chain=v.chain,
            guidance=spec.guidance,
            importer=v.importer,
            imported=v.imported,
            import_kind=v.kind,
            extra=(("contract_type", spec.type),),
        )
        for v in result.violations
    ]
    for module in result.unlisted:
        findings.append(
            Finding(
                fingerprint=fingerprint(spec.id, "unlisted", module),
                rule=spec.id,
                kind=FindingKind.CONTRACT,
                severity=spec.severity,
                message=f"{module} is in no layer of contract '{spec.id}', which is exhaustive",
                path=_path(graph, module),
                owner=spec.owner,
                guidance=spec.guidance,
                importer=module,
                extra=(("contract_type", spec.type),),
            )
        )
    return findings


def coverage_findings(spec: ContractSpec, result: ContractResult, graph: ImportGraph) -> list[Finding]:
    """Info findings for modules that belong to no layer of a layers contract."""
    return [
        Finding(
            fingerprint=fingerprint(spec.id, "uncovered", module),
            rule=spec.id,
            kind=FindingKind.CONTRACT,
            severity=Severity.INFO,
            message=f"{module} is in no layer of contract '{spec.id}'",
            path=_path(graph, module),
            owner=spec.owner,
            importer=module,
            extra=(("contract_type", spec.type), ("coverage", "uncovered")),
        )
        for module in result.uncovered
        if module not in result.unlisted
    ]


def config_file_path(path: str, root: Path | None) -> str | None:
    """A config or pack file as findings show it: relative to the project root when inside it."""
    if not path:
        return None
    file = Path(path)
    if root is not None and file.is_absolute():
        try:
            return file.relative_to(root).as_posix()
        except ValueError:
            return file.as_posix()
    return file.as_posix()


def unmatched_ignore_findings(spec: ContractSpec, expressions: list[str], root: Path | None) -> list[Finding]:
    """One finding per `ignore_imports` entry that matches no import, at the entry's line."""
    lines = dict(zip(spec.ignore_imports, spec.ignore_import_lines, strict=False))
    return [
        Finding(
            fingerprint=fingerprint(spec.id, "unmatched-ignore-import", expression),
            rule=spec.id,
            kind=FindingKind.CONTRACT,
            severity=spec.severity,
            message=f"ignore_imports entry {expression!r} of contract '{spec.id}' matches no import: "
            'remove it (or set unmatched_ignore_imports_alerting = "warn" or "none")',
            path=config_file_path(spec.location.path, root),
            line=lines.get(expression) or spec.location.line,
            owner=spec.owner,
            guidance=spec.guidance,
            extra=(("contract_type", spec.type), ("ignore_imports", "unmatched")),
        )
        for expression in expressions
    ]
