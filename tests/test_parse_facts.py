"""The parse stage: import kinds, dynamic imports and __all__ (parse_source), definitions (parse_definitions)."""

from __future__ import annotations

import textwrap

import pytest

from auditor.domain import AnalysisError, FileDefinitions, FileFacts, ImportKind, RawImport
from auditor.parse.source import parse_definitions, parse_source

K = ImportKind


def facts_of(code: str, *, module: str = "pkg.mod", is_package: bool = False) -> FileFacts:
    result = parse_source(
        textwrap.dedent(code).encode(), path="pkg/mod.py", module=module, is_package=is_package
    )
    assert isinstance(result, FileFacts), result
    return result


def definitions_of(code: str) -> FileDefinitions:
    result = parse_definitions(textwrap.dedent(code).encode(), path="pkg/mod.py")
    assert isinstance(result, FileDefinitions), result
    return result


def summary(code: str) -> list[tuple[str | None, tuple[str, ...], int, int, str]]:
    return [(i.module, i.names, i.level, i.line, i.kind.value) for i in facts_of(code).imports]


def test_plain_and_from_imports_keep_names_lines_and_aliases() -> None:
    code = """\
        import os
        import a.b.c as abc, json
        from x.y import z as zz, w
        from . import sibling
        from ..parent import thing
        from .m import *
        """
    assert summary(code) == [
        ("os", (), 0, 1, "toplevel"),
        ("a.b.c", (), 0, 2, "toplevel"),
        ("json", (), 0, 2, "toplevel"),
        ("x.y", ("z", "w"), 0, 3, "toplevel"),
        (None, ("sibling",), 1, 4, "toplevel"),
        ("parent", ("thing",), 2, 5, "toplevel"),
        ("m", ("*",), 1, 6, "toplevel"),
    ]
    first = facts_of(code).imports[0]
    assert first == RawImport("os", (), 0, 1, K.TOPLEVEL, False)


def test_function_lambda_and_method_imports_are_function_kind() -> None:
    code = """\
        class A:
            import in_class_body

            def method(self):
                import in_method

        async def coroutine():
            from q import r

        f = lambda: __import__("in_lambda")
        """
    kinds = {i.module: i.kind for i in facts_of(code).imports}
    assert kinds == {
        "in_class_body": K.TOPLEVEL,
        "in_method": K.FUNCTION,
        "q": K.FUNCTION,
        "in_lambda": K.DYNAMIC,
    }


@pytest.mark.parametrize(
    "header, test",
    [
        ("from typing import TYPE_CHECKING", "TYPE_CHECKING"),
        ("import typing", "typing.TYPE_CHECKING"),
        ("import typing as t", "t.TYPE_CHECKING"),
        ("from typing import TYPE_CHECKING as TC", "TC"),
        ("from typing_extensions import TYPE_CHECKING as CHECKING", "CHECKING"),
        ("from typing import TYPE_CHECKING", "TYPE_CHECKING and sys.version_info >= (3, 9)"),
    ],
)
def test_type_checking_variants(header: str, test: str) -> None:
    code = f"{header}\nif {test}:\n    import only_for_types\nelse:\n    import at_runtime\n"
    kinds = {i.module: i.kind for i in facts_of(code).imports}
    assert kinds["only_for_types"] == K.TYPE_CHECKING
    assert kinds["at_runtime"] == K.CONDITIONAL


def test_not_type_checking_swaps_branches_and_wins_inside_functions() -> None:
    code = """\
        from typing import TYPE_CHECKING
        if not TYPE_CHECKING:
            import runtime_only
        else:
            import types_only
        def f():
            if TYPE_CHECKING:
                import inner_types
        """
    kinds = {i.module: i.kind for i in facts_of(code).imports}
    assert kinds["runtime_only"] == K.CONDITIONAL
    assert kinds["types_only"] == K.TYPE_CHECKING
    assert kinds["inner_types"] == K.TYPE_CHECKING


def test_conditional_contexts_and_transparent_with() -> None:
    code = """\
        try:
            import ujson
        except ImportError:
            import json
        finally:
            import in_finally
        if sys.platform == "win32":
            import winreg
        elif x:
            import in_elif
        for _ in range(1):
            import in_for
        while False:
            import in_while
        with ctx():
            import in_with
        with contextlib.suppress(ImportError):
            import in_suppress
        with suppress(ImportError), ctx():
            import in_bare_suppress
        match y:
            case 1:
                import in_case
        """
    kinds = {i.module: i.kind.value for i in facts_of(code).imports}
    assert kinds == {
        "ujson": "conditional",
        "json": "conditional",
        "in_finally": "conditional",
        "winreg": "conditional",
        "in_elif": "conditional",
        "in_for": "conditional",
        "in_while": "conditional",
        "in_with": "toplevel",
        "in_suppress": "conditional",
        "in_bare_suppress": "conditional",
        "in_case": "conditional",
    }


