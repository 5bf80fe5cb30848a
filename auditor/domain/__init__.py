"""Domain types: the bottom layer. Imports nothing from the pipeline stages.

Its names are imported on first use (PEP 562), so that importing one of its modules (the
findings, say) does not build the types of all the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.domain.lazy_names import lazy_names

if TYPE_CHECKING:
    from auditor.domain.code import (
        AnalysisError,
        Definition,
        FileDefinitions,
        FileFacts,
        Import,
        ImportKind,
        Module,
        RawImport,
    )
    from auditor.domain.errors import AuditorError, ConfigError, GitError, RulePackError, UsageError
    from auditor.domain.findings import (
        ChainHop,
        Finding,
        FindingKind,
        Origin,
        Severity,
        Status,
        fingerprint,
    )
    from auditor.domain.origin import FileAttribution, LineOrigin

_HOME = {
    **dict.fromkeys(
        ("AnalysisError", "Definition", "FileDefinitions", "FileFacts", "Import", "ImportKind", "Module", "RawImport"),
        "auditor.domain.code",
    ),
    **dict.fromkeys(("AuditorError", "ConfigError", "GitError", "RulePackError", "UsageError"), "auditor.domain.errors"),
    **dict.fromkeys(
        ("ChainHop", "Finding", "FindingKind", "Origin", "Severity", "Status", "fingerprint"), "auditor.domain.findings"
    ),
    **dict.fromkeys(("FileAttribution", "LineOrigin"), "auditor.domain.origin"),
}

__all__ = [
    "AnalysisError",
    "AuditorError",
    "ChainHop",
    "ConfigError",
    "Definition",
    "FileAttribution",
    "FileDefinitions",
    "FileFacts",
    "Finding",
    "FindingKind",
    "GitError",
    "Import",
    "ImportKind",
    "LineOrigin",
    "Module",
    "Origin",
    "RawImport",
    "RulePackError",
    "Severity",
    "Status",
    "UsageError",
    "fingerprint",
]

__getattr__ = lazy_names(__name__, _HOME)
