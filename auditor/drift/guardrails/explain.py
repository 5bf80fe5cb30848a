"""`auditor rules explain guardrail-...`: each guardrail rule in the four parts."""

from __future__ import annotations

from auditor.contracts.explain import Explanation
from auditor.domain.guardrails import (
    BASELINE_GROWN,
    CONTRACT_RELAXED,
    CONTRACT_REMOVED,
    EXCEPTION_ADDED,
    PACK_REMOVED,
    SEVERITY_LOWERED,
    STRENGTHENED,
    SUPPRESSION_ADDED,
)

_WHY = (
    "The easiest way for a change to pass the pre-merge check is to weaken the check. A green "
    "build must not hide a growing exception list, so the change to the rules is reviewed like "
    "the code it lets through: by default an AI agent's weakening fails (error), a person's is a "
    "warning that the owners of the config see through CODEOWNERS."
)
_TEXTS: dict[str, tuple[str, str, str]] = {
    EXCEPTION_ADDED: (
        "A change adds an [[exceptions]] entry, widens one (broader importer or imported "
        "pattern), or pushes its expiry date out (or removes it). The violation it covers is "
        "still listed, with `suppressed_by` naming the new exception.",
        '[[tool.auditor.exceptions]]\ncontract = "layered"\nimport = "shop.domain.orders -> shop.api.views"\n'
        'reason = "temporary"',
        "Fix the import (move the code to the layer it belongs in, or invert the dependency). If "
        "the exception is right, give it an owner, a real reason and an `expires` date, and have "
        "the config's owners approve it.",
    ),
    CONTRACT_REMOVED: (
        "A contract the base ref declares is gone from the working tree's configuration; its "
        "violations are no longer checked at all. The line is the contract's line at the base "
        "ref; the origin is that of the commit that removed it.",
        '-[[tool.auditor.contracts]]\n-id = "no-infra-in-domain"\n-type = "forbidden"',
        "Keep the contract and fix its violations, or add a narrow, expiring exception. Retire a "
        "contract in its own change, reviewed by its owner.",
    ),
    CONTRACT_RELAXED: (
        "A contract checks less than it did: layers reordered or dropped, modules removed from "
        "its lists (or added to an allow-list), `ignore_imports` entries added, "
        "`allow_indirect_imports` turned on, import kinds ignored; a layer definition lost "
        "modules; `exclude` or `[security] exclude` took files out of the audit or the scan; or "
        "`[security.params]`/`[security.extend_params]` added names to an auth rule's allow-list "
        "(public routes, auth decorators, calls, dependencies).",
        '[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\nlayers = ["api", "domain"]\n'
        'ignore_imports = ["shop.domain.orders -> shop.api.views"]  # added',
        "Fix the imports the relaxation would let through. A deliberate architecture change "
        "belongs in its own change, with the owners' review.",
    ),
    SEVERITY_LOWERED: (
        "A contract's severity went down (error -> warning), `fail_on` went up (warning -> "
        "error: fewer findings fail), or the [guardrails] policy lowered the severity of a "
        "weakening. The check judges with the stricter of the base's and the change's policy.",
        '[[tool.auditor.contracts]]\nid = "layered"\nseverity = "warning"  # was "error"',
        "Keep the severity and fix the findings, or accept specific ones in the baseline with a "
        "reason.",
    ),
    PACK_REMOVED: (
        "A rule pack the base ref loads is no longer loaded, is pinned to an older version, or "
        "semgrep was switched off: its contracts and security rules no longer run.",
        'packs = []  # was ["builtin:python-security"]',
        "Keep the pack; silence a single false positive where it occurs, with the owners' review.",
    ),
    SUPPRESSION_ADDED: (
        "A line the change adds carries `# nosemgrep`: semgrep's security rules skip that line. "
        "auditor has no inline ignore of its own (exceptions live in the config, owned and "
        "expiring), so this is the one inline switch.",
        "value = eval(expression)  # nosemgrep",
        "Fix the code the rule flags (here: parse the value, e.g. ast.literal_eval). For a true false positive, "
        "name the rule (`# nosemgrep: rule-id`) and say why in the review.",
    ),
    BASELINE_GROWN: (
        "The committed baseline accepts a finding it did not accept at the base ref (e.g. "
        "`auditor baseline --accept-new`). One finding per added entry, with its reason; the "
        "finding it accepts is listed with `suppressed_by`.",
        '{"fingerprint": "2bd9...", "rule": "layered", "reason": "legacy, later"}',
        "Fix the new finding instead; a baseline only shrinks. Accept existing debt once, when "
        "adopting auditor, not finding by finding in feature changes.",
    ),
}


def explain_guardrail(rule: str) -> Explanation | None:
    if rule == STRENGTHENED:
        return Explanation(
            f"guardrail rule '{rule}' (info)",
            "A change that makes the guardrails stricter: a contract, pack or exception expiry "
            "added, an exception or baseline entry removed, a severity raised.",
            "Listed so that reviewers see every change to the rules, in both directions.",
            '[[tool.auditor.contracts]]\nid = "no-api-in-infra"  # added',
            "Nothing to do.",
            (("severity", "info"),),
        )
    text = _TEXTS.get(rule)
    if text is None:
        return None
    what, example, instead = text
    facts = (("severity", "error when written by an AI agent, warning by a person ([guardrails] policy)"),)
    return Explanation(f"guardrail rule '{rule}'", what, _WHY, example, instead, facts)
