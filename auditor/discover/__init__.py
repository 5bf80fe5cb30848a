"""auditor.discover: find the module files of the audited packages."""

from auditor.discover.model import Discovery, SourceFile
from auditor.discover.walk import SKIPPED_DIRS, discover, is_module_part, walk_skips

__all__ = ["SKIPPED_DIRS", "Discovery", "SourceFile", "discover", "is_module_part", "walk_skips"]
