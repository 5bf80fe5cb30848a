"""Turn the bytes of one file into FileFacts (or FileDefinitions), or into an AnalysisError. Never raises for bad input.

Order of checks: size limit, NUL bytes, encoding (coding cookie / BOM, as Python does it), token
count, then a nesting guard — nesting that would blow up or overflow libcst's native parser
(which would crash the process instead of raising) is refused — then the one libcst pass, whose
grammar (3.0-3.14, whatever Python runs this) decides what is valid Python. The guard measures
the tree of CPython's own parser; when the running Python rejects the file (syntax newer than
itself, or a real error) it estimates the nesting without any grammar instead (parse.nesting),
and a real error is then libcst's to report. When CPython's tree exists, it also picks the
statements that can hold a fact, and libcst parses only those (parse.skeleton: a few percent
of the text for the graph facts, about a fifth for the definitions, with the same facts). Parsing runs in a thread with a large stack (see
`run_with_big_stack`).
"""

from __future__ import annotations

import ast
import io
import re
import sys
import threading
import tokenize
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from auditor.domain import AnalysisError, FileDefinitions, FileFacts
from auditor.parse.budget import depth_problem, estimated_depth_problem, token_budget_problem
from auditor.parse.hashing import MAX_FILE_BYTES, content_hash

STACK_BYTES = 256 * 1024 * 1024
RECURSION_LIMIT = 20_000
_DYNAMIC_MARKERS = (b"import_module", b"__import__")
_AT_POSITION = re.compile(r"parser error: error at (\d+):\d+: (.*)", re.S)

if TYPE_CHECKING:
    from auditor.parse.collector import FactsCollector

T = TypeVar("T")


def decode_source(source: bytes) -> str:
    """Decode like the interpreter: BOM or PEP 263 cookie, else UTF-8. Raises ValueError."""
    if b"\x00" in source:
        raise ValueError("source contains a NUL byte")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError as exc:
        raise ValueError(f"bad encoding declaration: {exc.msg}") from None
    try:
        text = source.decode(encoding)
    except UnicodeDecodeError as exc:
        line = source[: exc.start].count(b"\n") + 1
        raise ValueError(f"line {line}: cannot decode as {encoding}: {exc.reason}") from None
    return text[1:] if text.startswith("\ufeff") else text


def _syntax_message(message: str, line: int, last_line: int) -> str:
    """libcst's error as `syntax error: line N: what was expected`, on one line. Its parser
    names the failing position itself ("parser error: error at 3:11: ..."), which is more
    precise than the exception's line."""
    found = _AT_POSITION.match(message)
    if found is not None:
        line, message = min(int(found[1]), last_line), found[2]
    message = message.removeprefix("tokenizer error: ")
    return f"syntax error: line {line}: {' '.join(message.split())}"


def parse_source(
    source: bytes, *, path: str, module: str, is_package: bool, whole: bool = False
) -> FileFacts | AnalysisError:
    """The graph facts of one file (imports, `__all__`). Pure: reads nothing else, raises
    nothing for bad input.

    libcst parses the file's import skeleton (parse.skeleton) when CPython's `ast` could parse
    the file; the whole file otherwise, or with `whole=True` (the reference the skeleton is
    tested against: both give the same facts). Call it inside `run_with_big_stack`
    (parse_files does) so deep but valid nesting fits.
    """
    collected = _collected(source, path, definitions=False, whole=whole)
    if isinstance(collected, AnalysisError):
        return collected
    collector, text = collected
    line_count = text.count("\n") + (0 if not text or text.endswith("\n") else 1)
    return FileFacts(
        path=path,
        module=module,
        is_package=is_package,
        content_hash=content_hash(source),
        line_count=line_count,
        imports=tuple(collector.imports),
        all_names=collector.result_all(),
    )


def parse_definitions(source: bytes, *, path: str, whole: bool = False) -> FileDefinitions | AnalysisError:
    """The functions, classes and module-level names one file defines, with their spans and
    signatures: from the definitions skeleton (or the whole file), on demand (only review
    surfaces and security findings need them). Same guards and errors as parse_source."""
    collected = _collected(source, path, definitions=True, whole=whole)
    if isinstance(collected, AnalysisError):
        return collected
    definitions = sorted(collected[0].definitions, key=lambda d: (d.line, d.qualname))
    return FileDefinitions(path=path, content_hash=content_hash(source), definitions=tuple(definitions))


