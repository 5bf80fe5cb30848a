"""A generator of hostile source trees: each case writes itself into a directory.

    cases = write_file_corpus(tmp_path)     # one package `hostile` with every small case
    for case in cases: case.path, case.expect, case.reason, case.imports

Every case says what the auditor must do with it: analyse it (`expect="ok"`, optionally with the
(module, line) pairs of its imports), report it as exactly one error whose message contains
`reason` (`expect="error"`), or leave it out silently (`expect="absent"`: not a module at all,
like a file whose name is not a module name). Big cases (20 MB, 100,000 imports, 10,000-deep
nesting, a 1 MB line) have their own writers so that a test can measure them one by one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "hostile"


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # repo-relative path of the file the case is about
    expect: str  # "ok" | "error" | "absent"
    reason: str = ""  # regex the error message must match (expect == "error")
    imports: tuple[tuple[str, int], ...] | None = None  # (imported module, line) when expect == "ok"


# -- source-text cases: (name, file bytes, expect, reason or imports) -----------------------------
SYNTAX_ERRORS: dict[str, bytes] = {
    "unclosed_paren": b"import os\nx = (1,\n",
    "unclosed_bracket": b"x = [1, 2\ny = 3\n",
    "unclosed_brace": b"x = {'a': 1\n",
    "unbalanced_close": b"x = 1)\n",
    "bad_indent": b"def f():\nreturn 1\n",
    "unexpected_indent": b"import os\n    import sys\n",
    "dedent_mismatch": b"if x:\n        a = 1\n    b = 2\n",
    "tabs_and_spaces": b"if x:\n\tpass\n        pass\n",
    "py2_print": b'print "hello"\n',
    "py2_exec": b"exec 'x = 1'\n",
    "py2_backticks": b"x = `1`\n",
    "invalid_token_dollar": b"x = 1 $ 2\n",
    "invalid_token_question": b"x = a ? b : c\n",
    "invalid_unicode_char": "x = 1 \u20ac 2\n".encode(),
    "control_char": b"x = 1\x0b\n",
    "async_as_name": b"async = 1\n",
    "async_def_no_body": b"async def f()\n",
    "await_lambda": b"f = lambda: (await x)(\n",
    "fstring_unclosed": b'x = f"{a"\n',
    "fstring_empty_expr": b'x = f"{}"\n',
    "fstring_bad_conversion": b'x = f"{a!z}"\n',
    "unterminated_string": b"x = 'abc\n",
    "unterminated_triple": b'x = """abc\n\n',
    "walrus_on_attribute": b"(a.b := 1)\n",
    "keyword_as_name": b"class = 1\n",
    "import_no_name": b"import\n",
    "from_no_import": b"from os\n",
    "relative_plain_import": b"import .sibling\n",
    "bad_number": b"x = 1_\n",
    "lone_backslash": b"x = 1 \\ 2\n",
}

