"""What attribution returns, and its answer for a folder that is no git repository.

A module of its own, light to import: a check in a folder without history needs only to say
that nothing can be attributed, without loading the blame engine (about 15 ms) or asking git.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.config.model import AttributionSettings
from auditor.domain.code import AnalysisError
from auditor.domain.origin import FileAttribution
from auditor.domain.run import AttributionSummary
from auditor.support.git import no_repository_at

UNAVAILABLE = "attribution unavailable, every line is unknown"


@dataclass(frozen=True, slots=True)
class AttributionOutcome:
    files: dict[str, FileAttribution]  # root-relative path -> line origins
    summary: AttributionSummary
    warnings: list[str] = field(default_factory=list)
    errors: list[AnalysisError] = field(default_factory=list)
    blamed_files: int = 0  # files git blame ran on in this call (the others came from the cache)
    head: tuple[str, str | None] | None = None  # (HEAD's commit, branch) when git answered


def unavailable(warnings: list[str]) -> AttributionOutcome:
    """No file attributed, the summary marked unavailable (a check needs nothing else)."""
    return AttributionOutcome({}, AttributionSummary(available=False, warnings=tuple(warnings)), warnings)


def outcome_without_repository(
    root: Path, settings: AttributionSettings, *, read_unavailable: bool
) -> AttributionOutcome | None:
    """The outcome when `root` is certainly in no git repository (support.git.no_repository_at)
    and nothing is to be read: not `read_unavailable`, and no path override could decide a
    line (`generated_paths` / `human_paths`). None: the engine decides."""
    overrides = settings.overrides and (settings.generated_paths or settings.human_paths)
    if read_unavailable or overrides or not no_repository_at(root):
        return None
    where = root.absolute()
    return unavailable([f"{UNAVAILABLE}: not a git repository (no .git at or above {where})"])
