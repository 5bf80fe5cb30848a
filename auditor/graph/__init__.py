"""The graph stage: resolve raw imports into an import graph of modules (networkx)."""

from auditor.graph.model import ImportGraph
from auditor.graph.patterns import ModulePattern

__all__ = ["ImportGraph", "ModulePattern"]
