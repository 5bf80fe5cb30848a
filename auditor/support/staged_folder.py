"""A folder of files replaced as a whole (the audit report): staged beside it, swapped in by rename.

    with StagedFolder(out_dir, ("index.html", "report.json"), inside=root) as staged:
        staged.write("index.html", html)
        ...
        staged.publish()  # the new folder is in place; leaving the block without an
                          # exception deletes the previous one, with one puts it back

Only what auditor wrote is ever deleted:
- the target must be absent, or a real folder (not a symlink) holding nothing but regular files
  with the expected names; anything else is refused with one line (exit 2);
- files are staged in `.NAME.tmp-XXXX` beside the target, each created exclusively, and the
  staging folder is flock-ed while this process uses it. A staging folder left by a killed run
  (`kill -9`: no lock held any more, only expected files in it) is removed by the next run;
  any other folder, even one named like it, is left alone;
- the previous folder, once swapped out, is deleted file by file (expected names only).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from auditor.support.safe_files import (
    CREATE_FLAGS,
    DIR_FLAGS,
    UnsafePathError,
    WriteError,
    make_dirs,
    refuse_links_inside,
    temporary_name,
)


class StagedFolder:
    def __init__(self, target: Path, names: Iterable[str], *, inside: Path | None = None) -> None:
        self.target = Path(target).absolute()
        self.names = frozenset(names)
        self.inside = inside
        self.prefix = f".{self.target.name}.tmp-"
        self._staging: tuple[Path, int] | None = None
        self._previous: tuple[Path, int] | None = None
        self._published = False

    # ---- lifecycle -------------------------------------------------------------------------

    def check(self) -> None:
        """Refuse now a target that would be refused later (a symlink, a file, a foreign folder)."""
        refuse_links_inside(self.target, self.inside)
        self._refuse_foreign(self.target)

    def __enter__(self) -> StagedFolder:
        self.check()
        parent = self.target.parent
        make_dirs(parent)
        with _locked(parent):  # no other run sees our staging folder before it is locked
            self._remove_stale(parent)
            path = Path(tempfile.mkdtemp(prefix=self.prefix, dir=parent))
            fd = os.open(path, DIR_FLAGS)
            self._staging = (path, fd)
            fcntl.flock(fd, fcntl.LOCK_EX)
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o777 & ~umask)  # mkdtemp makes 0700; a report is as readable as any folder
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None and self._published:
                if self._previous is not None:
                    with contextlib.suppress(OSError):  # published: a leftover is removed next run
                        self._delete(*self._previous)
            else:
                with contextlib.suppress(OSError):  # the error that got us here says more
                    self._roll_back()
        finally:
            for held in (self._staging, self._previous):
                if held is not None:
                    with contextlib.suppress(OSError):
                        os.close(held[1])

    def write(self, name: str, data: str | bytes) -> None:
        """Create `name` in the staging folder (exclusively) and write it through to disk."""
        assert self._staging is not None and name in self.names, name
        raw = data.encode("utf-8") if isinstance(data, str) else data
        fd = os.open(name, CREATE_FLAGS, 0o666, dir_fd=self._staging[1])
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())

    def publish(self) -> None:
        """Swap the staged folder in; the previous one is kept aside until the block ends."""
        assert self._staging is not None and not self._published
        if os.path.lexists(self.target):
            self._previous = self._set_aside()
        try:
            os.rename(self._staging[0], self.target)
        except BaseException:
            if self._previous is not None:
                os.rename(self._previous[0], self.target)
                os.close(self._previous[1])
                self._previous = None
            raise
        self._published = True

    # ---- internals -------------------------------------------------------------------------

    def _set_aside(self) -> tuple[Path, int]:
        """Lock the current target (waiting while another run publishes it) and rename it away."""
        while True:
            self._refuse_foreign(self.target)
            fd = os.open(self.target, DIR_FLAGS)
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_ino == os.lstat(self.target).st_ino:
                break
            os.close(fd)  # another run swapped it meanwhile: look again
        aside = temporary_name(self.target)
        try:
            os.rename(self.target, aside)
        except BaseException:
            os.close(fd)
            raise
        return aside, fd

    def _roll_back(self) -> None:
        if self._staging is None:
            return
        staging, fd = self._staging
        if self._published:  # the new folder is in place: move it out, put the previous one back
            os.rename(self.target, staging)
            if self._previous is not None:
                os.rename(self._previous[0], self.target)
        self._delete(staging, fd)

    def _delete(self, path: Path, fd: int) -> None:
        """Remove our expected files from a folder we hold open, then the folder if empty."""
        for name in self.names:
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISREG(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                    os.unlink(name, dir_fd=fd)
        with contextlib.suppress(OSError):
            os.rmdir(path)

    def _refuse_foreign(self, path: Path) -> None:
        """Refuse a target that is not absent, empty, or an earlier folder of ours."""
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return
        if not stat.S_ISDIR(mode):
            raise WriteError(f"{path} exists and is not a directory; choose an empty or report directory")
        foreign = sorted(self._foreign_entries(path))
        if foreign:
            raise UnsafePathError(
                f"{path} exists and is not an auditor report directory (holds {', '.join(foreign[:3])}"
                f"{', ...' if len(foreign) > 3 else ''}); choose an empty or report directory"
            )

    def _foreign_entries(self, path: Path) -> Iterator[str]:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name not in self.names:
                    yield entry.name
                elif entry.is_symlink():
                    yield f"{entry.name} (a symlink)"
                elif not entry.is_file(follow_symlinks=False):
                    yield f"{entry.name} (not a regular file)"

    def _remove_stale(self, parent: Path) -> None:
        """Delete staging folders of killed runs: named like ours, unlocked, holding only our files."""
        with os.scandir(parent) as entries:
            stale = [
                Path(e.path)
                for e in entries
                if e.name.startswith(self.prefix) and e.is_dir(follow_symlinks=False)
            ]
        for path in stale:
            try:
                fd = os.open(path, DIR_FLAGS)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if not any(self._foreign_entries(path)):
                    self._delete(path, fd)
            except OSError:
                pass  # in use by a running audit, or not ours to judge: leave it
            finally:
                os.close(fd)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive flock on `folder` (the user's: it may be reached through a symlink)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