# valid, if odd: (bytes, imports as (module, line)); relative imports resolve inside `hostile`
VALID_SOURCES: dict[str, tuple[bytes, tuple[tuple[str, int], ...]]] = {
    "bom": (b"\xef\xbb\xbfimport os\nimport sys\n", (("os", 1), ("sys", 2))),
    "latin1_cookie": (
        b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nimport os\n",
        (("os", 3),),
    ),
    "cookie_on_line_2": (
        b"#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nx = '\xe9'\nimport json\n",
        (("json", 4),),
    ),
    "cp1252_cookie": (b"# coding: cp1252\nx = '\x80'\nimport os\n", (("os", 3),)),
    "crlf": (b"import os\r\nimport sys\r\n\r\nimport json\r\n", (("os", 1), ("sys", 2), ("json", 4))),
    "lone_cr": (b"import os\rimport sys\r\rimport json\r", (("os", 1), ("sys", 2), ("json", 4))),
    "mixed_line_ends": (b"import os\r\nimport sys\rimport json\n", (("os", 1), ("sys", 2), ("json", 3))),
    "cr_in_triple_string": (b'x = """a\rb\r\nc"""\nimport os\n', (("os", 4),)),
    "top_level_await": (b"await x\nimport os\n", (("os", 2),)),  # a compile-time, not a parse error
    "async_everything": (
        b"async def f():\n    async with a:\n        async for b in c:\n            import os\n",
        (("os", 4),),
    ),
    "no_trailing_newline": (b"import os", (("os", 1),)),
    "star_import_in_def": (b"def f():\n    from os import *\n", (("os", 2),)),  # a compile error only
    "only_comments": (b"# just a comment\n", ()),
    "form_feed": (b"\x0cimport os\n", (("os", 1),)),
    "unicode_identifiers": ("\u00e9t\u00e9 = 1\nimport os\n".encode(), (("os", 2),)),
    "escape_sequences_in_strings": (b"x = '\\x1b[31m\\u202e<script>'\nimport os\n", (("os", 2),)),
    # libcst's grammar, whatever Python runs the auditor: Python 2's `except E, e:` is 3.14's
    # `except A, B:`, and a backslash inside an f-string field is 3.12's (PEP 701)
    "py2_except_is_314_syntax": (b"try:\n    pass\nexcept Exception, e:\n    import os\n", (("os", 4),)),
    "fstring_backslash": (b"x = f\"{'\\n'.join(a)}\"\nimport os\n", (("os", 2),)),
}

ENCODING_ERRORS: dict[str, tuple[bytes, str]] = {
    "invalid_utf8": (b"import os\nx = '\xff\xfe'\n", "cannot decode"),
    "truncated_utf8": (b"x = '\xe2\x82'\n", "decode|encoding"),
    "cookie_lies_ascii": (b"# -*- coding: ascii -*-\nx = '\xc3\xa9'\n", "cannot decode"),
    "cookie_lies_utf8": (b"# coding: utf-8\nx = '\xe9'\n", "cannot decode"),
    "unknown_codec": (b"# -*- coding: no-such-codec -*-\nimport os\n", "encoding"),
    "bom_with_latin1_cookie": (b"\xef\xbb\xbf# coding: latin-1\nimport os\n", "encoding"),
    "utf16_without_cookie": ("import os\n".encode("utf-16"), "NUL|decode"),
    "nul_byte": (b"import os\x00\n", "NUL"),
    "nul_in_string": (b"x = '\x00'\n", "NUL"),
}


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_file_corpus(root: Path) -> list[Case]:
    """Write package `hostile` with every small case under `root`; return what to expect of each."""
    pkg = root / PACKAGE
    _write(pkg / "__init__.py", b"")
    cases: list[Case] = [Case("package_init", f"{PACKAGE}/__init__.py", "ok", imports=())]
    for name, data in SYNTAX_ERRORS.items():
        _write(pkg / f"syn_{name}.py", data)
        cases.append(Case(name, f"{PACKAGE}/syn_{name}.py", "error", "syntax error"))
    for name, (data, imports) in VALID_SOURCES.items():
        _write(pkg / f"ok_{name}.py", data)
        cases.append(Case(name, f"{PACKAGE}/ok_{name}.py", "ok", imports=imports))
    for name, (data, reason) in ENCODING_ERRORS.items():
        _write(pkg / f"enc_{name}.py", data)
        cases.append(Case(name, f"{PACKAGE}/enc_{name}.py", "error", reason))
    for writer in FILESYSTEM_CASES:
        cases.extend(writer(pkg))
    for shadow in ("io", "typing"):  # top-level packages shadowing the stdlib: data like any other
        _write(root / shadow / "__init__.py", b"import os\n")
        cases.append(Case(f"toplevel_{shadow}", f"{shadow}/__init__.py", "ok", imports=(("os", 1),)))
    return cases


