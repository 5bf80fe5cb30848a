"""Guardrail integrity in a pre-merge check: REF's guardrails against the working tree's.

REF's configuration, rule packs and baseline are read from git's object store into a temporary
folder and loaded by the same loaders as the working tree's (never parsed any other way). A
configuration REF cannot load is one located line, `FILE@REF:LINE: what`, and exit 2: the
check cannot say what the change weakens.

Origins: a change whose line exists in the working tree gets that line's origin, from the same
attribution as every finding. A removal (a contract, a pack, an exception) has no line left; it
gets the origin of the last commit between REF and HEAD that changed the file (the commit that
removed it), or unknown when the file has uncommitted changes (nothing committed decides).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from auditor.config.model import AuditorConfig
from auditor.domain import AuditorError, ConfigError, Finding, FindingKind, GitError, Status
from auditor.domain.guardrail_policy import EXCEPTION_ADDED, HIDDEN_BY, GuardrailPolicy
from auditor.domain.project_files import BASELINE_FILE
from auditor.drift.guardrails.findings import at_ref, exemption_of, suppression_findings
from auditor.drift.owners import Owners
from auditor.index.git_ref import BaseRef, read_blobs
from auditor.index.ref_files import CommitFiles
from auditor.support.git import GitCommandFailed, GitUnavailable, run_git
from auditor.support.inputs import RefusedInput, read_bounded

if TYPE_CHECKING:
    from auditor.domain.guardrails import Guardrails
    from auditor.drift.baseline import Baseline
    from auditor.drift.guardrails.suppressions import AddedSuppression

MAX_REF_FILES = 5000  # files (config, packs, their semgrep rules) read from REF
REF_SUFFIXES = (".toml", ".yaml", ".yml")
MAX_LISTED_PATHS = 500  # more changed files than this: git diffs the whole tree (command line length)
MAX_SCANNED_BYTES = 10 * 1024 * 1024  # a changed module read for `nosemgrep`; a larger one: git decides


@dataclass
class Exemptions:
    """The exceptions and baseline entries a change adds, each with its guardrail finding."""

    exceptions: dict[str, Finding] = field(default_factory=dict)  # exception text -> its finding
    baseline: dict[str, Finding] = field(default_factory=dict)  # fingerprint -> its finding

    @classmethod
    def of(cls, findings: Sequence[Finding]) -> Exemptions:
        found = cls()
        for f in findings:
            exemption = exemption_of(f)
            if exemption and f.rule == EXCEPTION_ADDED:
                found.exceptions[exemption] = f
            elif exemption:
                found.baseline[exemption] = f
        return found


@dataclass
class GuardrailOutcome:
    findings: list[Finding]  # every guardrail change, weakening or strengthening (severity provisional)
    policy: GuardrailPolicy  # the stricter of REF's and the working tree's
    exemptions: Exemptions


def read_baseline_text(path: Path | None, loaded: Baseline | None = None) -> tuple[Baseline | None, str | None]:
    """The baseline at `path` (`loaded`: already read by the caller) and its text (the line of
    each entry); (None, None) when there is none."""
    if path is None or not path.is_file():
        return None, None
    if loaded is None:
        from auditor.drift.baseline import load_baseline  # lazy: most projects have no baseline

        loaded = load_baseline(path)
    baseline = loaded
    try:
        return baseline, path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return baseline, None


def guardrail_changes(
    root: Path,
    base: BaseRef,
    ref: str,
    config: AuditorConfig,
    baseline_file: Path | None,
    module_paths: set[str],
    baseline: Baseline | None = None,
    changed: Collection[str] | None = None,
    *,
    cache_dir: Path | None = None,
) -> GuardrailOutcome:
    """The guardrail findings of the change from REF to the working tree (`baseline`: the
    working tree's, when the caller has read it; `changed`: the files the change touches,
    root-relative, when the caller has listed them; `cache_dir`: where REF's files are kept
    between runs, None: nowhere).

    When every file the working tree's guardrails were read from is at REF byte for byte, REF's
    files load into the same guardrails (the loaders read nothing else): nothing is compared."""
    files = CommitFiles(base, cache_dir)
    try:
        unchanged = _read_as_at_ref(files, root, config, baseline_file)
    finally:
        files.save()
    owners = Owners.from_repo(root)
    findings: list[Finding] = []
    policy = config.guardrails
    if not unchanged:
        import tempfile

        from auditor.drift.guardrails.compare import compare  # lazy: only when something changed
        from auditor.drift.guardrails.findings import change_findings
        from auditor.drift.guardrails.snapshot import guardrails_of

        with tempfile.TemporaryDirectory(prefix="auditor-guardrails-") as tmp:
            before = guardrails_at_ref(root, base, ref, config, Path(tmp), cache_dir=cache_dir, files=files)
        baseline, text = read_baseline_text(baseline_file, baseline)
        after = guardrails_of(config, baseline, root, text)
        findings = change_findings(compare(before, after), owners)
        policy = before.policy.stricter(after.policy)
    findings += suppression_findings(added_suppressions_since(root, base, module_paths, changed=changed), owners)
    return GuardrailOutcome(findings, policy, Exemptions.of(findings))


def _read_as_at_ref(files: CommitFiles, root: Path, config: AuditorConfig, baseline_file: Path | None) -> bool:
    """Whether REF has, byte for byte, every file the working tree's guardrails come from: its
    configuration file (REF then loads the same path), the local packs and semgrep rule files
    it read (packs shipped with auditor are the same on both sides) and the baseline (or REF
    has none where the working tree has none). False whenever that cannot be told cheaply: no
    configuration file, one outside the project, a local folder of semgrep rules, a baseline
    other than the one the configuration names."""
    config_rel = _inside(config.config_path, root)
    baseline_rel = config.baseline or BASELINE_FILE
    if config_rel is None or (baseline_file is not None and _inside(baseline_file, root) != baseline_rel):
        return False
    # the loader resolved every pack and rule path: plain path arithmetic from here (a built-in
    # pack has dozens of rule files)
    real_root = os.path.realpath(root) + os.sep
    shipped: str | None = None
    read = [config_rel]
    for path, is_rules in [*((p.path, False) for p in config.packs), *((r.path, True) for r in config.semgrep_rules)]:
        target = os.path.normpath(path)
        if not target.startswith(real_root):
            shipped = shipped if shipped is not None else _shipped_dir()
            if not (shipped and target.startswith(shipped)):
                return False
            continue
        if is_rules and not os.path.isfile(target):
            return False
        read.append(Path(target[len(real_root) :]).as_posix())
    at_ref = files.read([*read, baseline_rel], read_blobs)
    for rel in read:
        if at_ref.get(rel) is None or _bytes_of(root / rel) != at_ref[rel]:
            return False
    return _bytes_of(root / baseline_rel) == at_ref.get(baseline_rel)


def _shipped_dir() -> str:
    """The folder of the rule packs installed with auditor (with a trailing separator); "" when
    none are installed."""
    from auditor.support.resources import rules_dir

    try:
        return os.path.realpath(rules_dir()) + os.sep
    except AuditorError:
        return ""


def _bytes_of(path: Path) -> bytes | None:
    """A regular file's bytes; None when there is none (or it cannot be read)."""
    try:
        return read_bounded(path, max_bytes=MAX_SCANNED_BYTES)
    except (OSError, RefusedInput):
        return None


