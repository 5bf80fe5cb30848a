"""The one way auditor runs git. Git's output is data, and so is the repository's git config.

A `.git` that comes with the audited code (an archive, a shared checkout, a CI cache) can name
commands in its config: `core.fsmonitor`, `diff.<driver>.textconv`, `filter.<driver>.clean`,
hooks, a pager, `gpg.program` for `log.showSignature`, the transport of a lazy fetch. Every
git process auditor starts goes through `Git`, which neutralises them all on every call:

- `-c` settings that override the repository's (`NEUTRAL_CONFIG`), and an environment without
  the system config, terminal prompts or a pager;
- after the subcommand, the options that switch off what config cannot (`--no-textconv`,
  `--no-ext-diff`, `--no-show-signature`, ...: `SUBCOMMAND_OPTIONS`);
- for commands that may read working-tree files (`blame --contents`, `diff` against the work
  tree, anything not known to be free of it), every `filter.<driver>` the config defines is
  emptied: filter drivers have free names, so they are listed first with one `git config`
  call (git 2.39 has no `--attr-source` to drop `.gitattributes`).
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

NEUTRAL_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),  # a hook program git would run to list changed files
    ("core.hooksPath", os.devnull),  # no hook, whatever .git/hooks or the config holds
    ("core.pager", "cat"),
    ("core.editor", "true"),
    ("sequence.editor", "true"),
    ("core.askPass", ""),
    ("credential.helper", ""),  # an empty value clears the list of helpers
    ("core.sshCommand", ""),
    ("core.gitProxy", ""),
    ("protocol.allow", "never"),  # no transport at all: a partial clone's lazy fetch fails
    ("diff.external", ""),
    ("core.attributesFile", os.devnull),
    ("log.showSignature", "false"),  # `git log` would run gpg.program on signed commits
    ("gpg.program", ""),
    ("gpg.openpgp.program", ""),
    ("gpg.x509.program", ""),
    ("gpg.ssh.program", ""),
    ("core.quotepath", "off"),
)
NEUTRAL_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",  # a read never rewrites the index
    "GIT_PAGER": "cat",
    "GIT_NO_LAZY_FETCH": "1",  # git >= 2.44; protocol.allow=never covers older ones
    "GIT_PROTOCOL_FROM_USER": "0",
    "LC_ALL": "C",
}
UNSET_ENV = ("GIT_EXTERNAL_DIFF", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "SSH_ASKPASS", "PAGER")
SUBCOMMAND_OPTIONS: dict[str, tuple[str, ...]] = {
    # blame: no textconv, and no revisions file named by blame.ignoreRevsFile (it could be a
    # fifo, and ignoring revisions would hand AI-written lines to other commits)
    "blame": ("--no-textconv", "--no-ignore-revs-file"),
    "diff": ("--no-textconv", "--no-ext-diff", "--ignore-submodules=all"),
    "log": ("--no-textconv", "--no-ext-diff", "--no-show-signature"),
    "show": ("--no-textconv", "--no-ext-diff", "--no-show-signature"),
}
# commands that never read working-tree file contents (so never run a filter)
_NO_WORKTREE_CONTENT = frozenset(
    {"rev-parse", "ls-tree", "cat-file", "log", "notes", "config", "version", "init",
     "rev-list", "for-each-ref", "show-ref", "merge-base", "symbolic-ref", "update-ref", "mktree",
     "commit-tree"}
)  # fmt: skip
_LS_FILES_CONTENT = frozenset({"-m", "--modified", "-d", "--deleted", "-k", "--killed", "-t", "-v"})


class GitUnavailable(Exception):
    """git cannot be used here (executable missing or not runnable, not a repository, ...)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing  # the executable is not there at all


def _missing(executable: str) -> GitUnavailable:
    return GitUnavailable(f"git executable not found: {executable}", missing=True)


