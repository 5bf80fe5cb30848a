"""The committed baseline (`auditor-baseline.json`): accepted findings, frozen; it only shrinks.

The file is sorted, indented and one entry per finding, so its diffs read well in review.
`update_baseline` drops entries that no longer occur; it adds new findings only when
`accept_new` is given together with a reason.

The file is committed, so it is read as repository data: a regular file of at most
MAX_BASELINE_BYTES, with the JSON depth limit (support.inputs); a fifo, a device or a
symlink to `/dev/zero` is refused before it is opened.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from auditor.domain.errors import ConfigError, GitError, UsageError
from auditor.domain.finding_codec import finding_from_dict, finding_to_dict
from auditor.domain.findings import Finding, FindingKind, Severity, Status
from auditor.domain.project_files import BASELINE_FILE
from auditor.drift.classify import SEES_ALL, Classification, Unseen, classify_with_renames
from auditor.drift.renames import rename_map
from auditor.support.bounded import MESSAGE_LIMIT, clip
from auditor.support.inputs import RefusedInput, loads, read_bounded
from auditor.support.safe_files import write_file

FORMAT_VERSION = 1
# the finding's fields an entry keeps: its identity, and the import's ends for rename matching
_FINDING_FIELDS = ("fingerprint", "rule", "kind", "severity", "path", "message", "importer", "imported")
MAX_BASELINE_BYTES = 64 << 20  # about 150,000 entries


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    kind: str
    severity: str
    path: str | None  # for humans reading the file; identity is the fingerprint
    message: str
    reason: str | None = None
    added: str = ""  # ISO date the entry was accepted
    importer: str | None = None  # contract findings: the import's two ends (for rename matching)
    imported: str | None = None

    def to_finding(self) -> Finding:
        values = {name: getattr(self, name) for name in _FINDING_FIELDS}
        return finding_from_dict({**values, "status": Status.BASELINED.value})


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: tuple[BaselineEntry, ...] = ()
    path: Path | None = None
    commit: str | None = None  # HEAD when written: renames since then are followed

    def known(self) -> dict[str, Finding]:
        """Fingerprint -> finding, for `classify(..., status_if_known=Status.BASELINED)`."""
        return {e.fingerprint: e.to_finding() for e in self.entries}

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True, slots=True)
class BaselineChange:
    baseline: Baseline
    removed: tuple[BaselineEntry, ...] = ()
    added: tuple[BaselineEntry, ...] = ()
    kept: int = 0
    notes: tuple[str, ...] = field(default=())


def _entry_order(e: BaselineEntry) -> tuple[str, str, str]:
    return (e.path or "", e.rule, e.fingerprint)


def entry_for(f: Finding, reason: str | None, today: str) -> BaselineEntry:
    values = finding_to_dict(f)
    return BaselineEntry(**{name: values[name] for name in _FINDING_FIELDS}, reason=reason, added=today)


def _today(today: dt.date | None) -> str:
    return (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()


def baseline_from_findings(
    findings: Iterable[Finding],
    reason: str | None = None,
    today: dt.date | None = None,
    commit: str | None = None,
) -> Baseline:
    date = _today(today)
    unique = {f.fingerprint: entry_for(f, reason, date) for f in findings if f.suppressed_by is None}
    return Baseline(tuple(sorted(unique.values(), key=_entry_order)), commit=commit)


def dumps_baseline(baseline: Baseline) -> str:
    doc = {
        "version": FORMAT_VERSION,
        "tool": "auditor",
        "commit": baseline.commit,
        "findings": [
            {
                "fingerprint": e.fingerprint,
                "rule": e.rule,
                "kind": e.kind,
                "severity": e.severity,
                "path": e.path,
                "message": e.message,
                "reason": e.reason,
                "added": e.added,
                **({"importer": e.importer, "imported": e.imported} if e.importer or e.imported else {}),
            }
            for e in sorted(baseline.entries, key=_entry_order)
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def save_baseline(path: Path, baseline: Baseline, *, inside: Path | None = None) -> Baseline:
    """Write atomically (temp file + rename): an interrupted write leaves the old file. The
    mode follows the umask (the team reads it from a shared checkout); a symlink at `path`, or
    at a folder of it below `inside` (the project), is refused."""
    write_file(path, dumps_baseline(baseline), inside=inside)
    return replace(baseline, path=path)


def write_baseline(
    path: Path,
    findings: Iterable[Finding],
    reason: str | None = None,
    today: dt.date | None = None,
    commit: str | None = None,
    *,
    inside: Path | None = None,
) -> Baseline:
    """Freeze `findings` (suppressed ones excluded) into a new baseline file."""
    return save_baseline(path, baseline_from_findings(findings, reason, today, commit), inside=inside)


def _entry(item: Any, index: int, source: str) -> BaselineEntry:
    where = f"findings[{index}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected an object", source)
    fp = item.get("fingerprint")
    if not isinstance(fp, str) or not fp:
        raise ConfigError(f"{where}: 'fingerprint' must be a non-empty string", source)
    try:
        kind = FindingKind(item.get("kind", "contract")).value
        severity = Severity(item.get("severity", "warning")).value
    except ValueError as exc:
        raise ConfigError(f"{where} ({fp}): {exc}", source) from None
    return BaselineEntry(
        fingerprint=fp,
        rule=str(item.get("rule", "")),
        kind=kind,
        severity=severity,
        path=item.get("path") if isinstance(item.get("path"), str) else None,
        message=clip(str(item.get("message", "")), MESSAGE_LIMIT),
        reason=clip(item["reason"], MESSAGE_LIMIT) if isinstance(item.get("reason"), str) else None,
        added=str(item.get("added", "")),
        importer=item.get("importer") if isinstance(item.get("importer"), str) else None,
        imported=item.get("imported") if isinstance(item.get("imported"), str) else None,
    )


def parse_baseline(text: str, source: str = BASELINE_FILE) -> Baseline:
    try:
        doc = loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"baseline is not valid JSON: {exc.msg}", source, exc.lineno, exc.colno) from None
    except ValueError as exc:  # nested too deeply, an integer too long
        raise ConfigError(f"baseline is not valid JSON: {exc}", source) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise ConfigError("baseline must be an object with a 'findings' list", source, 1)
    version = doc.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ConfigError(f"unsupported baseline version {version!r} (expected {FORMAT_VERSION})", source)
    entries = [_entry(item, i, source) for i, item in enumerate(doc["findings"])]
    unique = {e.fingerprint: e for e in entries}
    commit = doc.get("commit") if isinstance(doc.get("commit"), str) else None
    return Baseline(tuple(sorted(unique.values(), key=_entry_order)), commit=commit)


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; unreadable or malformed -> ConfigError naming file (and line)."""
    try:
        text = read_bounded(path, max_bytes=MAX_BASELINE_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise ConfigError("baseline file not found (create it with `auditor baseline`)", str(path)) from None
    except RefusedInput as exc:
        raise ConfigError(f"baseline refused: {exc}", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read baseline: {exc}", str(path)) from None
    return replace(parse_baseline(text, str(path)), path=path)


def update_baseline(
    baseline: Baseline,
    current: Sequence[Finding],
    *,
    accept_new: bool = False,
    reason: str | None = None,
    today: dt.date | None = None,
    matched: Mapping[str, str] | None = None,
    commit: str | None = None,
    keep: Callable[[BaselineEntry], bool] | None = None,
) -> BaselineChange:
    """Drop entries that no longer occur; with `accept_new` (and a reason) add new findings.

    Kept entries keep their reason and date; their path and message follow the current finding.
    `matched` (current fingerprint -> baseline fingerprint, from `match_with_renames`) carries
    an entry over to its renamed file: the entry takes the current fingerprint.
    `keep(entry)` true keeps an entry that did not occur because its evidence is missing this
    run (its file could not be analysed, semgrep was skipped): absence is not a fix.
    """
    if accept_new and not (reason and reason.strip()):
        raise UsageError("--accept-new needs --reason TEXT: say why these findings are accepted")
    by_fp: Mapping[str, Finding] = {f.fingerprint: f for f in current if f.suppressed_by is None}
    renamed = {old: new for new, old in (matched or {}).items() if new in by_fp}
    kept, removed = [], []
    for e in baseline.entries:
        f = by_fp.get(e.fingerprint) or by_fp.get(renamed.get(e.fingerprint, ""))
        if f is None and keep is not None and keep(e):
            kept.append(e)
        elif f is None:
            removed.append(e)
        else:
            kept.append(
                replace(
                    e,
                    fingerprint=f.fingerprint,
                    path=f.path,
                    message=f.message,
                    importer=f.importer,
                    imported=f.imported,
                )
            )
    added: list[BaselineEntry] = []
    known = {e.fingerprint for e in kept}
    if accept_new:
        date = _today(today)
        added = [
            entry_for(f, reason.strip() if reason else None, date)
            for fp, f in by_fp.items()
            if fp not in known
        ]
    new_baseline = Baseline(
        tuple(sorted([*kept, *added], key=_entry_order)), baseline.path, commit or baseline.commit
    )
    new_count = sum(1 for fp in by_fp if fp not in known)
    notes = (
        ()
        if accept_new or not new_count
        else (f"{new_count} new finding(s) not added (use --accept-new --reason TEXT to accept them)",)
    )
    return BaselineChange(
        new_baseline,
        removed=tuple(sorted(removed, key=_entry_order)),
        added=tuple(sorted(added, key=_entry_order)),
        kept=len(kept),
        notes=notes,
    )


def baseline_renames(root: Path, baseline: Baseline) -> dict[str, str]:
    """Files renamed since the baseline's commit ({} when unknown or unreachable)."""
    if not baseline.commit:
        return {}
    try:
        return rename_map(root, baseline.commit)
    except GitError:
        return {}


def classify_against_baseline(
    findings: Sequence[Finding], baseline: Baseline, root: Path | None = None, unseen: Unseen = SEES_ALL
) -> Classification:
    """NEW / BASELINED for each finding (following renames since the baseline's commit) + fixed
    (entries the run could not see, `unseen`, are neither)."""
    renames = baseline_renames(root, baseline) if root is not None else {}
    return classify_with_renames(
        findings, baseline.known(), renames, status_if_known=Status.BASELINED, unseen=unseen
    )
