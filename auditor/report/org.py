"""`auditor org report`: the organisation dashboard (`index.html`) and its data (`org.json`).

Both are drawn from one OrgSummary. The page is rendered like the run report (html.py): the
same Jinja2 environment with autoescaping, the same stylesheet, its own small script, both
inlined and allowed by their hashes in the same Content-Security-Policy; it loads nothing.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from auditor.domain.org import ORIGINS, OrgRepository, OrgSummary
from auditor.report.html import content_security_policy, environment, static_text
from auditor.report.writers._common import TOOL_NAME

ORG_SCHEMA_VERSION = 1
PAGE_TEMPLATE = "org.html.j2"
STYLE_FILE = "report.css"
SCRIPT_FILE = "org.js"
_BARS = "▁▂▃▄▅▆▇█"


def _repository_dict(r: OrgRepository) -> dict[str, Any]:
    last = r.last
    return {
        "name": r.name,
        "runs": r.runs,
        "last": {
            "commit": last.commit,
            "date": last.date,
            "findings": {
                "open": last.open,
                "new": last.new,
                "by_status": dict(last.by_status),
                "by_severity": dict(last.by_severity),
            },
            "ai_line_share": last.ai_line_share,
            "drift_rate_by_origin": {o: last.drift_rate_by_origin.get(o) for o in ORIGINS},
            "guardrail": last.guardrail,
        },
        "trend": [{"date": p.date, "commit": p.commit, "open": p.open, "new": p.new} for p in r.trend],
        "direction": r.direction,
    }


def org_dict(summary: OrgSummary, tool_version: str) -> dict[str, Any]:
    """org.json (docs/outputs.md): stable keys, more may be added."""
    by_name = {r.name: r for r in summary.repositories}
    return {
        "schema_version": ORG_SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "history": summary.location,
        "generated_at": summary.generated_at,
        "repositories": [_repository_dict(r) for r in summary.repositories],
        "drift_by_agent": dict(summary.drift_by_agent),
        "drift_by_model": dict(summary.drift_by_model),
        "open_by_owner": dict(summary.open_by_owner),
        "guardrail_changes": {
            "total": sum(summary.guardrail_by_repository.values()),
            "by_repository": dict(summary.guardrail_by_repository),
        },
        "worst_drifting": [
            {"name": name, "new": by_name[name].last.new, "open": by_name[name].last.open}
            for name in summary.worst_drifting
        ],
    }


def render_org_json(summary: OrgSummary, tool_version: str) -> str:
    return json.dumps(org_dict(summary, tool_version), indent=2, ensure_ascii=False) + "\n"


def sparkline(values: list[int]) -> str:
    """Open findings over the last runs as block characters (the page stays text, no script)."""
    if not values:
        return ""
    top = max(values) or 1
    return "".join(_BARS[min(len(_BARS) - 1, round(v / top * (len(_BARS) - 1)))] for v in values)


def render_org_html(summary: OrgSummary, tool_version: str) -> str:
    env = environment()
    style = static_text(env, STYLE_FILE)
    script = static_text(env, SCRIPT_FILE)
    data = org_dict(summary, tool_version)
    for row, repository in zip(data["repositories"], summary.repositories, strict=True):
        row["spark"] = sparkline([p.open for p in repository.trend])
    return env.get_template(PAGE_TEMPLATE).render(
        org=data,
        origins=ORIGINS,
        style=Markup(style),
        script=Markup(script),
        csp=content_security_policy(style, script),
    )
