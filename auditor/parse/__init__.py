"""auditor.parse: one libcst pass per file into FileFacts, cached by content hash.

Importing this package imports neither libcst nor the parser module (`auditor.parse.source`):
a warm run that finds every file in the cache never needs them.
"""

from auditor.parse.cache import PARSER_VERSION, ParseCache
from auditor.parse.files import parse_files
from auditor.parse.hashing import MAX_FILE_BYTES, HashedFiles, hash_files, hash_sources

__all__ = [
    "MAX_FILE_BYTES",
    "PARSER_VERSION",
    "HashedFiles",
    "ParseCache",
    "hash_files",
    "hash_sources",
    "parse_files",
]
