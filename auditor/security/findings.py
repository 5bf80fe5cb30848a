"""Turning semgrep matches into the auditor's findings.

The fingerprint is computed here, never taken from semgrep (its own reads "requires login"
offline): rule id + path + enclosing qualified name + whitespace-normalised matched text +
occurrence index among identical (rule, path, qualname, text) matches. No line numbers, so a
finding keeps its identity when code above it moves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from auditor.domain import FileDefinitions, Finding, FindingKind, Severity, fingerprint
from auditor.graph.patterns import layers_of
from auditor.security.output import SemgrepMatch
from auditor.security.redact import redact_literals
from auditor.security.render import RuleInfo, metadata_strings

SEVERITIES = {"ERROR": Severity.ERROR, "WARNING": Severity.WARNING, "INFO": Severity.INFO}
SNIPPET_MAX_LINES = 12
_HEADER = re.compile(r"^\s*(async\s+def|def|class)\b")

SourceReader = Callable[[str], bytes | None]
# (path, its bytes) -> what the file defines (for the enclosing function), None for a file
# that is no analysed module
DefinitionsOf = Callable[[str, bytes], FileDefinitions | None]


def matched_text(source: bytes | None, match: SemgrepMatch) -> str:
    """The text semgrep matched (byte offsets), or the matched lines when offsets are unusable."""
    if source is None:
        return ""
    if 0 <= match.start_offset <= match.end_offset <= len(source):
        return source[match.start_offset : match.end_offset].decode("utf-8", "replace")
    lines = source.decode("utf-8", "replace").splitlines()
    return "\n".join(lines[max(match.line - 1, 0) : match.end_line])


def full_lines(source: bytes | None, match: SemgrepMatch) -> str:
    if source is None:
        return ""
    lines = source.decode("utf-8", "replace").splitlines()
    return "\n".join(lines[max(match.line - 1, 0) : match.end_line])


def identity_text(text: str) -> str:
    """Whitespace-normalised text for the fingerprint; a matched def/class counts by its header
    (decorators + the def line), so editing the body does not change the finding's identity."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if _HEADER.match(line):
            text = "\n".join(lines[: index + 1])
            break
    return " ".join(text.split())


def to_findings(
    matches: Sequence[SemgrepMatch],
    *,
    rules: Mapping[str, RuleInfo],
    definitions: DefinitionsOf,
    path_modules: Mapping[str, str],
    layers: Mapping[str, tuple[str, ...]],
    surfaces: Mapping[str, tuple[str, ...]],
    read: SourceReader,
) -> list[Finding]:
    """Findings for `matches` (sorted by path and offset), with fingerprints and tags."""
    findings: list[Finding] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    sources: dict[str, bytes | None] = {}
    file_definitions: FileDefinitions | None = None
    for match in sorted(matches, key=lambda m: (m.path, m.start_offset, m.line, m.rule_id)):
        if match.path not in sources:  # one file at a time: matches are sorted
            source = read(match.path)
            sources = {match.path: source}
            file_definitions = definitions(match.path, source) if source is not None else None
        source = sources[match.path]
        info = rules.get(match.rule_id, RuleInfo(match.rule_id, "", ""))
        text = matched_text(source, match)
        snippet = text
        if info.redact:
            snippet = redact_literals(full_lines(source, match))
            text = snippet
        enclosing = file_definitions.enclosing(match.line) if file_definitions else None
        qualname = enclosing.qualname if enclosing else ""
        key = (match.rule_id, match.path, qualname, identity_text(text))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        module = path_modules.get(match.path)
        message = redact_literals(match.message) if info.redact else match.message
        findings.append(
            Finding(
                fingerprint=fingerprint("security", *key, str(occurrence)),
                rule=match.rule_id,
                kind=FindingKind.SECURITY,
                severity=SEVERITIES.get(match.severity, Severity.WARNING),
                message=" ".join(message.split()),
                path=match.path,
                line=match.line,
                end_line=match.end_line,
                cwe=cwe_ids(info.cwe or metadata_strings(match.metadata.get("cwe"))),
                owasp=info.owasp or metadata_strings(match.metadata.get("owasp")),
                layers=layers_of(module, layers) if module else (),
                surfaces=layers_of(module, surfaces) if module else (),
                snippet=_clip(snippet),
                extra=_extra(info, qualname, enclosing.kind if enclosing else None),
            )
        )
    return findings


def cwe_ids(values: Sequence[str]) -> tuple[str, ...]:
    """`"CWE-89: Improper ..."` -> `"CWE-89"` (the JSON contract carries ids)."""
    return tuple(dict.fromkeys(v.split(":", 1)[0].strip() for v in values if v.strip()))


def _clip(text: str) -> str:
    lines = text.splitlines()
    if len(lines) <= SNIPPET_MAX_LINES:
        return text
    return "\n".join([*lines[:SNIPPET_MAX_LINES], "..."])


def _extra(info: RuleInfo, qualname: str, kind: str | None) -> tuple[tuple[str, str], ...]:
    extra = [("pack", info.pack)] if info.pack else []
    if qualname:
        extra.append(("enclosing", qualname))
        extra.append(("enclosing_kind", kind or ""))
    return tuple(extra)
