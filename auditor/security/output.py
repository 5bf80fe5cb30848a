"""Reading semgrep's JSON output (its documented schema): results, errors, exit code.

Results keep only what the auditor trusts offline: rule id, path, start/end line and byte
offset, message, severity, metadata. `extra.lines` and `extra.fingerprint` read "requires
login" in recent versions, so the matched text is read from the file by the findings stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.domain import AnalysisError
from auditor.security.invoke import EXIT_MEANINGS

# error types that concern a rule (the pack is broken), not a target file
RULE_ERROR_TYPES = ("Rule parse error", "InvalidRuleSchemaError", "Invalid rule schema", "Missing plugin")


@dataclass(frozen=True, slots=True)
class SemgrepMatch:
    rule_id: str
    path: str
    line: int
    end_line: int
    start_offset: int
    end_offset: int
    message: str
    severity: str  # ERROR | WARNING | INFO (semgrep's)
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """semgrep rejected a rule: the pack is broken (RulePackError at the CLI)."""

    rule_id: str | None
    file: str | None
    line: int | None
    message: str


@dataclass
class ParsedOutput:
    matches: list[SemgrepMatch] = field(default_factory=list)
    file_errors: list[AnalysisError] = field(default_factory=list)
    rule_problems: list[RuleProblem] = field(default_factory=list)
    other_errors: list[str] = field(default_factory=list)  # fatal errors with no file or rule
    malformed: int = 0  # results / errors entries not in semgrep's schema (dropped; the run is incomplete)


def parse_output(output: Mapping[str, Any]) -> ParsedOutput:
    parsed = ParsedOutput()
    for raw in _entries(output, "results", parsed):
        match = _match(raw)
        if match is not None:
            parsed.matches.append(match)
        else:
            parsed.malformed += 1
    for raw in _entries(output, "errors", parsed):
        if isinstance(raw, dict):
            _classify_error(raw, parsed)
        else:
            parsed.malformed += 1
    parsed.matches.sort(key=lambda m: (m.path, m.start_offset, m.rule_id))
    return parsed


def _entries(output: Mapping[str, Any], key: str, parsed: ParsedOutput) -> list[Any]:
    """The list under `key` (absent: none); anything else there counts as one malformed entry."""
    value = output.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    parsed.malformed += 1
    return []


def _match(raw: object) -> SemgrepMatch | None:
    if not isinstance(raw, dict):
        return None
    try:
        start, end, extra = raw["start"], raw["end"], raw.get("extra") or {}
        metadata = extra.get("metadata")
        return SemgrepMatch(
            rule_id=str(raw["check_id"]),
            path=str(raw["path"]),
            line=int(start["line"]),
            end_line=int(end["line"]),
            start_offset=int(start.get("offset", -1)),
            end_offset=int(end.get("offset", -1)),
            message=str(extra.get("message", "")),
            severity=str(extra.get("severity", "WARNING")).upper(),
            metadata=metadata if isinstance(metadata, dict) else {},
        )
    except (KeyError, TypeError, ValueError):
        return None


def _error_type(raw: Mapping[str, Any]) -> str:
    kind = raw.get("type", "error")
    if isinstance(kind, list) and kind:  # e.g. ["PartialParsing", [...]]
        kind = kind[0]
    return str(kind)


def _one_line(text: str, limit: int = 240) -> str:
    """semgrep's multi-line messages as one line, whitespace collapsed, clipped."""
    joined = " ".join(text.split())
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


def _classify_error(raw: Mapping[str, Any], parsed: ParsedOutput) -> None:
    kind = _error_type(raw)
    message = _one_line(str(raw.get("message") or raw.get("long_msg") or raw.get("short_msg") or kind))
    spans = raw.get("spans") if isinstance(raw.get("spans"), list) else []
    span: dict[str, Any] = spans[0] if spans and isinstance(spans[0], dict) else {}
    if kind in RULE_ERROR_TYPES or (raw.get("rule_id") and not raw.get("path")):
        start: dict[str, Any] = span["start"] if isinstance(span.get("start"), dict) else {}
        parsed.rule_problems.append(
            RuleProblem(
                rule_id=str(raw["rule_id"]) if raw.get("rule_id") else None,
                file=str(span["file"]) if span.get("file") else None,
                line=int(start["line"]) if isinstance(start.get("line"), int) else None,
                message=f"{kind}: {message}" if kind not in message else message,
            )
        )
    elif raw.get("path"):
        where = f" (rule {raw['rule_id']})" if raw.get("rule_id") else ""
        parsed.file_errors.append(AnalysisError(str(raw["path"]), f"semgrep: {kind}{where}: {message}"))
    elif raw.get("level") == "error" and raw.get("code") != 7:
        parsed.other_errors.append(f"{kind}: {message}")


def exit_problem(returncode: int | None, parsed: ParsedOutput) -> str | None:
    """Why a JSON reply with this exit code is not a complete scan (None when it is)."""
    if returncode in (0, 1, None):
        return None
    meaning = EXIT_MEANINGS.get(returncode, "unexpected exit code")
    detail = "; ".join(parsed.other_errors[:3])
    return f"semgrep failed with exit code {returncode} ({meaning})" + (f": {detail}" if detail else "")