# -- file-system cases ------------------------------------------------------------------------
def _rel(pkg: Path, *parts: str) -> str:
    return "/".join((pkg.name, *parts))


def names_cases(pkg: Path) -> list[Case]:
    """Odd file names: valid identifiers are modules; names with whitespace are not modules, but
    importlib can load them by path: each is listed as not analysed."""
    out = []
    for name, expect in (
        ("mod\u00e9_unicode.py", "ok"),
        ("\u6a21\u5757.py", "ok"),
        ("with space.py", "error"),
        ("new\nline.py", "error"),
        ("tab\there.py", "error"),
        ("esc\x1b[31mred.py", "ok"),  # not an identifier, but grimp-style module part: analysed
        ("quote'\"<script>.py", "ok"),
    ):
        _write(pkg / name, b"import os\n")
        reason = r"not a module name \(it has whitespace\); not analysed" if expect == "error" else ""
        out.append(
            Case(
                f"name:{name!r}",
                _rel(pkg, name),
                expect,
                reason=reason,
                imports=(("os", 1),) if expect == "ok" else None,
            )
        )
    return out


def symlink_cases(pkg: Path) -> list[Case]:
    (pkg / "evil.py").symlink_to("/etc/passwd")
    (pkg / "loop_a.py").symlink_to("loop_b.py")
    (pkg / "loop_b.py").symlink_to("loop_a.py")
    (pkg / "self_loop.py").symlink_to("self_loop.py")
    (pkg / "dangling.py").symlink_to("does_not_exist.py")
    (pkg / "etc").symlink_to("/etc")  # a directory symlink out of the tree: never followed
    (pkg / "dirloop").symlink_to(".")  # a directory symlink loop: never followed
    _write(pkg / "real_target.py", b"import os\n")
    (pkg / "inside_link.py").symlink_to("real_target.py")
    return [
        Case("symlink_to_etc_passwd", _rel(pkg, "evil.py"), "error", "outside"),
        Case("symlink_loop_a", _rel(pkg, "loop_a.py"), "error", "loop"),
        Case("symlink_loop_b", _rel(pkg, "loop_b.py"), "error", "loop"),
        Case("symlink_self_loop", _rel(pkg, "self_loop.py"), "error", "loop"),
        Case("dangling_symlink", _rel(pkg, "dangling.py"), "error", "cannot read|dangling|No such file"),
        Case("dir_symlink_to_etc", _rel(pkg, "etc", "passwd"), "absent"),
        Case("dir_symlink_loop", _rel(pkg, "dirloop", "real_target.py"), "absent"),
        Case("symlink_inside_tree", _rel(pkg, "inside_link.py"), "ok", imports=(("os", 1),)),
        Case("symlink_target", _rel(pkg, "real_target.py"), "ok", imports=(("os", 1),)),
    ]


def special_file_cases(pkg: Path) -> list[Case]:
    os.mkfifo(pkg / "fifo.py")  # opening it for reading would block forever
    (pkg / "dir.py").mkdir()
    _write(pkg / "dir.py" / "inner.py", b"import os\n")
    _write(pkg / "unreadable.py", b"import os\n")
    (pkg / "unreadable.py").chmod(0)
    locked = pkg / "locked"
    _write(locked / "__init__.py", b"")
    _write(locked / "inner.py", b"import os\n")
    locked.chmod(stat.S_IRUSR | stat.S_IWUSR)  # listable names, but no +x: nothing can be opened
    return [
        Case("fifo", _rel(pkg, "fifo.py"), "error", "not a regular file"),
        Case("directory_named_py", _rel(pkg, "dir.py"), "error", "directory"),
        Case("unreadable_file", _rel(pkg, "unreadable.py"), "error", "cannot read|denied"),
        Case("directory_without_x", _rel(pkg, "locked", "inner.py"), "error", "cannot|denied"),
    ]


