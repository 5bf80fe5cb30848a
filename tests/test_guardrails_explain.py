"""`auditor rules explain guardrail-...`: every guardrail rule in the four parts."""

from __future__ import annotations

import pytest

from auditor.cli.main import main
from auditor.domain.guardrails import GUARDRAIL_RULES


@pytest.mark.parametrize("rule", GUARDRAIL_RULES)
def test_every_guardrail_rule_is_explained_in_four_parts(rule, tmp_path, capsys):
    assert main(["rules", "explain", rule, str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"guardrail rule '{rule}'")
    for part in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        body = out.split(part, 1)[1].split("##", 1)[0].strip()
        assert body, (rule, part)
