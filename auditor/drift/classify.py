"""Status classification: which current findings are new, which known ones are fixed.

`known` maps fingerprints to the findings of a baseline, a base ref or the previous run.
Identity is the fingerprint (never a line number), so moving or reformatting code keeps it;
renamed files are handled by `auditor.drift.renames.match_with_renames`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from auditor.domain.findings import Finding, Status
from auditor.drift.renames import match_with_renames


@dataclass(frozen=True, slots=True)
class Unseen:
    """What a run could not see: findings of the kinds no stage checked (semgrep skipped or
    failed) and findings in files that could not be analysed. A known finding there is neither
    fixed nor new: absence of evidence is not a fix."""

    kinds: frozenset[str] = frozenset()
    paths: frozenset[str] = frozenset()

    @classmethod
    def of(cls, unchecked_kinds: Iterable[str], unanalysed_paths: Iterable[str]) -> Unseen:
        return cls(frozenset(unchecked_kinds), frozenset(unanalysed_paths))

    def __call__(self, f: Finding) -> bool:
        return f.kind.value in self.kinds or (f.path is not None and f.path in self.paths)

    def __bool__(self) -> bool:
        return bool(self.kinds or self.paths)


SEES_ALL = Unseen()  # a run that checked every kind and analysed every file


class Classification(NamedTuple):
    """`classified, fixed = classify(...)` works too."""

    findings: tuple[Finding, ...]  # every current finding, with its status
    fixed: tuple[Finding, ...]  # known findings that no longer occur, status FIXED

    @property
    def new(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.NEW)


def classify(
    current: Sequence[Finding],
    known: Mapping[str, Finding],
    *,
    status_if_known: Status = Status.BASELINED,
    matched: Mapping[str, str] | None = None,
    unseen: Unseen = SEES_ALL,
) -> Classification:
    """Mark each current finding NEW or `status_if_known`; list unmatched known ones as FIXED,
    except those the run could not see (`unseen`).

    `matched` (current fingerprint -> known fingerprint) adds pairings found another way,
    e.g. across file renames; the current finding keeps its own fingerprint.
    """
    if status_if_known not in (Status.BASELINED, Status.PERSISTING):
        raise ValueError("status_if_known must be BASELINED or PERSISTING")
    keys = _known_keys(current, known, matched or {})
    out = [
        dataclasses.replace(f, status=status_if_known if key is not None else Status.NEW)
        for f, key in zip(current, keys, strict=True)
    ]
    return Classification(tuple(out), tuple(_fixed(known, keys, unseen)))


def _known_keys(
    current: Sequence[Finding], known: Mapping[str, Finding], matched: Mapping[str, str]
) -> list[str | None]:
    """For each current finding, the fingerprint of the known finding it pairs with (its own,
    else one `matched` across a rename), or None."""
    keys: list[str | None] = []
    for f in current:
        key = f.fingerprint if f.fingerprint in known else matched.get(f.fingerprint)
        keys.append(key if key is not None and key in known else None)
    return keys


def _fixed(
    known: Mapping[str, Finding], keys: Sequence[str | None], unseen: Unseen = SEES_ALL
) -> list[Finding]:
    """Known findings nothing current pairs with, marked FIXED (by fingerprint), unless the
    run could not see them."""
    seen = set(keys)
    return [
        dataclasses.replace(known[fp], status=Status.FIXED)
        for fp in sorted(known)
        if fp not in seen and not unseen(known[fp])
    ]


def merge_statuses(by_baseline: Classification, by_previous: Classification) -> Classification:
    """Combine a baseline classification with one against the previous run (nightly audit).

    Baselined wins; a finding new to the baseline but seen in the previous run is PERSISTING.
    Fixed = known to either and gone (baseline entries first), without duplicates.
    """
    previous = {f.fingerprint: f.status for f in by_previous.findings}
    out = []
    for f in by_baseline.findings:
        if f.status is Status.NEW and previous.get(f.fingerprint) is Status.PERSISTING:
            f = dataclasses.replace(f, status=Status.PERSISTING)
        out.append(f)
    fixed = {f.fingerprint: f for f in by_previous.fixed}
    fixed.update({f.fingerprint: f for f in by_baseline.fixed})
    return Classification(tuple(out), tuple(fixed[k] for k in sorted(fixed)))


def classify_with_renames(
    current: Sequence[Finding],
    known: Mapping[str, Finding],
    renames: Mapping[str, str],
    *,
    status_if_known: Status = Status.BASELINED,
    unseen: Unseen = SEES_ALL,
) -> Classification:
    """`classify`, with findings of renamed files (old path -> new path) matched across the move."""
    matched = match_with_renames(current, known, renames)
    return classify(current, known, status_if_known=status_if_known, matched=matched, unseen=unseen)


def classify_against_base(
    head: Sequence[Finding],
    base: Sequence[Finding],
    renames: Mapping[str, str],
    baselined: Classification | None = None,
) -> Classification:
    """Pre-merge drift: every head finding NEW (REF does not have it) or PERSISTING (REF has it,
    across renames), and REF's findings that are gone as FIXED.

    `baselined` (the head findings classified against the working tree's baseline): a finding
    the baseline accepts is BASELINED whatever REF has, as in the nightly audit.
    """
    known = {f.fingerprint: f for f in base}
    by_base = classify_with_renames(head, known, renames, status_if_known=Status.PERSISTING)
    if baselined is None:
        return by_base
    accepted = {f.fingerprint for f in baselined.findings if f.status is Status.BASELINED}
    findings = tuple(
        dataclasses.replace(f, status=Status.BASELINED) if f.fingerprint in accepted else f
        for f in by_base.findings
    )
    return Classification(findings, by_base.fixed)
