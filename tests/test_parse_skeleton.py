"""The fact skeleton (parse.skeleton) gives exactly the facts of the whole-file libcst parse.

parse_source hands libcst only the statements that can hold an import fact (the import
skeleton), parse_definitions those that can hold a definition; `whole=True` is the reference:
on every .py file of the real packages the tests use, of this repository, and of random nested
programs, the skeletons and the whole file give identical FileFacts (imports with lines and
kinds, `__all__`, errors) and FileDefinitions (spans and signatures).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
import realpkgs
from hostile.import_strategies import import_programs
from hostile.program_strategies import nested_programs
from hypothesis import HealthCheck, assume, example, given, settings

from auditor.domain import AnalysisError, FileDefinitions, FileFacts
from auditor.parse.skeleton import fact_skeleton
from auditor.parse.source import parse_definitions, parse_source, run_with_big_stack

REPO = Path(__file__).resolve().parents[1]
REAL_PACKAGES = [
    ("django", "5.2", "django"),
    ("sqlalchemy", "2.0.36", "sqlalchemy"),
    ("requests", "2.32.3", "requests"),
    ("attrs", "24.2.0", "attr"),
    ("flask", "3.1.0", "flask"),
    ("datasette", "0.65.1", "datasette"),
]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


Parsed = tuple[FileFacts | AnalysisError, FileDefinitions | AnalysisError]


def both(source: bytes, path: str = "pkg/m.py") -> tuple[Parsed, Parsed]:
    """(facts, definitions) from the skeletons, and from the whole file."""

    def work() -> tuple[Parsed, Parsed]:
        new = (
            parse_source(source, path=path, module="pkg.m", is_package=False),
            parse_definitions(source, path=path),
        )
        old = (
            parse_source(source, path=path, module="pkg.m", is_package=False, whole=True),
            parse_definitions(source, path=path, whole=True),
        )
        return new, old

    return run_with_big_stack(work)


def differing(files: list[Path]) -> list[str]:
    return [str(path) for path in files if (pair := both(path.read_bytes(), str(path)))[0] != pair[1]]


def skeleton_of(code: str, *, scan_calls: bool = False, definitions: bool = True) -> str:
    text = textwrap.dedent(code)
    return fact_skeleton(text, ast.parse(text), scan_calls=scan_calls, definitions=definitions)


@pytest.mark.realpkg
@pytest.mark.slow
@pytest.mark.parametrize(("distribution", "version", "package"), REAL_PACKAGES)
def test_same_facts_as_the_whole_file_on_real_packages(distribution: str, version: str, package: str) -> None:
    files = sorted((realpkgs.unpacked(distribution, version) / package).rglob("*.py"))
    assert len(files) > 10
    assert differing(files) == []


def test_same_facts_as_the_whole_file_on_this_repository() -> None:
    files = sorted((REPO / "auditor").rglob("*.py")) + sorted((REPO / "tests").rglob("*.py"))
    assert len(files) > 100
    assert differing(files) == []


@SETTINGS
@given(nested_programs())
@example(b"if a:\n    x = 1\nelif b:\n    y = 2\nelse:\n    import z\n")
@example(b"def f():\n    x = (1,\n         2)\n\n\n# trailing\nclass C: pass\n")
@example(b"s = '\xc3\xa9\xc3\xa9'; t = 2; import os\nx = [\n  1,\n]; import sys\n")
def test_same_facts_as_the_whole_file_on_random_nested_programs(source: bytes) -> None:
    try:
        ast.parse(source)
    except SyntaxError:
        assume(False)
    new, old = both(source)
    assert isinstance(old[0], FileFacts), old
    assert new == old


@SETTINGS
@given(import_programs())
def test_same_facts_as_the_whole_file_on_random_imports(program: tuple[bytes, object]) -> None:
    new, old = both(program[0])
    assert new == old


@pytest.mark.parametrize(
    "source",
    [
        b"",
        b"\n\n",
        b"x = 1",
        b"import a\n",
        b"def f(:\n",  # a syntax error: the whole file decides, with the same message
        b"x = $\n",
        b"match = 1\ncase = 2\nprint(match, case)\n",
        b"def f():\n    return 1 +\\\n        2\n",
        b"class C:\n    x = 1 \\\n        ;\n",
        b"if x: pass\nelif y: import a\nelse: b = 1\n",
        b"try:\n    import a\nexcept* ValueError:\n    pass\n",
        b"type X = int\n" if hasattr(ast, "TypeAlias") else b"X = int\n",
        b"\xef\xbb\xbfimport bom\r\nx = 1\r\n",
        b"# -*- coding: latin-1 -*-\ns = '\xe9'; import latin\n",
    ],
)
def test_same_facts_or_error_on_edge_cases(source: bytes) -> None:
    new, old = both(source)
    assert new == old


def test_bodies_without_facts_are_left_out_line_for_line() -> None:
    code = """\
        '''Docstring.'''
        import os
        X = compute(
            1, 2)


        @pytest.mark.parametrize("case", [
            (1, 2),
        ])
        def f(a, b=2) -> int:
            total = a + b
            for i in range(b):
                total += i
            return total
        """
    skeleton = skeleton_of(code)
    assert skeleton.count("\n") == textwrap.dedent(code).count("\n")
    assert "compute" not in skeleton and "total" not in skeleton and "Docstring" not in skeleton
    assert "parametrize" not in skeleton and "@" in skeleton
    assert "import os" in skeleton and "X = " in skeleton and "def f(a, b=2) -> int:" in skeleton


def test_calls_that_may_import_are_kept_only_when_scanning() -> None:
    code = """\
        from importlib import import_module as load
        def plugins():
            helper()
            return load("plugins.a")
        """
    assert "load(" not in skeleton_of(code)
    scanned = skeleton_of(code, scan_calls=True)
    assert 'load("plugins.a")' in scanned and "helper" not in scanned


def test_the_import_skeleton_keeps_only_imports_all_and_their_headers() -> None:
    code = """\
        import os
        __all__ = ["f"]
        X = compute(1, 2)


        @decorator(
            1,
        )
        def f(a, b=2) -> int:
            if TYPE_CHECKING:
                from typing import Any
            return a


        @decorator
        class C(Base):
            def method(self) -> None:
                pass
        """
    skeleton = skeleton_of(code, definitions=False)
    assert skeleton.count("\n") == textwrap.dedent(code).count("\n")
    assert "import os" in skeleton and '__all__ = ["f"]' in skeleton
    assert "def f(a, b=2) -> int:" in skeleton and "if TYPE_CHECKING:" in skeleton
    assert "from typing import Any" in skeleton
    assert "compute" not in skeleton and "X =" not in skeleton and "return" not in skeleton
    assert "class C" not in skeleton and "method" not in skeleton and "decorator" not in skeleton
    facts, _ = both(textwrap.dedent(code).encode())[0]
    assert isinstance(facts, FileFacts)
    assert [(i.module, i.line, i.kind.value) for i in facts.imports] == [
        ("os", 1, "toplevel"),
        ("typing", 11, "type_checking"),
    ]


def test_an_aliased_dynamic_import_on_a_line_without_the_word_import_is_kept() -> None:
    code = """\
        from importlib import import_module as load


        def plugins():
            helper()
            return load("plugins.a")
        """
    skeleton = skeleton_of(code, scan_calls=True, definitions=False)
    assert 'load("plugins.a")' in skeleton and "def plugins():" in skeleton and "helper" not in skeleton
    new, old = both(textwrap.dedent(code).encode())
    assert new == old
    assert isinstance(new[0], FileFacts)
    assert [(i.module, i.line, i.kind.value) for i in new[0].imports] == [
        ("importlib", 1, "toplevel"),
        ("plugins.a", 6, "dynamic"),
    ]