def _collected(
    source: bytes, path: str, *, definitions: bool, whole: bool
) -> tuple[FactsCollector, str] | AnalysisError:
    """The guards (size, encoding, tokens, nesting), then the libcst pass over the skeleton
    (or the whole file): the collector and the decoded text, or why the file cannot be parsed."""
    if len(source) > MAX_FILE_BYTES:
        return AnalysisError(path, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; skipped")
    try:
        text = decode_source(source)
    except ValueError as exc:
        return AnalysisError(path, str(exc))
    if "\r" in text:  # universal newlines, as the interpreter reads source: line numbers stay right
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    problem = token_budget_problem(text)
    if problem is not None:
        return AnalysisError(path, problem)
    python_error: SyntaxError | None = None
    tree: ast.Module | None = None
    lines = text.split("\n")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes etc.
            tree = ast.parse(text, filename=path)
            problem = depth_problem(tree, lines)
    except SyntaxError as exc:
        # syntax newer than this Python's (or a real error): libcst's grammar decides, once
        # a guard that needs no grammar has bounded the nesting
        python_error = exc
        problem = estimated_depth_problem(text)
    except (RecursionError, MemoryError):
        return AnalysisError(path, "nesting too deep to parse")
    except ValueError as exc:
        return AnalysisError(path, f"cannot parse: {exc}")
    if problem is not None:
        return AnalysisError(path, problem)
    scan_calls = any(m in source for m in _DYNAMIC_MARKERS)
    if tree is not None and not whole:
        from auditor.parse.skeleton import fact_skeleton

        skeleton = fact_skeleton(text, tree, scan_calls=scan_calls, definitions=definitions, lines=lines)
        collected = _collect(skeleton, scan_calls=scan_calls)
        if not isinstance(collected, BaseException):
            return collected, text
        # the skeleton should parse whenever the file does; if not, the whole file decides
    collected = _collect(text, scan_calls=scan_calls)
    if isinstance(collected, BaseException):
        return _parse_error(collected, text, python_error, path)
    return collected, text


def _collect(text: str, *, scan_calls: bool) -> FactsCollector | BaseException:
    """The libcst pass over `text`: the collector that saw every node, or what went wrong."""
    import libcst as cst  # lazy: a run served from the cache never loads libcst

    from auditor.parse.collector import FactsCollector

    try:
        tree = cst.parse_module(text)
        collector = FactsCollector(tree, scan_calls=scan_calls)
        tree._codegen(collector)
    except Exception as exc:  # a syntax error, too deep a nesting, or a parser bug: not a crash
        return exc
    return collector


def _parse_error(
    exc: BaseException, text: str, python_error: SyntaxError | None, path: str
) -> AnalysisError:
    import libcst as cst

    if isinstance(exc, cst.ParserSyntaxError):
        message = _syntax_message(exc.message, exc.raw_line, text.count("\n") + 1)
        if python_error is not None and message.startswith(f"syntax error: line {python_error.lineno}: "):
            # both parsers fail on the same line: CPython's words are the clearer ("invalid
            # syntax. Perhaps you forgot a comma?"); on another line, newer syntax misled it
            message = f"syntax error: line {python_error.lineno}: {' '.join(str(python_error.msg).split())}"
        return AnalysisError(path, message)
    if isinstance(exc, (RecursionError, MemoryError)):
        return AnalysisError(path, "nesting too deep to parse")
    return AnalysisError(path, f"cannot parse: {type(exc).__name__}: {exc}")


def parse_file_safely(
    abs_path: Path, *, path: str, module: str, is_package: bool, source: bytes | None = None
) -> FileFacts | AnalysisError:
    """Read (unless `source` is given) and parse one file; every failure is an AnalysisError."""
    if source is None:
        try:
            size = abs_path.stat().st_size
            if size > MAX_FILE_BYTES:
                return AnalysisError(
                    path, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; skipped"
                )
            source = abs_path.read_bytes()
        except OSError as exc:
            return AnalysisError(path, f"cannot read: {exc.strerror or exc}")
    return run_with_big_stack(lambda: parse_source(source, path=path, module=module, is_package=is_package))


def run_with_big_stack(fn: Callable[[], T]) -> T:
    """Run `fn` in a thread with a large stack and a raised recursion limit; re-raise its error."""
    if getattr(_local, "inside", False):
        return fn()
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        _local.inside = True
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, RECURSION_LIMIT))
        try:
            result.append(fn())
        except BaseException as exc:
            error.append(exc)
        finally:
            sys.setrecursionlimit(old)

    with _stack_lock:
        previous = threading.stack_size(STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name="auditor-parse", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if error:
        raise error[0]
    return result[0]


_local = threading.local()
_stack_lock = threading.Lock()
