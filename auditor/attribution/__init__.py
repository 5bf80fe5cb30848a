"""Attribution: which lines, and so which findings, were written by a coding agent.

Entry points: `attribute` (line origins of files at HEAD), `attribute_findings` (copy origin,
agent, model, commit and author onto findings), `drift_rates` (findings per KLOC by origin).

Its names are imported on first use (PEP 562): a check in a folder without git history needs
only `attribution.outcome`, not the blame engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.domain.lazy_names import lazy_names

if TYPE_CHECKING:
    from auditor.attribution.engine import attribute
    from auditor.attribution.outcome import AttributionOutcome
    from auditor.attribution.summary import ai_share, attribute_findings, by_module, drift_rates, module_of

_HOME = {
    "AttributionOutcome": "auditor.attribution.outcome",
    "attribute": "auditor.attribution.engine",
    **dict.fromkeys(
        ("ai_share", "attribute_findings", "by_module", "drift_rates", "module_of"), "auditor.attribution.summary"
    ),
}

__all__ = [
    "AttributionOutcome",
    "ai_share",
    "attribute",
    "attribute_findings",
    "by_module",
    "drift_rates",
    "module_of",
]

__getattr__ = lazy_names(__name__, _HOME)
