"""Every benchmark script still imports: a refactor of a shared helper (timing, bench_premerge)
must not leave another script broken until someone runs it by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize("script", sorted(p.stem for p in BENCHMARKS.glob("*.py")))
def test_benchmark_script_imports(script):
    done = subprocess.run(
        [sys.executable, "-c", f"import {script}"], cwd=BENCHMARKS, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