def test_dynamic_imports() -> None:
    code = """\
        import importlib
        import importlib as il
        from importlib import import_module
        from importlib import import_module as im
        importlib.import_module("a.b")
        il.import_module("c")
        import_module(".rel", "pkg.sub")
        im("..up", package="pkg.sub")
        import_module(".here", __package__)
        __import__("d.e")
        __import__("f", globals(), locals(), [], 1)
        importlib.import_module(name_from_variable)
        importlib.import_module(f"x{y}")
        importlib.import_module(".r", some_variable)
        other.import_module("not_importlib")
        """
    dynamic = [(i.module, i.level, i.anchor, i.line) for i in facts_of(code).imports if i.kind == K.DYNAMIC]
    assert dynamic == [
        ("a.b", 0, None, 5),
        ("c", 0, None, 6),
        ("rel", 1, "pkg.sub", 7),
        ("up", 2, "pkg.sub", 8),
        ("here", 1, None, 9),
        ("d.e", 0, None, 10),
        ("f", 1, None, 11),
    ]


@pytest.mark.parametrize(
    "code, expected",
    [
        ("__all__ = ['a', 'b']", ("a", "b")),
        ("__all__ = ('a',)", ("a",)),
        ("__all__ = ['a'] + ['b'] + ('c',)", ("a", "b", "c")),
        ("__all__ = ['a']\n__all__ += ['b']\n__all__ += ('c',)", ("a", "b", "c")),
        ("__all__ = ['a'] + other.__all__", None),
        ("__all__ = ['a']\n__all__ += helpers()", None),
        ("__all__: list[str] = ['x']", ("x",)),
        ("x = 1", None),
        ("def f():\n    __all__ = ['local']", None),
    ],
)
def test_all_names(code: str, expected: tuple[str, ...] | None) -> None:
    assert facts_of(code).all_names == expected


def test_definitions_with_qualnames_lines_and_signatures() -> None:
    code = """\
        CONSTANT = 1
        a, b = 2, 3

        @decorator(
            arg=1,
        )
        async def fetch(url: str, /, retries: int = 3, *args, timeout=None, **kw) -> bytes:
            def inner(x):
                return x
            return b""

        class Outer(Base, metaclass=Meta):
            attribute = 5

            def method(self, *, flag: bool = False):
                pass
            # a trailing comment
        """
    found = definitions_of(code)
    defs = {d.qualname: d for d in found.definitions}
    assert set(defs) == {"CONSTANT", "a", "b", "fetch", "fetch.inner", "Outer", "Outer.method"}
    assert (defs["CONSTANT"].kind, defs["CONSTANT"].line, defs["CONSTANT"].end_line) == ("assignment", 1, 1)
    assert (defs["fetch"].line, defs["fetch"].end_line) == (7, 10)
    assert defs["fetch"].signature == (
        "async def fetch(url: str, /, retries: int = 3, *args, timeout=None, **kw) -> bytes"
    )
    assert (defs["fetch.inner"].line, defs["fetch.inner"].end_line) == (8, 9)
    assert defs["Outer"].signature == "class Outer(Base, metaclass=Meta)"
    assert (defs["Outer"].line, defs["Outer"].end_line) == (12, 16)
    assert defs["Outer.method"].signature == "def method(self, *, flag: bool = False)"
    assert found.enclosing(9) == defs["fetch.inner"]
    assert facts_of(code).line_count == 17


def test_multiline_strings_and_continuations_keep_lines_right() -> None:
    code = 'x = """\nline\nline\n"""\ny = (1 +\n     2)\nz = 1 + \\\n    2\nimport after\n'
    facts = facts_of(code)
    assert [(i.module, i.line) for i in facts.imports] == [("after", 9)]
    assert {d.qualname: (d.line, d.end_line) for d in definitions_of(code).definitions} == {
        "x": (1, 4),
        "y": (5, 6),
        "z": (7, 8),
    }


def test_crlf_line_endings() -> None:
    facts = facts_of("import a\r\n\r\nimport b\r\n")
    assert [(i.module, i.line) for i in facts.imports] == [("a", 1), ("b", 3)]


def test_parse_source_is_pure_and_hashes_content() -> None:
    one = parse_source(b"import a\n", path="p/a.py", module="p.a", is_package=False)
    two = parse_source(b"import a\n", path="q/b.py", module="q.b", is_package=False)
    other = parse_source(b"import b\n", path="p/a.py", module="p.a", is_package=False)
    assert isinstance(one, FileFacts) and isinstance(two, FileFacts) and isinstance(other, FileFacts)
    assert one.content_hash == two.content_hash != other.content_hash
    assert not isinstance(one, AnalysisError)
