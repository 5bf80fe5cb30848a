"""The one bounded reader of repository JSON, and the caps on warnings and quoted strings."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.support.bounded import STRING_LIMIT, WarningLog, bound_messages, clip
from auditor.support.inputs import MAX_DEPTH, JsonTooDeep, RefusedInput, loads, read_bounded, read_json


def test_depth_limit_refuses_deep_documents_without_recursion_error() -> None:
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    for deep in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        with pytest.raises(JsonTooDeep, match=f"nested deeper than {MAX_DEPTH}"):
            loads(deep)
    with pytest.raises(JsonTooDeep):
        loads("[{" * 40 + "}]" * 40)  # interleaved: 80 levels, no long run of one bracket
    with pytest.raises(JsonTooDeep):
        loads("[" * (sys.getrecursionlimit() * 3))  # deep and unterminated: still the depth error


def test_brackets_in_strings_do_not_count() -> None:
    text = json.dumps({"a": "[" * 10_000, "b": ['\\"[[[' * 100]})
    assert loads(text)["a"] == "[" * 10_000
    assert isinstance(loads("[" * 200 + "]" * 200, max_depth=200), list)


def test_depth_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        loads("[" * 1000)
    with pytest.raises(ValueError):
        loads("{broken")


def test_special_files_are_refused_before_reading(tmp_path: Path) -> None:
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    with pytest.raises(RefusedInput, match="not a regular file"):
        read_bounded(zero, max_bytes=1 << 20)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(RefusedInput, match="not a regular file"):
        read_bounded(fifo, max_bytes=1 << 20)  # opening it would block: never opened
    folder = tmp_path / "dir.json"
    folder.mkdir()
    with pytest.raises(RefusedInput, match="not a regular file"):
        read_bounded(folder, max_bytes=1 << 20)


def test_size_cap_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"[" + b"1," * 600_000 + b"1]")
    with pytest.raises(RefusedInput, match="larger than 1 MB"):
        read_json(big, max_bytes=1 << 20)
    assert len(read_json(big, max_bytes=2 << 20)) == 600_001
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "missing.json", max_bytes=10)


def test_clip_keeps_both_ends_with_an_ellipsis() -> None:
    assert clip("short") == "short"
    long = "a" * 5000 + "TAIL"
    clipped = clip(long)
    assert len(clipped) == STRING_LIMIT and "…" in clipped and clipped.endswith("TAIL")
    assert clipped.startswith("a")


@settings(max_examples=200, deadline=None)
@given(st.text(), st.integers(min_value=2, max_value=300))
def test_clip_never_exceeds_the_limit(value: str, limit: int) -> None:
    out = clip(value, limit)
    assert len(out) <= limit and (out == value) == (len(value) <= limit)


def test_warning_log_caps_and_deduplicates_per_source() -> None:
    log = WarningLog("traces.jsonl", limit=20)
    for i in range(10_000):
        log.append(f"traces.jsonl:1: {'p' * 100_000}: bad range {i}")
    for _ in range(50):
        log.append("same")
    lines = log.lines()
    assert len(lines) == 21
    assert lines[-1] == "traces.jsonl: and 10,030 more warnings like these"
    assert all(len(line) <= 1000 for line in lines)
    other = WarningLog("x")
    for _ in range(5):
        other.append("same")
    assert other.lines() == ["same (5 times)"]


def test_bound_messages_is_the_last_safety_net() -> None:
    messages = [f"m{i % 300}: " + "x" * 5000 for i in range(1000)]
    out = bound_messages(messages, limit=200)
    assert len(out) == 201 and out[-1] == "and 100 more warnings"
    assert all(len(m) <= 1000 for m in out)
    assert bound_messages(["a", "a", "b"]) == ["a", "b"]
