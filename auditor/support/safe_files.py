"""Writing files without being steered by what the audited repository holds.

A repository can commit a symlink (or a file, or a folder) where auditor writes: `.auditor/`,
`auditor-report/`, `auditor.sarif.tmp`, a SQLite file. Every file auditor writes goes through
here, and:

- a symlink is never followed at the path written, nor at a folder of it that lies inside
  `inside` (the audited project): `UnsafePathError`, one line, exit 2;
- folders are created one by one with mkdir, which never follows a symlink; folders that
  already exist outside `inside` are used as the user named them (`/tmp` may be a link);
- a file is written to a temporary file created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW, a
  random name) beside the target, then renamed over it; its mode follows the umask;
- nothing here deletes anything but its own temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from auditor.domain.errors import AuditorError

# flags of every file auditor creates: never an existing file, never through a symlink
CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class UnsafePathError(AuditorError):
    """A path auditor would write through is a symlink, or a folder auditor would replace holds
    what auditor did not write. Always exit 2: never worked around."""


class WriteError(AuditorError):
    """Writing failed (full disk, read-only folder, a file where a folder goes, ...). Exit 2,
    unless the writer can do without (the blame cache)."""


def refuse_link(path: Path) -> None:
    """Raise UnsafePathError when `path` is a symlink (dangling or not)."""
    with contextlib.suppress(OSError):
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise UnsafePathError(f"{path} is a symlink (to {_target(path)}); refusing to write through it")


def refuse_links_inside(path: Path, inside: Path | None) -> None:
    """Refuse a symlink at `path` or at any existing folder of it below `inside`."""
    refuse_link(path)
    if inside is None:
        return
    try:
        parts = path.relative_to(inside).parts
    except ValueError:
        return  # outside the project: the user named it
    for depth in range(1, len(parts)):
        refuse_link(inside.joinpath(*parts[:depth]))


def ensure_dir(path: Path, *, inside: Path | None = None) -> Path:
    """`path` as a real folder: created (with missing parents) when absent; refused when it,
    or a folder of it below `inside`, is a symlink, or when it is not a folder."""
    refuse_links_inside(path, inside)
    make_dirs(path)
    if not stat.S_ISDIR(os.lstat(path).st_mode):
        raise WriteError(f"{path} exists and is not a directory; refusing to write in it")
    return path


def ensure_owned_dir(base: Path, *parts: str) -> Path:
    """base/parts... as real folders, where `base` is a folder auditor owns (the cache folder):
    neither it nor any folder below it may be a symlink; the folders above it are the user's."""
    return ensure_dir(base.joinpath(*parts), inside=base.parent)


def make_dirs(path: Path) -> None:
    """mkdir -p without following a symlink at any folder it creates (an existing folder is
    used as it is; a name taken by a file or a dangling link fails)."""
    if path.is_dir():
        return
    if path.parent != path:
        make_dirs(path.parent)
    try:
        os.mkdir(path)
    except FileExistsError:
        if not path.is_dir() or os.path.islink(path):
            refuse_link(path)
            raise WriteError(f"{path} exists and is not a directory; refusing to write in it") from None
    except OSError as exc:
        raise WriteError(f"cannot create {path}: {exc.strerror or exc}") from None


def refuse_non_file(path: Path) -> None:
    """Refuse `path` when it exists and is not a regular file (a symlink, a folder, a fifo)."""
    refuse_link(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise WriteError(f"{path} is a directory; refusing to write over it")
    if not stat.S_ISREG(mode):
        raise WriteError(f"{path} is not a regular file; refusing to write over it")


def write_file(path: Path, data: str | bytes, *, inside: Path | None = None) -> None:
    """Write `data` (str: UTF-8) to `path` all at once: an exclusive temporary file beside it,
    fsync, rename over it. A failure leaves the previous file and no temporary file.

    Outside the project (`inside` given, `path` not below it) a symlink, device or fifo at
    `path` is what the user typed (`-o /dev/null`, `-o /dev/stdout`): written through, as a
    shell redirection would. The repository cannot put one there; inside it, they are refused."""
    path = Path(path).absolute()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if inside is not None and not path.is_relative_to(inside) and _named_stream(path):
        try:
            with open(path, "wb") as out:
                out.write(raw)
        except BrokenPipeError:
            raise  # a reader that stopped early (`-o /dev/stdout | head`): not an error of ours
        except OSError as exc:
            raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
        return
    refuse_links_inside(path, inside)
    refuse_non_file(path)
    make_dirs(path.parent)
    tmp = temporary_name(path)
    try:
        fd = os.open(tmp, CREATE_FLAGS, 0o666)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(raw)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            os.unlink(tmp)
            raise
        try:
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None


def _named_stream(path: Path) -> bool:
    """A symlink, character device or fifo at `path` (not a regular file, not a folder)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return stat.S_ISLNK(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def create_file(path: Path) -> int:
    """Create `path` exclusively (never an existing file, never through a symlink); its fd."""
    return os.open(path, CREATE_FLAGS, 0o666)


def temporary_name(path: Path) -> Path:
    """A random, hidden sibling name for a temporary file of `path` (never a fixed name)."""
    return path.with_name(f".{path.name[:100]}.tmp-{os.urandom(8).hex()}")


def _target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"
