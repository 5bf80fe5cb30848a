"""Attribution: which lines, and so which findings, were written by a coding agent.

Entry points: `attribute` (line origins of files at HEAD), `attribute_findings` (copy origin,
agent, model, commit and author onto findings), `drift_rates` (findings per KLOC by origin).
"""

from auditor.attribution.engine import AttributionOutcome, attribute
from auditor.attribution.summary import ai_share, attribute_findings, by_module, drift_rates, module_of

__all__ = [
    "AttributionOutcome",
    "ai_share",
    "attribute",
    "attribute_findings",
    "by_module",
    "drift_rates",
    "module_of",
]
