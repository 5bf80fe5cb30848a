"""Where caches live by default: the user's cache folder, never the audited tree.

A repository can commit anything into its own tree, including a `.auditor/cache.sqlite` that
says a file has no imports. So the default cache of a project is
`$XDG_CACHE_HOME/auditor/projects/<folder name>-<hash of its real path>/` (`~/.cache/...` when
XDG_CACHE_HOME is unset; `~/Library/Caches/auditor` on macOS, `%LOCALAPPDATA%\\auditor` on
Windows): a place only the user writes, one folder per project checkout.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from auditor.domain.digest import sha256

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def user_cache_root() -> Path:
    """The user's cache folder for auditor (not created here)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG spec ignores a relative value
        return Path(xdg) / "auditor"
    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no HOME and no password entry: a private folder per run
        import tempfile  # lazy: hardly ever needed

        return Path(tempfile.mkdtemp(prefix="auditor-cache-"))
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "auditor"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "auditor"
    return home / ".cache" / "auditor"


def project_cache_dir(root: Path) -> Path:
    """The default cache folder of the project whose root is `root` (no I/O but realpath)."""
    real = os.path.realpath(root)
    digest = sha256(os.fsencode(real)).hexdigest()[:16]
    name = _UNSAFE.sub("_", os.path.basename(real))[:40].strip("._") or "root"
    return user_cache_root() / "projects" / f"{name}-{digest}"
