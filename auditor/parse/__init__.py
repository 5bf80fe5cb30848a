"""auditor.parse: one libcst pass per file into FileFacts, cached by content hash.

Importing this package does not import libcst; only parsing a file does.
"""

from auditor.parse.cache import PARSER_VERSION, ParseCache
from auditor.parse.files import parse_files
from auditor.parse.source import MAX_FILE_BYTES, decode_source, parse_file_safely, parse_source

__all__ = [
    "MAX_FILE_BYTES",
    "PARSER_VERSION",
    "ParseCache",
    "decode_source",
    "parse_file_safely",
    "parse_files",
    "parse_source",
]
