"""Real packages from PyPI for peer comparisons and benchmarks, cached under .cache/realpkgs.

`unpacked("django", "5.2")` downloads the wheel once (pip download, no deps) and unpacks it;
later calls reuse the cache. Nothing here imports or runs the package's code.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import zipfile
from pathlib import Path

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "realpkgs"


def unpacked(distribution: str, version: str) -> Path:
    """A directory holding the wheel's top-level packages (a site-packages-like root)."""
    dest = CACHE / f"{distribution.lower()}-{version}"
    marker = dest / ".complete"
    if marker.exists():
        return dest
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f".{distribution.lower()}-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return dest
        wheels = CACHE / "wheels"
        wheels.mkdir(exist_ok=True)
        spec = f"{distribution}=={version}"
        found = _wheels(wheels, distribution, version)
        if not found:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                 "-d", str(wheels), spec],
                check=True,
            )
            found = _wheels(wheels, distribution, version)
        if not found:
            raise RuntimeError(f"no wheel found for {spec}")
        with zipfile.ZipFile(found[-1]) as wheel:
            wheel.extractall(dest)
        marker.touch()
    return dest


def _wheels(folder: Path, distribution: str, version: str) -> list[Path]:
    prefix = f"{distribution.lower().replace('-', '_')}-{version}-"
    return sorted(w for w in folder.glob("*.whl") if w.name.lower().startswith(prefix))
