"""Syntax newer than the running Python: libcst's grammar decides, and the nesting guards hold.

libcst parses 3.12-3.14 syntax whatever Python runs the auditor; CPython's `ast.parse` of an
older interpreter rejects it. Such a file must still parse, yield its imports, and be refused
when it nests deeper than the cost guard allows (estimated without the running grammar).
"""

from __future__ import annotations

import ast
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.domain import AnalysisError, FileDefinitions, FileFacts
from auditor.parse.budget import MAX_EXPRESSION_DEPTH
from auditor.parse.nesting import estimated_depth
from auditor.parse.source import parse_definitions, parse_source, run_with_big_stack

REPO = Path(__file__).resolve().parents[1]

NEW_SYNTAX = {
    "pep695-def": (
        "import a\n\ndef first[T](items: list[T]) -> T:\n    import b\n    return items[0]\n",
        [("a", 1, "toplevel"), ("b", 4, "function")],
    ),
    "pep695-class": (
        "class Box[T: int, *Ts, **P]:\n    import c\n\nfrom d import e\n",
        [("c", 2, "toplevel"), ("d", 4, "toplevel")],
    ),
    "type-alias": (
        "type Pair[T] = tuple[T, T]\ntype Name = str\nimport f\n",
        [("f", 3, "toplevel")],
    ),
    "fstring-same-quotes": (
        'import g\nx = f"{d["key"]} {f"{f"{1}"}"}"\nif x:\n    import h\n',
        [("g", 1, "toplevel"), ("h", 4, "conditional")],
    ),
    "fstring-multiline-field": (
        'x = f"{\n    1 + 2  # a comment inside the field\n}"\nimport i\n',
        [("i", 4, "toplevel")],
    ),
    "fstring-backslash-in-field": (
        'import j\ny = f"{"\\n".join(parts)}"\nimport k\n',
        [("j", 1, "toplevel"), ("k", 3, "toplevel")],
    ),
    "pep696-type-default": (
        "def g[T = int]() -> None:\n    import l\n",
        [("l", 2, "function")],
    ),
}


def parse(text: str) -> FileFacts | AnalysisError:
    return run_with_big_stack(
        lambda: parse_source(text.encode(), path="pkg/m.py", module="pkg.m", is_package=False)
    )


