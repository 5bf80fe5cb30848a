"""What changed between two states of the guardrails, weakening or strengthening.

Each `GuardrailChange` names the line of the change in the later state, or, for a removal, the
line in the earlier state (`at_ref`). Identity (`subject`) never holds a line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from auditor.domain.findings import Origin, Severity
from auditor.domain.guardrails import (
    BASELINE_GROWN,
    CONTRACT_RELAXED,
    CONTRACT_REMOVED,
    EXCEPTION_ADDED,
    PACK_REMOVED,
    POLICY_ORIGINS,
    SEVERITY_LOWERED,
    STRENGTHENED,
    WEAKENING_RULES,
    ContractGuard,
    ExceptionGuard,
    Guardrails,
    Spot,
)

# contract options whose growth lets more imports through, and those whose shrinking does
GROW_RELAXES = frozenset({"allowed_importers", "allowed_modules", "interface"})
SHRINK_RELAXES = frozenset({"source_modules", "forbidden_modules", "modules", "containers", "ancestors"})
# boolean options and the value that relaxes the contract
RELAXED_WHEN = {"allow_indirect_imports": True, "exhaustive": False, "include_external": False}
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)")


@dataclass(frozen=True, slots=True)
class GuardrailChange:
    rule: str  # a guardrail-* rule id (STRENGTHENED for a strengthening)
    subject: str  # what changed, stable: "contract:ID", "exception:TEXT", "baseline:FP", ...
    message: str
    spot: Spot
    at_ref: bool = False  # `spot` is a line of the earlier state (the thing was removed)
    owner: str | None = None  # the contract's or exception's owner, when it has one
    exemption: str | None = None  # exception text / baseline fingerprint this change added

    @property
    def weakening(self) -> bool:
        return self.rule in WEAKENING_RULES


def compare(before: Guardrails, after: Guardrails) -> list[GuardrailChange]:
    """Every change from `before` to `after`, weakening first, each once."""
    changes: list[GuardrailChange] = []
    removed_packs = {p.name for p in before.packs} - {p.name for p in after.packs}
    changes += _packs(before, after)
    changes += _contracts(before, after, removed_packs)
    changes += _exceptions(before, after)
    changes += _baseline(before, after)
    changes += _layers(before, after)
    changes += _settings(before, after)
    return sorted(changes, key=lambda c: (not c.weakening, c.spot.path, c.spot.line or 0, c.rule, c.subject))


def _packs(before: Guardrails, after: Guardrails) -> list[GuardrailChange]:
    out = []
    now = {p.name: p for p in after.packs}
    for old in before.packs:
        new = now.get(old.name)
        subject = f"pack:{old.name}"
        if new is None:
            out.append(GuardrailChange(PACK_REMOVED, subject, f"pack '{old.name}' {old.version} removed: its contracts and rules no longer run", old.spot, at_ref=True))
        elif _version(new.version) < _version(old.version):
            out.append(GuardrailChange(PACK_REMOVED, subject, f"pack '{old.name}' pinned to an older version: {old.version} -> {new.version}", new.spot))
    was = {p.name for p in before.packs}
    out += [GuardrailChange(STRENGTHENED, f"pack:{p.name}", f"pack '{p.name}' {p.version} added", p.spot) for p in after.packs if p.name not in was]
    return out


def _version(text: str) -> tuple[int, int, int]:
    found = _SEMVER.match(text)
    return (int(found[1]), int(found[2]), int(found[3])) if found else (0, 0, 0)


def _contracts(before: Guardrails, after: Guardrails, removed_packs: set[str]) -> list[GuardrailChange]:
    out = []
    now = {c.id: c for c in after.contracts}
    was = {c.id: c for c in before.contracts}
    for old in before.contracts:
        new = now.get(old.id)
        if new is None:
            if old.pack is None or old.pack not in removed_packs:  # else the pack's removal says it
                where = f" (from pack '{old.pack}')" if old.pack else ""
                out.append(GuardrailChange(CONTRACT_REMOVED, f"contract:{old.id}", f"contract '{old.id}' ({old.type}){where} removed", old.spot, at_ref=True, owner=old.owner))
            continue
        out += contract_changes(old, new)
    out += [GuardrailChange(STRENGTHENED, f"contract:{c.id}", f"contract '{c.id}' ({c.type}) added", c.spot, owner=c.owner) for c in after.contracts if c.id not in was]
    return out


def contract_changes(old: ContractGuard, new: ContractGuard) -> list[GuardrailChange]:
    """How one contract changed: relaxed, severity lowered, or tightened."""
    out: list[GuardrailChange] = []
    subject = f"contract:{new.id}"

    def change(rule: str, what: str, line: int | None, key: str) -> None:
        out.append(GuardrailChange(rule, f"{subject}:{key}", f"contract '{new.id}': {what}", Spot(new.spot.path, line or new.spot.line), owner=new.owner))

    if old.type != new.type:
        change(CONTRACT_RELAXED, f"type changed from {old.type} to {new.type}", new.spot.line, "type")
    if new.severity.rank < old.severity.rank:
        change(SEVERITY_LOWERED, f"severity lowered from {old.severity} to {new.severity}", None, "severity")
    elif new.severity.rank > old.severity.rank:
        change(STRENGTHENED, f"severity raised from {old.severity} to {new.severity}", None, "severity")
    added = [i for i in new.ignore_imports if i not in old.ignore_imports]
    if added:
        lines = dict(zip(new.ignore_imports, new.ignore_import_lines, strict=False))
        change(CONTRACT_RELAXED, f"ignore_imports added: {', '.join(added)}", lines.get(added[0]), "ignore_imports:" + "|".join(added))
    if any(i not in new.ignore_imports for i in old.ignore_imports):
        change(STRENGTHENED, "ignore_imports entries removed", None, "ignore_imports-removed")
    kinds = [k for k in new.ignore_kinds if k not in old.ignore_kinds]
    if kinds:
        change(CONTRACT_RELAXED, f"import kinds ignored: {', '.join(kinds)}", None, "ignore_kinds:" + "|".join(kinds))
    narrowed = (not old.only_kinds and new.only_kinds) or any(k not in new.only_kinds for k in old.only_kinds if new.only_kinds)
    if narrowed:
        change(CONTRACT_RELAXED, f"only_kinds narrowed to {', '.join(new.only_kinds)}", None, "only_kinds")
    for key in sorted({*old.options, *new.options}):
        out += [
            GuardrailChange(rule, f"{subject}:{key}:{detail}", f"contract '{new.id}': {what}", Spot(new.spot.path, new.option_lines.get(key) or new.spot.line), owner=new.owner)
            for rule, what, detail in _option_changes(key, old.options.get(key), new.options.get(key))
        ]
    return out


def _items(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, str) else repr(v) for v in value]
    return [] if value is None else [value if isinstance(value, str) else repr(value)]


def _option_changes(key: str, old: object, new: object) -> Iterable[tuple[str, str, str]]:
    """(rule, what, detail) for one option of a contract."""
    if old == new:
        return
    if key in RELAXED_WHEN:
        relaxed = RELAXED_WHEN[key]
        if new == relaxed and old != relaxed:
            yield CONTRACT_RELAXED, f"{key} turned {'on' if relaxed else 'off'}", str(new)
        elif old == relaxed and new != relaxed:
            yield STRENGTHENED, f"{key} turned {'off' if relaxed else 'on'}", str(new)
        return
    before, after = _items(old), _items(new)
    gone = [i for i in before if i not in after]
    came = [i for i in after if i not in before]
    if key == "layers":
        if gone:
            yield CONTRACT_RELAXED, f"layers dropped: {', '.join(gone)}", "dropped:" + "|".join(gone)
        kept_before = [i for i in before if i in after]
        kept_after = [i for i in after if i in before]
        if kept_before != kept_after:
            yield CONTRACT_RELAXED, f"layers reordered: {' > '.join(kept_before)} became {' > '.join(kept_after)}", "order"
        if came:
            yield STRENGTHENED, f"layers added: {', '.join(came)}", "added"
        return
    loosening, tightening = (came, gone) if key in GROW_RELAXES else (gone, came)
    if key in GROW_RELAXES or key in SHRINK_RELAXES:
        if loosening:
            verb = "added to" if key in GROW_RELAXES else "removed from"
            yield CONTRACT_RELAXED, f"modules {verb} {key}: {', '.join(loosening)}", "|".join(loosening)
        if tightening:
            yield STRENGTHENED, f"{key} tightened: {', '.join(tightening)}", "tightened"


def _exceptions(before: Guardrails, after: Guardrails) -> list[GuardrailChange]:
    out = []
    was = {e.key: e for e in before.exceptions}
    now = {e.key: e for e in after.exceptions}
    dropped = [e for e in before.exceptions if e.key not in now]
    widened: set[tuple[str, str, str]] = set()
    contract_owners = {c.id: c.owner for c in after.contracts if c.owner}
    for new in after.exceptions:
        if new.owner is None and new.contract in contract_owners:  # else the contract's owner
            new = replace(new, owner=contract_owners[new.contract])
        old = was.get(new.key)
        subject = f"exception:{new.text}"
        if old is None:
            wider = next((d for d in dropped if d.contract == new.contract and _covers(new, d)), None)
            if wider is not None:
                widened.add(wider.key)
                what = f"exception widened from '{wider.text}' to '{new.text}' (reason: {new.reason})"
            else:
                what = f"exception '{new.text}' added (reason: {new.reason})"
            out.append(GuardrailChange(EXCEPTION_ADDED, subject, what, new.spot, owner=new.owner, exemption=new.text))
        elif old.expires is not None and (new.expires is None or new.expires > old.expires):
            until = new.expires.isoformat() if new.expires else "never"
            what = f"exception '{new.text}': expiry pushed out from {old.expires.isoformat()} to {until}"
            out.append(GuardrailChange(EXCEPTION_ADDED, f"{subject}:expires", what, new.spot, owner=new.owner))
        elif new.expires is not None and (old.expires is None or new.expires < old.expires):
            out.append(GuardrailChange(STRENGTHENED, f"{subject}:expires", f"exception '{new.text}' now expires on {new.expires.isoformat()}", new.spot, owner=new.owner))
    out += [
        GuardrailChange(STRENGTHENED, f"exception:{d.text}", f"exception '{d.text}' removed", d.spot, at_ref=True, owner=d.owner)
        for d in dropped
        if d.key not in widened
    ]
    return out


def _covers(new: ExceptionGuard, old: ExceptionGuard) -> bool:
    """Whether `new`'s patterns allow every import `old`'s did (a widening)."""
    from auditor.graph.patterns import ModulePattern

    def within(pattern: str, other: str) -> bool:
        if pattern == other:
            return True
        try:
            return ModulePattern(pattern).matches(other.replace("*", "x"))
        except ValueError:
            return False

    return within(new.importer, old.importer) and within(new.imported, old.imported)


def _baseline(before: Guardrails, after: Guardrails) -> list[GuardrailChange]:
    was = {e.fingerprint for e in before.baseline}
    now = {e.fingerprint for e in after.baseline}
    out = [
        GuardrailChange(
            BASELINE_GROWN,
            f"baseline:{e.fingerprint}",
            f"baseline accepts {e.rule} at {e.path or '-'}: {e.message} (reason: {e.reason or 'none given'})",
            e.spot,
            exemption=e.fingerprint,
        )
        for e in after.baseline
        if e.fingerprint not in was
    ]
    gone = [e for e in before.baseline if e.fingerprint not in now]
    if gone:
        spot = Spot(after.baseline_path or gone[0].spot.path)
        out.append(GuardrailChange(STRENGTHENED, "baseline:shrunk", f"baseline shrank by {len(gone)} entr{'y' if len(gone) == 1 else 'ies'} (their findings no longer occur)", spot))
    return out


def _layers(before: Guardrails, after: Guardrails) -> list[GuardrailChange]:
    out = []
    now = {layer.name: layer for layer in after.layers}
    for old in before.layers:
        new = now.get(old.name)
        if new is None:
            out.append(GuardrailChange(CONTRACT_RELAXED, f"layer:{old.name}", f"layer '{old.name}' no longer defined", old.spot, at_ref=True))
            continue
        gone = [p for p in old.patterns if p not in new.patterns]
        if gone:
            out.append(GuardrailChange(CONTRACT_RELAXED, f"layer:{old.name}:" + "|".join(gone), f"modules removed from layer '{old.name}': {', '.join(gone)}", new.spot))
    return out


def _settings(before: Guardrails, after: Guardrails) -> list[GuardrailChange]:
    out: list[GuardrailChange] = []
    old_fail, new_fail = before.setting("fail_on"), after.setting("fail_on")
    if old_fail and new_fail and old_fail.value != new_fail.value:
        rank_old, rank_new = Severity(str(old_fail.value)).rank, Severity(str(new_fail.value)).rank
        rule = SEVERITY_LOWERED if rank_new > rank_old else STRENGTHENED
        out.append(GuardrailChange(rule, "setting:fail_on", f"fail_on changed from {old_fail.value} to {new_fail.value}", new_fail.spot))
    for key, leave in (("exclude", "the audit"), ("security.exclude", "the security scan")):
        old_ex, new_ex = before.setting(key), after.setting(key)
        if old_ex and new_ex:
            added = [p for p in _items(new_ex.value) if p not in _items(old_ex.value)]
            if added:
                out.append(GuardrailChange(CONTRACT_RELAXED, f"setting:{key}:" + "|".join(added), f"{key} patterns added (files leave {leave}): {', '.join(added)}", new_ex.spot))
    out += _security_params(before, after)
    old_on, new_on = before.setting("semgrep.enabled"), after.setting("semgrep.enabled")
    if old_on and new_on and old_on.value is True and new_on.value is False:
        out.append(GuardrailChange(PACK_REMOVED, "setting:semgrep.enabled", "semgrep switched off: the packs' security rules no longer run", new_on.spot))
    out += _policy(before, after)
    return out


def _security_params(before: Guardrails, after: Guardrails) -> list[GuardrailChange]:
    """Names the change's config added to an allow-list of the auth rules (public routes, auth
    decorators, calls, dependencies), against what REF's packs or config gave."""
    out = []
    for setting in after.settings:
        if not setting.key.startswith("security.params."):
            continue
        name = setting.key.removeprefix("security.params.")
        old = before.setting(setting.key) or before.setting(f"security.pack_params.{name}")
        if old is None:
            continue
        added = [v for v in _items(setting.value) if v not in _items(old.value)]
        if added:
            what = f"security parameter {name} widened: {', '.join(added)} (more routes pass the auth rules)"
            out.append(GuardrailChange(CONTRACT_RELAXED, f"setting:{setting.key}:" + "|".join(added), what, setting.spot))
    return out