class GitCommandFailed(Exception):
    """A git command exited non-zero; `stderr` (text) says why."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: str, stdout: bytes = b"") -> None:
        first = stderr.strip().splitlines()[0] if stderr.strip() else f"exit status {returncode}"
        super().__init__(f"git {' '.join(args[:3])}: {first}")
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout


def reads_worktree_content(args: Sequence[str]) -> bool:
    """Whether `git ARGS` may read working-tree files (and so run `.gitattributes` filters)."""
    if not args:
        return False
    command, rest = args[0], args[1:]
    if command == "blame":
        return any(a == "--contents" or a.startswith("--contents=") for a in rest)
    if command == "ls-files":
        return any(a in _LS_FILES_CONTENT for a in rest)
    if command == "cat-file":
        return any(a in ("--filters", "--textconv") for a in rest)
    return command not in _NO_WORKTREE_CONTENT


def _hardened(args: Sequence[str]) -> list[str]:
    if not args:
        return []
    return [args[0], *SUBCOMMAND_OPTIONS.get(args[0], ()), *args[1:]]


def neutral_env(extra: Mapping[str, str] | None = None, *, isolated: bool = False) -> dict[str, str]:
    """The environment git runs in: the user's (without any GIT_* variable when `isolated`),
    less what could run a program, plus NEUTRAL_ENV and `extra`."""
    env = {
        k: v for k, v in os.environ.items() if k not in UNSET_ENV and not (isolated and k.startswith("GIT_"))
    }
    env.update(NEUTRAL_ENV)
    if extra:
        env.update(extra)
    return env


def _config_args(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [arg for key, value in pairs for arg in ("-c", f"{key}={value}")]


def _filter_names(listing: bytes) -> list[str]:
    """Driver names in `git config -z --get-regexp ^filter\\.` output ("filter.NAME.var\\nvalue")."""
    names: dict[str, None] = {}
    for entry in listing.split(b"\0"):
        key = entry.split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
        if key.startswith("filter.") and key.count(".") >= 2:
            names[key[len("filter.") : key.rindex(".")]] = None
    return list(names)


class Git:
    """`git` (or `executable`) run in `cwd` with the repository's command-running config
    neutralised. `env` adds to the environment; `isolated` drops the user's GIT_* variables
    (for a repository auditor makes itself, like the demo's); `config` adds `-c` settings."""

    def __init__(
        self,
        executable: str = "git",
        cwd: Path | str = ".",
        env: Mapping[str, str] | None = None,
        *,
        isolated: bool = False,
        config: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.executable = executable
        self.cwd = Path(cwd)
        self.env = dict(env or {})
        self.isolated = isolated
        self.config = tuple(config)  # more `-c` settings (NEUTRAL_CONFIG still wins)
        self._filters: list[tuple[str, str]] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Git({self.executable!r}, {str(self.cwd)!r})"

    def with_env(self, env: Mapping[str, str]) -> Git:
        return Git(self.executable, self.cwd, {**self.env, **env}, isolated=self.isolated, config=self.config)

    def environment(self) -> dict[str, str]:
        return neutral_env(self.env, isolated=self.isolated)

    def command(self, args: Sequence[str], *, filters: Sequence[tuple[str, str]] = ()) -> list[str]:
        settings = [*self.config, *NEUTRAL_CONFIG, *filters]
        return [self.executable, "--no-pager", *_config_args(settings), *_hardened(args)]

    def run(
        self, *args: str, input: bytes | None = None, check: bool = True, timeout: float | None = None
    ) -> bytes:
        """stdout of `git ARGS`; GitUnavailable when git cannot start, GitCommandFailed when it
        fails (unless `check` is false) or runs past `timeout` seconds (then it is killed)."""
        argv = self.command(args, filters=self._filters_off(args))
        try:
            done = subprocess.run(
                argv, cwd=self.cwd, input=input, capture_output=True, env=self.environment(),
                check=False, timeout=timeout,
            )  # fmt: skip
        except FileNotFoundError:
            raise _missing(self.executable) from None
        except PermissionError:
            raise GitUnavailable(f"git executable not runnable: {self.executable}") from None
        except NotADirectoryError:
            raise GitUnavailable(f"{self.cwd}: not a directory") from None
        except subprocess.TimeoutExpired:
            raise GitCommandFailed(args, -9, f"did not finish in {timeout:g} s") from None
        if check and done.returncode != 0:
            raise GitCommandFailed(args, done.returncode, done.stderr.decode("utf-8", "replace"), done.stdout)
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """`git ARGS` started with stdout and stderr piped (GitUnavailable when git cannot start)."""
        argv = self.command(args, filters=self._filters_off(args))
        try:
            return subprocess.Popen(
                argv, cwd=self.cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=self.environment(),
            )  # fmt: skip
        except FileNotFoundError:
            raise _missing(self.executable) from None
        except PermissionError:
            raise GitUnavailable(f"git executable not runnable: {self.executable}") from None

    def _filters_off(self, args: Sequence[str]) -> list[tuple[str, str]]:
        """`-c` settings emptying every filter driver, when `args` may read working-tree files.
        Listed once per Git object (a run's commands see the config it started with)."""
        if not reads_worktree_content(args):
            return []
        with self._lock:
            if self._filters is None:
                self._filters = self._list_filters()
            return self._filters

    def _list_filters(self) -> list[tuple[str, str]]:
        args = ("config", "-z", "--get-regexp", r"^filter\.")
        try:
            done = subprocess.run(
                self.command(args), cwd=self.cwd, capture_output=True, env=self.environment(),
                stdin=subprocess.DEVNULL, check=False,
            )  # fmt: skip
        except FileNotFoundError:
            raise _missing(self.executable) from None
        except (PermissionError, NotADirectoryError) as exc:
            raise GitUnavailable(f"cannot run {self.executable}: {exc.strerror}") from None
        if done.returncode not in (0, 1):  # 1: no filter configured
            raise GitCommandFailed(args, done.returncode, done.stderr.decode("utf-8", "replace"))
        pairs: list[tuple[str, str]] = []
        for name in _filter_names(done.stdout):
            if "=" in name:  # `-c` would split the key there: refuse rather than run the filter
                raise GitCommandFailed(args, 128, f"filter driver name {name!r} cannot be switched off")
            for var, value in (("clean", ""), ("smudge", ""), ("process", ""), ("required", "false")):
                pairs.append((f"filter.{name}.{var}", value))
        return pairs


def run_git(root: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    """stdout of `git ARGS` in `root`; GitUnavailable or GitCommandFailed (see Git.run)."""
    return Git("git", root).run(*args, input=input, check=check)


@dataclass(frozen=True, slots=True)
class Change:
    """One file of `git diff --name-status`."""

    status: str  # A, M, D, R (rename), C (copy), T
    path: str  # the path after the change (the new path of a rename or copy)
    old_path: str | None = None  # the path before it (renames, copies, modifications, deletes)


def parse_name_status(output: bytes) -> list[Change]:
    """The files of `git diff --name-status -z` output, in order (git's paths, undecoded bytes
    kept as surrogate escapes)."""
    fields = [f.decode("utf-8", "surrogateescape") for f in output.split(b"\0") if f]
    changes: list[Change] = []
    i = 0
    while i + 1 < len(fields):
        status = fields[i][0]
        if status in "RC" and i + 2 < len(fields):
            changes.append(Change(status, fields[i + 2], fields[i + 1]))
            i += 3
        else:
            changes.append(Change(status, fields[i + 1], None if status == "A" else fields[i + 1]))
            i += 2
    return changes


class PendingGit:
    """git commands started side by side; `results()` waits for all of them."""

    def __init__(self, *commands: tuple[Git, Sequence[str]]) -> None:
        self.procs: list[tuple[Sequence[str], subprocess.Popen[bytes]]] = []
        try:
            for git, args in commands:
                self.procs.append((args, git.start(*args)))
        except (GitUnavailable, GitCommandFailed):
            self.cancel()
            raise

    def results(self) -> list[bytes]:
        """Their stdout in order; GitCommandFailed for the first that failed."""
        outputs = [proc.communicate() for _, proc in self.procs]
        for (args, proc), (out, err) in zip(self.procs, outputs, strict=True):
            if proc.returncode != 0:
                raise GitCommandFailed(args, proc.returncode, err.decode("utf-8", "replace"), out)
        return [out for out, _err in outputs]

    def cancel(self) -> None:
        """Stop the commands (work that raised before it needed their results)."""
        for _, proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()


def head_info(root: Path) -> tuple[str | None, str | None]:
    """(commit, branch) of the repository at root, or (None, None) outside git."""
    try:
        out = run_git(root, "rev-parse", "HEAD", "--abbrev-ref", "HEAD").decode().split()
    except (GitUnavailable, GitCommandFailed):
        return None, None  # not a repository, or no commit yet
    commit = out[0] if out else None
    branch = out[1] if len(out) > 1 and out[1] != "HEAD" else None  # "HEAD": detached
    return commit, branch


def no_repository_at(path: Path) -> bool:
    """True only when git certainly finds no repository for `path`, told without running it:
    no GIT_DIR in the environment, and no folder at or above `path` holds a `.git` entry or is
    itself a bare repository (HEAD, objects/ and refs/). False means "ask git"."""
    if os.environ.get("GIT_DIR"):
        return False
    try:
        here = Path(os.path.abspath(path))
    except (OSError, ValueError):
        return False
    for folder in (here, *here.parents):
        if os.path.lexists(folder / ".git"):
            return False
        if os.path.lexists(folder / "HEAD") and os.path.isdir(folder / "objects") and os.path.isdir(folder / "refs"):
            return False
    return True


def repo_toplevel(root: Path) -> Path | None:
    try:
        out = run_git(root, "rev-parse", "--show-toplevel").decode().strip()
    except (GitUnavailable, GitCommandFailed):
        return None
    return Path(out) if out else None


def remote_url(root: Path, remote: str = "origin") -> str | None:
    """The URL of `remote` (else of the first remote) of the repository at root, or None."""
    try:
        names = run_git(root, "remote").decode("utf-8", "replace").split()
        if not names:
            return None
        name = remote if remote in names else names[0]
        url = run_git(root, "config", "--get", f"remote.{name}.url").decode("utf-8", "replace").strip()
    except (GitUnavailable, GitCommandFailed):
        return None
    return url or None


def normalise_remote(url: str) -> str:
    """A remote URL as a repository identity: no scheme, no credentials, no port, no `.git`, the
    host in lower case, `/` between host and path (scp-like `git@host:org/repo` included).
    `https://tok@GitHub.com/Org/Repo.git` and `git@github.com:Org/Repo` are both
    `github.com/Org/Repo`."""
    text = url.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
        host, _, path = text.partition("/")
    else:
        host, sep, path = text.partition(":")  # scp-like user@host:path
        if not sep or "/" in host:
            return text.rstrip("/").removesuffix(".git").rstrip("/")  # a local path
    host = host.rsplit("@", 1)[-1]  # user:password@host
    if host.startswith("[") and "]" in host:  # [ipv6]:port
        host = host[: host.index("]") + 1]
    else:
        host = host.split(":", 1)[0]
    path = path.strip("/").removesuffix(".git").rstrip("/")
    return f"{host.lower()}/{path}" if path else host.lower()