def guardrails_at_ref(
    root: Path,
    base: BaseRef,
    ref: str,
    config: AuditorConfig,
    tmp: Path,
    *,
    cache_dir: Path | None = None,
    files: CommitFiles | None = None,
) -> Guardrails:
    """REF's guardrails, loaded from REF's files copied into `tmp`; ConfigError (exit 2) naming
    `FILE@REF:LINE` when REF's configuration or baseline cannot be read.

    A commit's files never change, so they are read from git once per commit: kept in
    `cache_dir` between runs (index.ref_files), and a long-lived process (`auditor mcp`) keeps
    the answer in memory, keyed by the commit and where the config is. A config outside the
    project (`--config FILE`) is not versioned with it, and that answer is never kept.
    `files`: REF's files as the caller has read them so far."""
    config_rel = _inside(config.config_path, root)
    if config.config_path is not None and config_rel is None:
        return _guardrails_at_ref(base, ref, config, tmp, config_rel, files or CommitFiles(base, cache_dir))
    key = (str(base.toplevel), base.commit, base.prefix, config_rel)
    kept = _AT_REF.pop(key, None)
    if kept is None:
        kept = _guardrails_at_ref(base, ref, config, tmp, config_rel, files or CommitFiles(base, cache_dir))
    _AT_REF[key] = kept  # the most recent last
    while len(_AT_REF) > _AT_REF_KEPT:
        del _AT_REF[next(iter(_AT_REF))]
    return kept


_AT_REF: dict[tuple[str, str, str, str | None], Guardrails] = {}
_AT_REF_KEPT = 8


def _guardrails_at_ref(
    base: BaseRef, ref: str, config: AuditorConfig, tmp: Path, config_rel: str | None, files: CommitFiles
) -> Guardrails:
    try:
        return _load_at_ref(files, ref, config, tmp, config_rel)
    finally:
        files.save()


