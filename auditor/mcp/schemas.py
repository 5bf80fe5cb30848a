"""The MCP tools' descriptions and JSON schemas (input and structured output)."""

from __future__ import annotations

from typing import Any

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": _STRING}
_HOP = {
    "type": "object",
    "properties": {"importer": _STRING, "imported": _STRING, "line": {"type": "integer"}},
    "required": ["importer", "imported", "line"],
}
_CHAIN = {"type": "array", "items": _HOP}
_IMPORT_RULE = {
    "type": "object",
    "properties": {
        "layer": _NULLABLE_STRING,
        "patterns": _STRINGS,
        "contract": _STRING,
        "type": _STRING,
        "severity": _STRING,
        "reason": _STRING,
        "indirect": {"type": "boolean"},
    },
    "required": ["layer", "patterns", "contract", "reason"],
}
_FINDING = {
    "type": "object",
    "properties": {
        "fingerprint": _STRING,
        "rule": _STRING,
        "kind": _STRING,
        "severity": _STRING,
        "message": _STRING,
        "path": _NULLABLE_STRING,
        "line": {"type": ["integer", "null"]},
        "status": _STRING,
        "chain": _CHAIN,
    },
    "required": ["fingerprint", "rule", "kind", "severity", "message"],
}
_EXPLANATION = {
    "title": _STRING,
    "what": _STRING,
    "why": _STRING,
    "example": _STRING,
    "instead": _STRING,
    "facts": {"type": "array", "items": {"type": "array", "items": _STRING}},
}

TOOLS: dict[str, dict[str, Any]] = {
    "check": {
        "description": "The new findings of the working tree's change (contract violations, security "
        "matches, guardrail changes): against the git ref `base` (e.g. the merge base of your "
        "branch), else against the committed baseline. `paths` limits the answer to these files "
        "or folders. The same document as `auditor check --format json`, new findings only.",
        "input": {
            "type": "object",
            "properties": {
                "base": {"type": "string", "description": "git ref to compare with, e.g. origin/main"},
                "paths": {
                    "type": "array",
                    "items": _STRING,
                    "description": "files or folders (relative to the project) to report on",
                },
            },
            "additionalProperties": False,
        },
        "output": {
            "type": "object",
            "properties": {
                "tool": {"type": "object"},
                "run": {"type": "object"},
                "findings": {"type": "array", "items": _FINDING},
            },
            "required": ["tool", "run", "findings"],
        },
    },
    "module_rules": {
        "description": "What governs a module before you import anything into it: its layers, what "
        "it may and may not import and under which contract, the interfaces it must use, the "
        "boundary (layer-scoped security) rules that apply to it, its exceptions, its owner and "
        "the contracts' guidance.",
        "input": {
            "type": "object",
            "properties": {"module": {"type": "string", "description": "dotted module name, e.g. shop.domain.models"}},
            "required": ["module"],
            "additionalProperties": False,
        },
        "output": {
            "type": "object",
            "properties": {
                "module": _STRING,
                "path": _NULLABLE_STRING,
                "layers": _STRINGS,
                "surfaces": _STRINGS,
                "owner": _STRING,
                "may_not_import": {"type": "array", "items": _IMPORT_RULE},
                "may_import": {"type": "array", "items": _IMPORT_RULE},
                "may_import_only": {"type": "array", "items": _IMPORT_RULE},
                "public_interfaces": {"type": "array", "items": {"type": "object"}},
                "boundary_rules": {"type": "array", "items": {"type": "object"}},
                "exceptions": {"type": "array", "items": {"type": "object"}},
                "contracts": {"type": "array", "items": {"type": "object"}},
            },
            "required": ["module", "layers", "may_not_import", "may_import", "owner", "contracts"],
        },
    },
    "explain": {
        "description": "Why a rule exists, in four parts (what it checks, why, an example, what to do "
        "instead). Give `rule` (a contract id or type, or a security rule id) or `fingerprint` (a "
        "finding's, from check): for a finding, also its import chain and what to do instead.",
        "input": {
            "type": "object",
            "properties": {"rule": _STRING, "fingerprint": _STRING},
            "additionalProperties": False,
        },
        "output": {
            "type": "object",
            "properties": {**_EXPLANATION, "finding": _FINDING, "chain": _CHAIN},
            "required": ["title", "what", "why", "example", "instead"],
        },
    },
    "import_path": {
        "description": "The shortest chain of imports by which module `importer` reaches module "
        "`imported` (each hop with its line), or null when it does not.",
        "input": {
            "type": "object",
            "properties": {"importer": _STRING, "imported": _STRING},
            "required": ["importer", "imported"],
            "additionalProperties": False,
        },
        "output": {
            "type": "object",
            "properties": {"importer": _STRING, "imported": _STRING, "chain": {"type": ["array", "null"], "items": _HOP}},
            "required": ["importer", "imported", "chain"],
        },
    },
}