def _policy(before: Guardrails, after: Guardrails) -> list[GuardrailChange]:
    """The [guardrails] policy lowered: per origin, then per rule with its own severities."""
    out = []
    for origin in POLICY_ORIGINS:
        old, new = before.policy.by_origin.get(origin), after.policy.by_origin.get(origin)
        if old is not None and new is not None and new.rank < old.rank:
            out.append(_policy_change(after, None, origin, old, new))
        for rule in sorted({*before.policy.by_rule, *after.policy.by_rule}):
            old = before.policy.severity(rule, Origin(origin))
            new = after.policy.severity(rule, Origin(origin))
            if new.rank < old.rank:
                out.append(_policy_change(after, rule, origin, old, new))
    return out


def _policy_change(after: Guardrails, rule: str | None, origin: str, old: Severity, new: Severity) -> GuardrailChange:
    key = f"guardrails.rules.{rule}.{origin}" if rule else f"guardrails.{origin}"
    setting = after.setting(key) or after.setting(f"guardrails.{origin}")
    spot = setting.spot if setting else Spot(after.config_path or "")
    what = f"guardrail weakenings {'of ' + rule + ' ' if rule else ''}by origin {origin} lowered from {old} to {new}"
    return GuardrailChange(SEVERITY_LOWERED, f"policy:{rule or '*'}:{origin}", what, spot)
