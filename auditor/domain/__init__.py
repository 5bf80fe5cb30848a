"""Domain types: the bottom layer. Imports nothing from the pipeline stages."""

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
