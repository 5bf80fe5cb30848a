"""Status classification: which current findings are new, which known ones are fixed.

`known` maps fingerprints to the findings of a baseline, a base ref or the previous run.
Identity is the fingerprint (never a line number), so moving or reformatting code keeps it;
renamed files are handled by `auditor.drift.renames.match_with_renames`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from auditor.domain.findings import Finding, Status
from auditor.drift.renames import match_with_renames


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
) -> Classification:
    """Mark each current finding NEW or `status_if_known`; list unmatched known ones as FIXED.

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
    return Classification(tuple(out), tuple(_fixed(known, keys)))


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


def _fixed(known: Mapping[str, Finding], keys: Sequence[str | None]) -> list[Finding]:
    """Known findings nothing current pairs with, marked FIXED (by fingerprint)."""
    seen = set(keys)
    return [dataclasses.replace(known[fp], status=Status.FIXED) for fp in sorted(known) if fp not in seen]


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
) -> Classification:
    """`classify`, with findings of renamed files (old path -> new path) matched across the move."""
    matched = match_with_renames(current, known, renames)
    return classify(current, known, status_if_known=status_if_known, matched=matched)


def match_against_base(
    head: Sequence[Finding], base: Sequence[Finding], renames: Mapping[str, str]
) -> tuple[list[Finding], list[Finding]]:
    """Pre-merge drift: (findings of head absent at base = new, findings of base gone = fixed)."""
    known = {f.fingerprint: f for f in base}
    keys = _known_keys(head, known, match_with_renames(head, known, renames))
    # as classify(), without copying the persisting findings nobody reports
    new = [
        f if f.status is Status.NEW else dataclasses.replace(f, status=Status.NEW)
        for f, key in zip(head, keys, strict=True)
        if key is None
    ]
    return new, _fixed(known, keys)
