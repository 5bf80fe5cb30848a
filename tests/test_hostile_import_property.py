"""Random import statements in random contexts: parse_source never raises, and every import comes
back with its module, names, level, line and kind. Random Python-ish noise: never raises either.
(benchmarks/fuzz_imports.py runs the same strategies with 10,000+ examples.)"""

from __future__ import annotations

from hostile.import_strategies import Expected, import_programs, pythonish_bytes
from hypothesis import HealthCheck, example, given, settings

from auditor.domain import AnalysisError, FileFacts
from auditor.parse.source import parse_source, run_with_big_stack

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse(source: bytes) -> FileFacts | AnalysisError:
    return run_with_big_stack(lambda: parse_source(source, path="pkg/m.py", module="pkg.m", is_package=False))


@SETTINGS
@given(import_programs())
def test_random_imports_are_reported_exactly(program: tuple[bytes, list[Expected]]) -> None:
    source, expected = program
    facts = _parse(source)
    assert isinstance(facts, FileFacts), getattr(facts, "message", facts)
    got = [Expected(i.module, tuple(i.names), i.level, i.is_from, i.line, i.kind) for i in facts.imports]
    assert got == expected
    assert all(1 <= i.line <= facts.line_count for i in facts.imports)


@SETTINGS
@given(pythonish_bytes)
@example(b".\xc2\xb2")  # `.²`: str.isdigit() is true for `²`, the regex's \d is not (CI, 2026-11-30)
@example(b"\xc2\xb2 = 1")
@example(b"x = \xd9\xa3")  # `٣`, an Arabic-Indic digit: \d matches it
def test_noise_never_raises(source: bytes) -> None:
    result = _parse(source)
    assert isinstance(result, (FileFacts, AnalysisError))
    if isinstance(result, AnalysisError):
        assert result.path == "pkg/m.py" and result.message and "\n" not in result.message
    else:
        assert all(1 <= i.line <= max(1, result.line_count) for i in result.imports)