def rejected_by_running_python(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return True
    return False


@pytest.mark.parametrize("name", sorted(NEW_SYNTAX))
def test_newer_syntax_parses_and_yields_its_imports(name: str) -> None:
    text, expected = NEW_SYNTAX[name]
    if sys.version_info < (3, 12):
        assert rejected_by_running_python(text)  # so the fallback guard is what runs here
    result = parse(text)
    assert isinstance(result, FileFacts), result
    assert [(i.module, i.line, i.kind.value) for i in result.imports] == expected


def test_definitions_of_generic_functions_and_classes() -> None:
    text = "def first[T](items: list[T]) -> T:\n    return items[0]\n\nclass Box[T]:\n    pass\n"
    result = run_with_big_stack(lambda: parse_definitions(text.encode(), path="pkg/m.py"))
    assert isinstance(result, FileDefinitions), result
    assert [(d.qualname, d.kind, d.line) for d in result.definitions] == [
        ("first", "function", 1),
        ("Box", "class", 4),
    ]


DEEP = 2 * MAX_EXPRESSION_DEPTH
SHAPES: dict[str, Callable[[int], str]] = {
    "parens": lambda n: "x = " + "(" * n + "1" + ")" * n,
    "lists": lambda n: "x = " + "[" * n + "1" + "]" * n,
    "unary": lambda n: "x = " + "-" * n + "1",
    "unary-spaced": lambda n: "x = " + "- " * n + "1",
    "not": lambda n: "x = " + "not " * n + "1",
    "attributes": lambda n: "x = a" + ".b" * n,
    "call-chain": lambda n: "x = a" + ".b()" * (n // 2),
    "calls": lambda n: "x = f" + "()" * n,
    "subscripts": lambda n: "x = a" + "[0]" * n,
    "binary": lambda n: "x = " + "+".join(["1"] * n),
    "power": lambda n: "x = " + "**".join(["2"] * n),
    "and-chain": lambda n: "x = " + " and ".join(["a"] * n),
    "ternary": lambda n: "x = " + "a if b else " * n + "c",
    "lambdas": lambda n: "x = " + "lambda a, b=1: " * n + "1",
    "fstring-fields": lambda n: "x = " + 'f"{' * n + "1" + '}"' * n,
    "fstring-spec": lambda n: "x = " + 'f"{a:{' * n + "1" + '}}"' * n,
    "after-commas": lambda n: "x = 1, 2, " + "-" * n + "a",
    "split-over-lines": lambda n: "x = (\n" + "-\n" * n + "1)",
    "keyword-arguments": lambda n: "x = " + "f(a=1, b=" * n + "1" + ")" * n,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_deep_nesting_in_a_newer_syntax_file_is_refused(shape: str) -> None:
    text = "type Alias = int\n" + SHAPES[shape](DEEP) + "\nimport after\n"
    if sys.version_info < (3, 12):
        assert rejected_by_running_python(text)
    result = parse(text)
    assert isinstance(result, AnalysisError), shape
    # the statement's first line (the estimate is per statement)
    assert result.message == f"line 2: expression nesting deeper than {MAX_EXPRESSION_DEPTH}; skipped"


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_estimate_is_at_least_cpython_s_depth(shape: str) -> None:
    for n in (1, 2, 3, 10, 40):
        text = SHAPES[shape](n)
        if rejected_by_running_python(text):
            continue  # f-strings nested with the same quotes before 3.12
        assert estimated_depth(text)[0] >= ast_depth(ast.parse(text)), (shape, n)


def random_expression(rng: random.Random, depth: int) -> str:
    """A valid expression mixing every construct the estimate knows (seeded: deterministic)."""
    if depth <= 0 or rng.random() < 0.15:
        return rng.choice(["a", "1", "'s'", "b'x'", "1.5e-3", "...", "None", "x.y"])

    def sub() -> str:
        return random_expression(rng, depth - 1)

    forms: list[Callable[[], str]] = [
        lambda: f"-{sub()}", lambda: f"not {sub()}", lambda: f"{sub()} + {sub()}",
        lambda: f"{sub()}.attr", lambda: f"{sub()}({sub()}, k={sub()})", lambda: f"{sub()}[{sub()}]",
        lambda: f"{sub()}[{sub()}:{sub()}, {sub()}]", lambda: f"(lambda q, w=1: {sub()})",
        lambda: f"({sub()} if {sub()} else {sub()})", lambda: f"[{sub()} for v in {sub()} if {sub()}]",
        lambda: f"({sub()}, {sub()})", lambda: f"{{{sub()}: {sub()}}}", lambda: f"({sub()} and {sub()} or {sub()})",
        lambda: f"(z := {sub()})", lambda: f"[*{sub()}]", lambda: f"{sub()} < {sub()} <= {sub()}",
        lambda: "f'{" + sub().replace("'", '"') + "!r:>{w}}'", lambda: f"{sub()} ** -{sub()}",
        lambda: f"{{*{sub()}}}", lambda: f"({sub()} for v in {sub()})",
    ]  # fmt: skip
    return rng.choice(forms)()


def test_the_estimate_is_at_least_cpython_s_depth_on_random_expressions() -> None:
    rng = random.Random(12)
    checked = 0
    for _ in range(1500):
        head = rng.choice(["x = ", "", "y = z = ", "x += ", "print(1, "])
        body = random_expression(rng, rng.randrange(1, 9))
        if rng.random() < 0.3:
            body += ", " + random_expression(rng, 4)
        text = head + body + (")" if head.startswith("print") else "") + "\n"
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # nested quotes in a generated f-string before 3.12
        assert estimated_depth(text)[0] >= ast_depth(tree), text
        checked += 1
    assert checked > 1000


def test_syntax_errors_are_libcst_s_when_newer_syntax_misled_the_running_python() -> None:
    result = parse("type Alias = int\nimport a\nx = = 1\n")
    assert isinstance(result, AnalysisError)
    assert result.message.startswith("syntax error: line 3: expected one of")  # not CPython's line 1


def test_strings_and_comments_do_not_count_as_nesting() -> None:
    text = (
        "type A = int\n"
        + f"s = '{'(' * 2000}'\n"
        + f'd = """{"[" * 2000}\n{"-" * 2000}"""\n'
        + f"# {'(' * 2000}\n"
        + f'e = f"{{{{{"(" * 2000}}}}} {{x!r:>{{width}}}}"\n'
        + f"b = rb'\\'{'(' * 2000}'\n"
        + "import z\n"
    )
    assert estimated_depth(text)[0] < 20
    result = parse(text)
    assert isinstance(result, FileFacts)
    assert [i.module for i in result.imports] == ["z"]


def ast_depth(tree: ast.AST) -> int:
    """The deepest chain of expression nodes (the measure budget.depth_problem limits)."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest


def test_the_estimate_is_conservative_on_this_repository() -> None:
    """On every file CPython parses, the estimate is at least the real depth and far below
    the limit: it errs only upwards, and real code stays clear of it."""
    checked = 0
    for path in sorted([*REPO.glob("auditor/**/*.py"), *REPO.glob("tests/**/*.py"), *REPO.glob("rules/**/*.py")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        estimate, _line = estimated_depth(text)
        assert estimate >= ast_depth(tree), path
        assert estimate < MAX_EXPRESSION_DEPTH // 4, path
        checked += 1
    assert checked > 100


OLD_PYTHON = os.environ.get("AUDITOR_OLD_PYTHON", "")


@pytest.mark.skipif(
    not OLD_PYTHON,
    reason="set AUDITOR_OLD_PYTHON to a Python 3.10/3.11 with libcst installed (no network at test time)",
)
def test_newer_syntax_under_an_older_interpreter(tmp_path: Path) -> None:
    """The same files, parsed by the auditor's parse stage running under another interpreter."""
    script = (
        "import json, sys\n"
        "from auditor.parse.source import parse_source, run_with_big_stack\n"
        "out = {}\n"
        "for name, text in json.loads(sys.stdin.read()).items():\n"
        "    r = run_with_big_stack(lambda: parse_source(text.encode(), path='m.py', module='m', is_package=False))\n"
        "    out[name] = [[i.module, i.line, i.kind.value] for i in r.imports] if hasattr(r, 'imports') else r.message\n"
        "print(json.dumps([sys.version_info[:2], out]))\n"
    )
    import json

    cases = {name: text for name, (text, _) in NEW_SYNTAX.items()}
    cases["deep"] = "type Alias = int\n" + SHAPES["call-chain"](DEEP) + "\n"
    done = subprocess.run(
        [OLD_PYTHON, "-c", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    version, out = json.loads(done.stdout)
    assert tuple(version) < (3, 12)
    for name, (_text, expected) in NEW_SYNTAX.items():
        assert [tuple(i) for i in out[name]] == expected, name
    assert out["deep"] == f"line 2: expression nesting deeper than {MAX_EXPRESSION_DEPTH}; skipped"


def test_imports_of_a_newer_syntax_module_land_on_it(tmp_path: Path) -> None:
    """It is a module of the graph, not an error whose importers land on the package above."""
    from auditor.index.tree import build_graph

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "generic.py").write_text(NEW_SYNTAX["pep695-def"][0].replace("import a", "import pkg.util"))
    (tmp_path / "pkg" / "util.py").write_text("")
    (tmp_path / "pkg" / "user.py").write_text("from pkg import generic\n")
    graph = build_graph(tmp_path, use_cache=False, jobs=1)
    assert graph.errors == []
    assert graph.directly_imported_by("pkg.user") == {"pkg.generic"}
    assert graph.directly_imported_by("pkg.generic") == {"pkg.util"}