def package_cases(pkg: Path) -> list[Case]:
    _write(pkg / "empty" / "__init__.py", b"")
    _write(pkg / "io.py", b"import io\nfrom typing import Any\n")
    _write(pkg / "typing.py", b"from . import io\n")
    _write(pkg / "stubbed" / "__init__.pyi", b"from os import path as path\n")
    _write(pkg / "both.py", b"import os\n")
    _write(pkg / "both.pyi", b"import sys\n")  # ignored: both.py exists
    _write(pkg / "no_init" / "in_a_folder_without_init.py", b"import os\n")  # a module all the same
    return [
        Case("empty_package", _rel(pkg, "empty", "__init__.py"), "ok", imports=()),
        Case("shadow_io", _rel(pkg, "io.py"), "ok", imports=(("io", 1), ("typing", 2))),
        Case("shadow_typing", _rel(pkg, "typing.py"), "ok", imports=((f"{PACKAGE}.io", 1),)),
        Case("init_pyi_stub", _rel(pkg, "stubbed", "__init__.pyi"), "ok", imports=(("os", 1),)),
        Case("py_beside_pyi", _rel(pkg, "both.py"), "ok", imports=(("os", 1),)),
        Case("pyi_beside_py", _rel(pkg, "both.pyi"), "absent"),
        Case("no_init_subdir", _rel(pkg, "no_init", "in_a_folder_without_init.py"), "ok", imports=(("os", 1),)),
    ]


FILESYSTEM_CASES: tuple[Callable[[Path], list[Case]], ...] = (
    names_cases,
    symlink_cases,
    special_file_cases,
    package_cases,
)


def restore_permissions(root: Path) -> None:
    """Give back the permissions the corpus took away, so that tmp dirs can be removed."""
    for path in (root / PACKAGE / "locked", root / PACKAGE / "unreadable.py"):
        if path.exists() and not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


# -- big cases: one package `big` each --------------------------------------------------------
def _big_package(root: Path, name: str, data: bytes) -> str:
    _write(root / "big" / "__init__.py", b"")
    _write(root / "big" / f"{name}.py", data)
    return f"big/{name}.py"


def write_huge_file(root: Path, megabytes: int = 20) -> str:
    """A `megabytes` MB file of valid Python (a long run of small statements)."""
    line = b"x = 1  # padding padding padding padding padding padding padding\n"
    count = megabytes * 2**20 // len(line) + 1
    return _big_package(root, "huge", b"import os\n" + line * count)


def write_many_imports(root: Path, count: int = 100_000) -> str:
    body = b"".join(b"import mod%d\n" % i for i in range(count))
    return _big_package(root, "many_imports", body)


def write_deep_nesting(root: Path, depth: int = 10_000) -> list[str]:
    """Deep brackets, deep nested expressions and deep blocks: each must be an error, not a crash."""
    cases = {
        "deep_parens": b"x = " + b"(" * depth + b"1" + b")" * depth + b"\n",
        "deep_lists": b"x = " + b"[" * depth + b"]" * depth + b"\n",
        "deep_unclosed": b"x = " + b"(" * depth + b"\n",
        "deep_binop": b"x = " + b"1 + (" * depth + b"1" + b")" * depth + b"\n",
        "deep_unary": b"x = " + b"-" * depth + b"1\n",
        "deep_attribute_call": b"x = a" + b".b()" * depth + b"\n",
        "deep_lambda": b"x = " + b"lambda: " * depth + b"1\n",
    }
    return [_big_package(root, name, data) for name, data in cases.items()]


def write_long_line(root: Path, megabytes: int = 1) -> str:
    filler = b"a" * (megabytes * 2**20)
    return _big_package(root, "long_line", b"x = '" + filler + b"'\nimport os\n")


def write_dense_statements(root: Path, statements: int = 250_000) -> str:
    """1 MB of `x=1`: a small file whose syntax tree is huge (parsers spend ~2 KB per token)."""
    return _big_package(root, "dense", b"x=1\n" * statements)
