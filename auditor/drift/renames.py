"""File renames between two commits (git's rename detection) and matching findings across them.

Fingerprints include paths and module names, so a `git mv` changes them. `match_with_renames`
pairs the current findings left unmatched with known findings whose path or modules are the
renamed ones: the known finding is re-keyed with the new path / module names substituted and
compared on rule, kind, path, import ends and the (normalised) snippet or message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from auditor.domain.errors import GitError
from auditor.domain.findings import Finding
from auditor.support.git import Change, Git, GitCommandFailed, GitUnavailable, parse_name_status

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def rename_map(root: Path, old_ref: str, new_ref: str | None = None) -> dict[str, str]:
    """{old path: new path} for files git sees as renamed from `old_ref` to `new_ref`.

    `new_ref=None` compares with the working tree (tracked and staged files).
    """
    args = ["diff", "-M", "--name-status", "-z", "--no-color", old_ref]
    if new_ref:
        args.append(new_ref)
    args.append("--")
    try:
        out = Git("git", root).run(*args, timeout=300)
    except GitUnavailable as exc:
        raise GitError(f"cannot run git diff for renames: {exc}", str(root)) from None
    except GitCommandFailed as exc:
        reason = exc.stderr.strip().splitlines()
        raise GitError(
            f"git diff {old_ref} failed: {reason[-1] if reason else 'exit ' + str(exc.returncode)}",
            str(root),
        ) from None
    return renamed_paths(parse_name_status(out))


def renamed_paths(changes: Iterable[Change]) -> dict[str, str]:
    """{old path: new path} of the renames among `changes` (copies keep their source)."""
    return {c.old_path: c.path for c in changes if c.status == "R" and c.old_path is not None}


def _dotted(path: str) -> list[str]:
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    return parts[:-1] if parts and parts[-1] == "__init__" else parts


def module_renames(renames: Mapping[str, str], modules: Iterable[str]) -> dict[str, str]:
    """{old module: new module} for the known module names whose file was renamed.

    A module `m` belongs to path `p` when p's dotted form ends with m (src layouts have a prefix);
    the new name keeps the same prefix length.
    """
    out: dict[str, str] = {}
    wanted = set(modules)
    for old, new in renames.items():
        if not (old.endswith(".py") and new.endswith(".py")):
            continue
        old_parts, new_parts = _dotted(old), _dotted(new)
        for start in range(len(old_parts)):
            name = ".".join(old_parts[start:])
            if name in wanted and start < len(new_parts):
                out[name] = ".".join(new_parts[start:])
    return out


def _sub_modules(text: str | None, modules: Mapping[str, str]) -> str:
    if not text:
        return ""
    for old in sorted(modules, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w])", modules[old], text)
    return text


def _anchor(f: Finding, modules: Mapping[str, str], paths: Mapping[str, str]) -> str:
    text = f.snippet if f.snippet else f.message
    for old, new in paths.items():
        text = text.replace(old, new)
    text = _sub_modules(text, modules)
    return _SPACE.sub("", _DIGITS.sub("#", text))


def _key(
    f: Finding, modules: Mapping[str, str], paths: Mapping[str, str]
) -> tuple[str, str, str, str, str, str]:
    path = paths.get(f.path or "", f.path or "")
    return (
        f.rule,
        f.kind.value,
        path,
        _sub_modules(f.importer, modules),
        _sub_modules(f.imported, modules),
        _anchor(f, modules, paths),
    )


def match_with_renames(
    current: Sequence[Finding], known: Mapping[str, Finding], renames: Mapping[str, str]
) -> dict[str, str]:
    """{current fingerprint: known fingerprint} for pairs that differ only by a rename.

    Only findings not matched by fingerprint take part; pairs are made within the same key in
    file order, so two identical violations in different functions stay two.
    """
    if not renames:
        return {}
    current_fps = {f.fingerprint for f in current}
    loose_known = [k for fp, k in known.items() if fp not in current_fps]
    loose_current = [f for f in current if f.fingerprint not in known]
    mentioned = {m for f in loose_known for m in (f.importer, f.imported) if m}
    mentioned |= {h.importer for f in loose_known for h in f.chain} | {
        h.imported for f in loose_known for h in f.chain
    }
    modules = module_renames(renames, mentioned)
    for f in loose_known:  # modules named only in the message or snippet
        for candidate in module_renames(renames, _candidates(f)).items():
            modules.setdefault(*candidate)
    buckets: dict[tuple[str, ...], list[Finding]] = {}
    for k in sorted(loose_known, key=lambda f: (f.line or 0, f.fingerprint)):
        buckets.setdefault(_key(k, modules, renames), []).append(k)
    pairs: dict[str, str] = {}
    for f in sorted(loose_current, key=lambda f: (f.line or 0, f.fingerprint)):
        bucket = buckets.get(_key(f, {}, {}))
        if bucket:
            pairs[f.fingerprint] = bucket.pop(0).fingerprint
    return pairs


def _candidates(f: Finding) -> set[str]:
    """Dotted names written in the message or snippet (module names, possibly)."""
    text = f"{f.message} {f.snippet or ''}"
    return set(re.findall(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", text))
