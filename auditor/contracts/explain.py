"""`auditor rules explain`: a contract type, a declared contract or a semgrep rule, in ruff's four
parts (what it does, why, an example, what to do instead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.config.model import ContractSpec
from auditor.contracts.registry import CONTRACT_TYPES


@dataclass(frozen=True, slots=True)
class Explanation:
    title: str
    what: str
    why: str
    example: str
    instead: str
    facts: tuple[tuple[str, str], ...] = ()  # e.g. ("severity", "error"), ("cwe", "CWE-89")


def explain_contract_type(name: str) -> Explanation | None:
    cls = CONTRACT_TYPES.get(name)
    if cls is None:
        return None
    alias = f" (alias of {cls.type_name})" if name != cls.type_name else ""
    doc = cls.doc
    return Explanation(f"contract type '{name}'{alias}", doc.what, doc.why, doc.example, doc.instead)


def explain_contract(spec: ContractSpec) -> Explanation:
    """A declared contract: its type's docs, with its own guidance as what to do instead."""
    base = explain_contract_type(spec.type)
    facts = [("type", spec.type), ("severity", spec.severity.value)]
    if spec.pack:
        facts.append(("pack", spec.pack))
    if spec.owner:
        facts.append(("owner", spec.owner))
    if spec.location.path:
        facts.append(("declared at", str(spec.location)))
    options = ", ".join(f"{k} = {v!r}" for k, v in sorted(spec.options.items()))
    if options:
        facts.append(("options", options))
    if base is None:
        return Explanation(f"contract '{spec.id}'", f"unknown type {spec.type!r}", "", "", "", tuple(facts))
    instead = spec.guidance or base.instead
    return Explanation(f"contract '{spec.id}'", base.what, base.why, base.example, instead, tuple(facts))


def find_semgrep_rule(rule_id: str, sources: Sequence[Path]) -> Explanation | None:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files += sorted(source.rglob("*.yaml")) + sorted(source.rglob("*.yml"))
        elif source.is_file():
            files.append(source)
    for path in files:
        for rule in _yaml_rules(path):
            if rule.get("id") == rule_id:
                return _rule_explanation(rule, path)
    return None


def _yaml_rules(path: Path) -> list[dict[str, object]]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    rules = data.get("rules") if isinstance(data, dict) else None
    return [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []


def _rule_explanation(rule: dict[str, object], path: Path) -> Explanation:
    meta = rule.get("metadata")
    metadata: dict[str, object] = meta if isinstance(meta, dict) else {}
    facts = [("file", str(path)), ("severity", str(rule.get("severity", "")))]
    for key in ("cwe", "owasp", "category", "confidence"):
        value = metadata.get(key)
        if value:
            facts.append((key, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    message = " ".join(str(rule.get("message", "")).split())
    why = str(metadata.get("why") or "; ".join(v for k, v in facts if k in ("cwe", "owasp")))
    return Explanation(
        f"semgrep rule '{rule.get('id')}'",
        what=str(metadata.get("what") or message),
        why=why,
        example=str(metadata.get("example") or _example_for(str(rule.get("id")), path)),
        instead=str(metadata.get("instead") or metadata.get("fix") or rule.get("fix") or message),
        facts=tuple(facts),
    )


def _example_for(rule_id: str, path: Path) -> str:
    """The lines after `# ruleid: ID` in the rule's sibling test file, as semgrep tests write them."""
    sample = path.with_suffix(".py")
    try:
        lines = sample.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    for i, line in enumerate(lines):
        if line.strip().startswith("# ruleid:") and rule_id in line:
            block = []
            for following in lines[i + 1 : i + 6]:
                if not following.strip() or following.strip().startswith("# ok:"):
                    break
                block.append(following)
            return "\n".join(block)
    return ""