def _load_at_ref(
    files: CommitFiles, ref: str, config: AuditorConfig, tmp: Path, config_rel: str | None
) -> Guardrails:
    from auditor.config import load_config_collecting  # lazy: only when the guardrails are compared
    from auditor.config.loader import default_config
    from auditor.config.project_root import config_in
    from auditor.drift.guardrails.snapshot import guardrails_of

    names = files.listing(_ref_files)
    blobs = files.read(names, read_blobs)
    _write_below(tmp, blobs)
    errors: list[ConfigError] = []
    # REF's config: the working tree's file as it was at REF, else what the loader finds there
    found = tmp / config_rel if config_rel in blobs else config_in(tmp)
    if config.config_path is not None and config_rel is None:
        loaded = config  # --config FILE outside the project: not versioned with it
    elif found is not None:
        loaded, errors = load_config_collecting(tmp, found)
    else:  # REF had no configuration: the defaults a project without one gets
        loaded = default_config(tmp, errors)
    if errors:
        first = sorted(errors, key=lambda e: (e.path or "", e.line or 0))[0]
        raise _at_ref(first, tmp, ref)
    baseline_rel = loaded.baseline or BASELINE_FILE
    if baseline_rel not in blobs and not (_listed(baseline_rel) and len(names) < MAX_REF_FILES):
        _write_below(tmp, files.read([baseline_rel], read_blobs))  # a name the listing leaves out
    try:
        baseline, text = read_baseline_text(tmp / baseline_rel)
    except ConfigError as exc:
        raise _at_ref(exc, tmp, ref) from None
    return guardrails_of(loaded, baseline, tmp, text)


