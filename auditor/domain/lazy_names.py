"""A package's names imported on first use (PEP 562), for the packages whose `__init__` would
otherwise import every module they re-export (auditor.domain, auditor.attribution,
auditor.security): a run pays only for the modules it uses."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: the name from its home module (`homes`: name ->
    module), imported on first access and then kept on the package."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)  # once: later lookups find it directly
        return value

    return __getattr__
