"""What a change may weaken, by rule id, and how severe a weakening is (the `[guardrails]`
policy): apart from the guardrails' snapshot types (domain.guardrails), because every
configuration holds a policy and most runs never compare guardrails."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor.domain.findings import Finding, Origin, Severity

# weakening rule ids (each explained by `auditor rules explain`); strengthening is one info id
EXCEPTION_ADDED = "guardrail-exception-added"
CONTRACT_REMOVED = "guardrail-contract-removed"
CONTRACT_RELAXED = "guardrail-contract-relaxed"
SEVERITY_LOWERED = "guardrail-severity-lowered"
PACK_REMOVED = "guardrail-pack-removed"
SUPPRESSION_ADDED = "guardrail-suppression-added"
BASELINE_GROWN = "guardrail-baseline-grown"
STRENGTHENED = "guardrail-strengthened"
WEAKENING_RULES = (
    EXCEPTION_ADDED,
    CONTRACT_REMOVED,
    CONTRACT_RELAXED,
    SEVERITY_LOWERED,
    PACK_REMOVED,
    SUPPRESSION_ADDED,
    BASELINE_GROWN,
)
GUARDRAIL_RULES = (*WEAKENING_RULES, STRENGTHENED)
POLICY_ORIGINS = tuple(o.value for o in Origin)  # ai, human, mixed, unknown
# Finding.extra key, value "this-change": hidden by an exception or baseline entry this change adds
HIDDEN_BY = "hidden_by"


@dataclass(frozen=True, slots=True)
class GuardrailPolicy:
    """The severity of a weakening, by the origin of the lines that made it, and per rule id.

    Default: written by an AI agent (or partly: mixed) -> error; by a person, or not known
    (lines not committed yet) -> warning: the owners review those through CODEOWNERS."""

    by_origin: Mapping[str, Severity] = field(
        default_factory=lambda: {
            "ai": Severity.ERROR,
            "mixed": Severity.ERROR,
            "human": Severity.WARNING,
            "unknown": Severity.WARNING,
        }
    )
    by_rule: Mapping[str, Mapping[str, Severity]] = field(default_factory=dict)  # rule -> origin -> sev

    def severity(self, rule: str, origin: Origin) -> Severity:
        if rule == STRENGTHENED:
            return Severity.INFO
        per_rule = self.by_rule.get(rule, {})
        return per_rule.get(origin.value) or self.by_origin.get(origin.value) or Severity.WARNING

    def stricter(self, other: GuardrailPolicy) -> GuardrailPolicy:
        """Per origin and rule the higher of the two severities: a change cannot lower the
        severity of its own weakening (its policy change is itself reported)."""
        origins = {o: _max(self.by_origin.get(o), other.by_origin.get(o)) for o in POLICY_ORIGINS}
        rules: dict[str, dict[str, Severity]] = {}
        for rule in {*self.by_rule, *other.by_rule}:
            rules[rule] = {
                o: max(self.severity(rule, Origin(o)), other.severity(rule, Origin(o)), key=lambda s: s.rank)
                for o in POLICY_ORIGINS
            }
        return GuardrailPolicy({o: s for o, s in origins.items() if s is not None}, rules)


def _max(a: Severity | None, b: Severity | None) -> Severity | None:
    if a is None or b is None:
        return a or b
    return a if a.rank >= b.rank else b


def hidden_by_change(f: Finding) -> bool:
    """A finding an exception or baseline entry added in this change hides (`suppressed_by`
    names it): shown in every output, never failing by itself."""
    return (HIDDEN_BY, "this-change") in f.extra