def _write_below(tmp: Path, blobs: dict[str, bytes]) -> None:
    for name, data in blobs.items():
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _at_ref(error: ConfigError, tmp: Path, ref: str) -> ConfigError:
    path = error.path or ""
    for prefix in (str(tmp.resolve()) + "/", str(tmp) + "/"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
    return ConfigError(
        f"cannot read the guardrails at {ref}: {error.message}", f"{path}@{ref}", error.line, error.column
    )


def _inside(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _ref_files(base: BaseRef) -> list[str]:
    """REF's TOML files (config, packs), YAML files (a local pack's semgrep rules) and default
    baseline files below the audited root (root-relative)."""
    spec = base.prefix or "."
    try:
        out = run_git(base.toplevel, "ls-tree", "-r", "-z", "--name-only", base.commit, "--", spec)
    except (GitCommandFailed, GitUnavailable) as exc:
        raise GitError(f"cannot list {base.commit[:12]}'s files: {exc}") from exc
    names = []
    wanted = (*(s.encode() for s in REF_SUFFIXES), BASELINE_FILE.encode())
    for raw in out.split(b"\0"):
        if not raw.endswith(wanted):  # most of a tree: filtered before any decoding or path work
            continue
        local = base.local(raw.decode("utf-8", "surrogateescape"))
        if local is not None and _listed(local):
            names.append(local)
    return names[:MAX_REF_FILES]


def _listed(local: str) -> bool:
    """Whether `_ref_files` lists this root-relative path when REF has it."""
    if ".." in PurePosixPath(local).parts:
        return False
    return local.endswith(REF_SUFFIXES) or local.endswith("/" + BASELINE_FILE) or local == BASELINE_FILE


def added_suppressions_since(
    root: Path,
    base: BaseRef,
    module_paths: set[str],
    *,
    untracked_files: bool = True,
    changed: Collection[str] | None = None,
) -> list[AddedSuppression]:
    """`# nosemgrep` added since REF in the audited modules (committed, staged, unstaged or, with
    `untracked_files`, in new untracked files). `changed`: the (root-relative) files the caller
    knows the change touches; only those are diffed and listed (git then stats no other file)."""
    in_tree, in_root = [f"{base.prefix}/*.py" if base.prefix else "*.py"], ["*.py"]
    if changed is not None and len(changed) <= MAX_LISTED_PATHS:
        paths = sorted(p for p in changed if p in module_paths and _may_name_nosemgrep(root / p))
        if not paths:
            return []  # no changed module names it: none can have gained one
        in_tree = [":(literal)" + (f"{base.prefix}/{p}" if base.prefix else p) for p in paths]
        in_root = [":(literal)" + p for p in paths]
    from auditor.drift.guardrails.suppressions import added_suppressions, suppressions_in_text

    try:
        diff = run_git(
            base.toplevel, "diff", "-U0", "--no-color", "--no-relative", "--src-prefix=a/",
            "--dst-prefix=b/", base.commit, "--", *in_tree,
        )  # fmt: skip
        untracked = (
            run_git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", *in_root) if untracked_files else b""
        )
    except (GitCommandFailed, GitUnavailable) as exc:
        raise GitError(f"git diff against {base.commit[:12]} failed: {exc}") from exc
    found = []
    for item in added_suppressions(diff):
        local = base.local(item.path)
        if local is not None and local in module_paths:
            found.append(dataclasses.replace(item, path=local))
    for raw in untracked.split(b"\0"):
        path = raw.decode("utf-8", "surrogateescape")
        if path in module_paths:
            try:
                text = (root / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            found += suppressions_in_text(path, text)
    return found


def _may_name_nosemgrep(path: Path) -> bool:
    """False only when the file's text never names `nosemgrep`: then none of its lines is one.
    Case-folded, the text holds "nosemgrep" wherever the comment's pattern (re.IGNORECASE,
    the long s U+017F for `s` included) matches it."""
    try:
        data = read_bounded(path, max_bytes=MAX_SCANNED_BYTES)
    except (OSError, RefusedInput):
        return True  # unreadable, not a regular file or too large here: git decides
    if data.isascii():  # most sources: ASCII case-folds by lower-casing, no decoding needed
        return b"nosemgrep" in data.lower()
    return "nosemgrep" in data.decode("utf-8", "replace").casefold()


def removal_origins(root: Path, base: BaseRef, findings: Sequence[Finding], config: AuditorConfig) -> list[Finding]:
    """Removals (a line of REF) get the origin of the commit that removed them: the last commit
    in REF..HEAD that changed their file; unknown when the file has uncommitted changes."""
    if not any(at_ref(f) for f in findings):
        return list(findings)  # nothing removed: no commit to ask about (nor its import)
    from auditor.attribution.commit_origin import commit_origins

    by_path: dict[str, str | None] = {}
    for f in findings:
        if at_ref(f) and f.path and f.path not in by_path:
            by_path[f.path] = _removing_commit(root, base, f.path)
    origins = commit_origins(root, {c for c in by_path.values() if c}, config.attribution)
    out = []
    for f in findings:
        sha = by_path.get(f.path or "") if at_ref(f) else None
        origin = origins.get(sha) if sha else None
        if origin is None:
            out.append(f)
            continue
        out.append(
            dataclasses.replace(
                f, origin=origin.origin, agent=origin.agent, model=origin.model, commit=sha, author=origin.author
            )
        )
    return out


def _removing_commit(root: Path, base: BaseRef, path: str) -> str | None:
    name = f"{base.prefix}/{path}" if base.prefix else path
    try:
        dirty = run_git(base.toplevel, "diff", "--name-only", "HEAD", "--", name).strip()
        if dirty:
            return None
        out = run_git(base.toplevel, "log", "-1", "--format=%H", f"{base.commit}..HEAD", "--", name)
    except (GitCommandFailed, GitUnavailable):
        return None
    return out.decode().strip() or None


def mark_exempted(
    findings: Sequence[Finding], added: Exemptions, suppressed: Sequence[Finding], when: str = "in this change"
) -> list[Finding]:
    """`findings` plus what an exemption added in this change hides, each with `suppressed_by`
    naming it: violations an added exception suppresses, findings an added baseline entry
    accepts. They do not fail the check; the guardrail finding does."""
    out = []
    for f in findings:
        guard = added.baseline.get(f.fingerprint) if f.status is Status.BASELINED else None
        if guard is not None:
            f = _hide(f, f"baseline entry added {when} at {guard.location}")
        out.append(f)
    for f in suppressed:
        text = next((t for t in added.exceptions if f.suppressed_by and f"exception '{t}'" in f.suppressed_by), None)
        if text is not None:
            guard = added.exceptions[text]
            out.append(_hide(f, f"{f.suppressed_by}, added {when} at {guard.location}"))
    return out


def without_own_stale(fixed: Sequence[Finding], added: Exemptions) -> list[Finding]:
    """REF's side is analysed under the working tree's config, where an exception this change
    adds matches nothing (stale); its disappearance is no fix."""
    return [
        f
        for f in fixed
        if not (f.kind is FindingKind.EXCEPTION and f"{f.rule}: {f.importer} -> {f.imported}" in added.exceptions)
    ]


def _hide(f: Finding, by: str) -> Finding:
    return dataclasses.replace(f, suppressed_by=by, extra=(*f.extra, (HIDDEN_BY, "this-change")))
