"""Repositories that commit symlinks where auditor writes, and the files outside they aim at.

    victims = Victims(tmp_path / "outside")          # a file, an executable, a database, a folder
    repo = attacking_clone(tmp_path, {".auditor": victims.folder})  # committed, then cloned
    ... run auditor in repo ...
    victims.assert_untouched()                        # every byte, mode and name as created

The attacker's repository is written with `write_project` (a valid layered project with one
contract finding), its symlinks are committed, and the test runs in a fresh `git clone` of it:
what a CI job or a developer checking out someone's code gets.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Mapping
from pathlib import Path

from gitrepo import GitRepo

from hostile.project import write_project

Snapshot = dict[str, tuple[str, int, bytes]]


class Victims:
    """Files outside the repository: what an attack would overwrite, truncate or fill."""

    def __init__(self, base: Path) -> None:
        self.base = base
        base.mkdir(parents=True)
        self.file = base / "victim.txt"
        self.file.write_text("precious: must never change\n")
        self.executable = base / "victim-tool"
        self.executable.write_text("#!/bin/sh\necho the real tool\n")
        self.executable.chmod(0o755)
        self.database = base / "victim.sqlite"
        db = sqlite3.connect(self.database)
        db.execute("CREATE TABLE precious (x)")
        db.execute("INSERT INTO precious VALUES (42)")
        db.commit()
        db.close()
        self.folder = base / "victim-dir"
        self.folder.mkdir()
        (self.folder / "keep.txt").write_text("someone else's file\n")
        self.missing = base / "not-yet"  # a dangling link's target: must not come into being
        self.before = snapshot(base)

    def assert_untouched(self) -> None:
        after = snapshot(self.base)
        added_or_gone = sorted(after.keys() ^ self.before.keys())
        assert not added_or_gone, f"files outside the repository appeared or vanished: {added_or_gone[:10]}"
        changed = sorted(name for name in after if after[name] != self.before[name])
        assert not changed, f"files outside the repository were changed: {changed[:10]}"


def snapshot(base: Path) -> Snapshot:
    """Every entry below `base`: kind, mode and content (links: their target)."""
    found: Snapshot = {}
    for dirpath, dirnames, filenames in os.walk(base):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            st = os.lstat(path)
            rel = str(path.relative_to(base))
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("link", 0, os.readlink(path).encode())
            elif stat.S_ISDIR(st.st_mode):
                found[rel] = ("dir", stat.S_IMODE(st.st_mode), b"")
            else:
                found[rel] = ("file", stat.S_IMODE(st.st_mode), path.read_bytes())
    return found


def attacking_clone(
    tmp_path: Path,
    links: Mapping[str, Path | str],
    *,
    files: Mapping[str, str] | None = None,
    folders: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Commit `links` (repo path -> target) and `files` into the test project, clone it, return
    the clone. `folders`: repo folder -> files in it (e.g. a folder named `index.html`)."""
    origin = write_project(tmp_path / "attacker", extra=dict(files or {}))
    repo = GitRepo(origin, init=False)
    for rel, target in links.items():
        path = origin / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        repo.git("add", "-f", "--", rel)
    for folder, contents in (folders or {}).items():
        for name, text in contents.items():
            path = origin / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            repo.git("add", "-f", "--", f"{folder}/{name}")
    repo.commit({}, "plant")
    clone = repo.clone(tmp_path / "clone")
    for rel in links:
        assert (clone.path / rel).is_symlink(), f"the clone did not check out the symlink {rel}"
    return clone.path


def one_error_line(stderr: str) -> str:
    """The run's only stderr line, which must be an `auditor: error:` line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got:\n{stderr}"
    assert lines[0].startswith("auditor: error: "), lines[0]
    return lines[0]
