"""Bad files become AnalysisErrors with a reason; nothing raises, nothing crashes the process."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.domain import AnalysisError, FileFacts
from auditor.parse import MAX_FILE_BYTES
from auditor.parse.source import parse_file_safely, parse_source


def parse_bytes(tmp_path: Path, data: bytes) -> FileFacts | AnalysisError:
    path = tmp_path / "m.py"
    path.write_bytes(data)
    return parse_file_safely(path, path="pkg/m.py", module="pkg.m", is_package=False)


def error_of(tmp_path: Path, data: bytes) -> str:
    result = parse_bytes(tmp_path, data)
    assert isinstance(result, AnalysisError), result
    assert result.path == "pkg/m.py"
    return result.message


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    # both parsers reject line 3: CPython's words
    message = error_of(tmp_path, b"import a\n\nx = = 1\nimport b\n")
    assert message == "syntax error: line 3: invalid syntax"
    assert "\n" not in message


def test_invalid_utf8(tmp_path: Path) -> None:
    message = error_of(tmp_path, b"import a\nx = '\xff\xfe'\n")
    assert "line 2" in message and "utf-8" in message


def test_nul_byte(tmp_path: Path) -> None:
    assert "NUL" in error_of(tmp_path, b"import a\x00\n")


def test_bad_coding_cookie(tmp_path: Path) -> None:
    assert "encoding" in error_of(tmp_path, b"# -*- coding: no-such-codec -*-\nimport a\n")


def test_bom_is_accepted(tmp_path: Path) -> None:
    result = parse_bytes(tmp_path, b"\xef\xbb\xbfimport a\nimport b\n")
    assert isinstance(result, FileFacts)
    assert [(i.module, i.line) for i in result.imports] == [("a", 1), ("b", 2)]


def test_latin1_coding_cookie_is_honoured(tmp_path: Path) -> None:
    result = parse_bytes(tmp_path, b"# -*- coding: latin-1 -*-\nname = '\xe9'\nimport a\n")
    assert isinstance(result, FileFacts)
    assert [(i.module, i.line) for i in result.imports] == [("a", 3)]


def test_huge_file_is_skipped_without_reading_it_all(tmp_path: Path) -> None:
    message = error_of(tmp_path, b"#" * (MAX_FILE_BYTES + 10))
    assert "larger than 10 MB" in message
    direct = parse_source(b"#" * (MAX_FILE_BYTES + 1), path="x.py", module="x", is_package=False)
    assert isinstance(direct, AnalysisError)


@pytest.mark.parametrize(
    "source",
    [
        b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",  # deeper than CPython allows
        b"x = " + b"-" * 200_000 + b"1\n",
        b"x = a" + b".b" * 200_000 + b"\n",
        b"x = " + b"+".join([b"1"] * 200_000) + b"\n",
    ],
    ids=["parens", "unary", "attributes", "binary-chain"],
)
def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path, source: bytes) -> None:
    message = error_of(tmp_path, source)
    assert "nesting" in message or "syntax error" in message or "too many tokens" in message


def test_deep_but_valid_nesting_parses(tmp_path: Path) -> None:
    body = "".join("    " * i + "if x:\n" for i in range(90)) + "    " * 90 + "import deep\n"
    result = parse_bytes(tmp_path, body.encode())
    assert isinstance(result, FileFacts)
    assert [(i.module, i.line, i.kind.value) for i in result.imports] == [("deep", 91, "conditional")]


def test_unreadable_file(tmp_path: Path) -> None:
    result = parse_file_safely(
        tmp_path / "missing.py", path="pkg/missing.py", module="pkg.missing", is_package=False
    )
    assert isinstance(result, AnalysisError) and result.message.startswith("cannot read")
