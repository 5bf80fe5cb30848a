"""`auditor history` output: per-rule and per-origin counts over the last runs, open findings.

The text is printed in CI logs and put inside a Markdown fence by the nightly summary: every
repository string is made visible (no newline, control or bidi character) and no line can be a
workflow command or close the fence (support.textsafe)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from auditor.domain.run_views import HistoryPoint
from auditor.drift.history import FindingRow
from auditor.support.bounded import clip
from auditor.support.textsafe import guard_lines
from auditor.support.textsafe import visible as plain

NAME_WIDTH = 80


def history_dict(points: Sequence[HistoryPoint], open_rows: Sequence[FindingRow]) -> dict[str, Any]:
    return {
        "runs": [
            {
                "run_id": p.run_id,
                "started_at": p.started_at,
                "commit": p.commit,
                "total": p.total,
                "by_rule": dict(sorted(p.by_rule.items())),
                "by_origin": dict(sorted(p.by_origin.items())),
            }
            for p in points
        ],
        "open_findings": [
            {
                "fingerprint": r.fingerprint,
                "rule": r.rule,
                "kind": r.kind,
                "severity": r.severity,
                "path": r.path,
                "line": r.line,
                "origin": r.origin,
                "agent": r.agent,
                "owner": r.owner,
                "status": r.status,
                "first_seen": r.first_seen,
                "carried": bool(r.carried),  # its stage did not run that night: not re-checked
            }
            for r in open_rows
        ],
    }


def write_json(points: Sequence[HistoryPoint], open_rows: Sequence[FindingRow]) -> str:
    return json.dumps(history_dict(points, open_rows), indent=2, ensure_ascii=True) + "\n"


def _table(title: str, rows: dict[str, list[int]], width: int) -> list[str]:
    lines = [f"{title:<{width}}"]
    for name in sorted(rows):
        counts = "".join(f"{n:>8}" for n in rows[name])
        lines.append(f"  {_name(name):<{width - 2}}{counts}")
    return lines


def _name(value: str) -> str:
    """A rule or origin as the table shows it: visible, and clipped (it sets the column width)."""
    return clip(plain(value), NAME_WIDTH)


def write_text(points: Sequence[HistoryPoint], open_rows: Sequence[FindingRow]) -> str:
    if not points:
        return "no runs recorded yet (`auditor audit` records one per run)\n"
    rules = sorted({r for p in points for r in p.by_rule})
    origins = sorted({o for p in points for o in p.by_origin})
    width = max([len(_name(r)) for r in rules] + [len("by origin"), 20]) + 4
    out = [f"last {len(points)} run(s), oldest first"]
    out.append(f"{'run':<{width}}" + "".join(f"{'#' + str(p.run_id):>8}" for p in points))
    out.append(f"{'date':<{width}}" + "".join(f"{p.started_at[5:10]:>8}" for p in points))
    out.append(f"{'commit':<{width}}" + "".join(f"{plain((p.commit or '-')[:7]):>8}" for p in points))
    out.append(f"{'total':<{width}}" + "".join(f"{p.total:>8}" for p in points))
    out += _table("by rule", {r: [p.by_rule.get(r, 0) for p in points] for r in rules}, width)
    out += _table("by origin", {o: [p.by_origin.get(o, 0) for p in points] for o in origins}, width)
    out.append("")
    out.append(f"open findings ({len(open_rows)}), by first seen")
    for r in open_rows:
        where = plain(r.path or "-") + (f":{r.line}" if r.line else "")
        who = r.origin + (f"/{plain(r.agent)}" if r.agent else "")
        out.append(
            f"  {r.first_seen[:10]}  {plain(r.rule)}  {where}  [{r.severity}, {who}, "
            f"owner {plain(r.owner or 'unowned')}]"
        )
    return guard_lines("\n".join(out) + "\n")
