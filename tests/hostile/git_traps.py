"""Repositories whose own git configuration would run commands: every key git offers for it points
at a script that leaves a marker file. `trap_repo(base, "filter.clean")` builds one.

The project (two layers) has two commits so `check --base` has a base: the second adds
`app/domain/bad.py` (an upward import: a finding, so `check` blames it) and changes
`app/api/views.py`; both are modified again in the working tree (so git would read working-tree
files: `blame --contents`, `diff` against the work tree). `.gitattributes` routes every file to
the driver `trap`. Partial-clone cases (a promisor remote) have history blobs missing, so git
would fetch them lazily through the remote's transport.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from gitrepo import GitRepo, git_env

from hostile.project import FILES

BASE_FILES = {k: v for k, v in FILES.items() if k != "app/domain/bad.py"}
BASE_FILES[".gitattributes"] = "* filter=trap diff=trap merge=trap\n"
SECOND = {
    "app/domain/bad.py": FILES["app/domain/bad.py"],
    "app/api/views.py": FILES["app/api/views.py"] + "LIMIT = 10\n",
}
WORKTREE = {
    "app/domain/bad.py": FILES["app/domain/bad.py"] + "x = 1\n",
    "app/api/views.py": FILES["app/api/views.py"] + "LIMIT = 20\n",
}
HOOKS = (
    "applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
    "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge",
    "pre-push", "pre-receive", "update", "proc-receive", "post-receive", "post-update",
    "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite",
    "sendemail-validate", "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist",
    "p4-post-changelist", "p4-pre-submit", "post-index-change",
)  # fmt: skip


def script(markers: Path, name: str, body: str = "cat") -> str:
    """An executable that records it ran (markers/ran-NAME) and then does `body`."""
    path = markers / f"{name}.sh"
    path.write_text(f'#!/bin/sh\necho "$0 $*" >> {markers / ("ran-" + name)}\n{body}\n', encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def ran(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.glob("ran-*"))


def _config(repo: GitRepo, pairs: dict[str, str]) -> None:
    for key, value in pairs.items():
        repo.git("config", key, value)


def _sign_head(repo: GitRepo) -> None:
    """Give HEAD a (fake) OpenPGP signature header, as a signed commit has."""
    raw = repo.git("cat-file", "commit", "HEAD")
    header, _, message = raw.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    signed = f"{header}\n{signature}\n\n{message}"
    sha = repo.git("hash-object", "-t", "commit", "-w", "--stdin", input=signed).strip()
    repo.git("update-ref", "HEAD", sha)


def _signed(repo: GitRepo, gpg: str, openpgp: str) -> None:
    """A signed HEAD and `log.showSignature`: `git log` would verify it with gpg.program."""
    _sign_head(repo)
    _config(repo, {"log.showSignature": "true", "gpg.program": gpg, "gpg.openpgp.program": openpgp})


def _hooks(repo: GitRepo, markers: Path) -> None:
    hooks = markers / "hooks"
    hooks.mkdir()
    for name in HOOKS:
        target = script(markers, f"hook-{name}", "exit 0")
        for folder in (hooks, repo.path / ".git" / "hooks"):
            (folder / name).write_text(Path(target).read_text(), encoding="utf-8")
            (folder / name).chmod(0o755)
    repo.git("config", "core.hooksPath", str(hooks))


def _local(markers: Path) -> dict[str, Callable[[GitRepo], None]]:
    """Traps set in an ordinary clone's .git/config."""
    s = lambda name, body="cat": script(markers, name, body)  # noqa: E731
    return {
        "core.fsmonitor": lambda r: _config(r, {"core.fsmonitor": s("fsmonitor", "exit 1")}),
        "diff.textconv": lambda r: _config(r, {"diff.trap.textconv": s("textconv", 'cat "$1"')}),
        "diff.command": lambda r: _config(r, {"diff.trap.command": s("diff-command", "exit 0")}),
        "diff.external": lambda r: _config(r, {"diff.external": s("diff-external", "exit 0")}),
        "filter.clean": lambda r: _config(
            r, {"filter.trap.clean": s("clean"), "filter.trap.required": "true"}
        ),
        "filter.smudge": lambda r: _config(r, {"filter.trap.smudge": s("smudge")}),
        "filter.process": lambda r: _config(r, {"filter.trap.process": s("process", "exit 1")}),
        "merge.driver": lambda r: _config(r, {"merge.trap.driver": s("merge-driver", "exit 0")}),
        "core.hooksPath": lambda r: _hooks(r, markers),
        "core.pager": lambda r: _config(
            r,
            {
                "core.pager": s("pager"),
                "pager.blame": s("pager-blame"),
                "pager.diff": s("pager-diff"),
                "pager.log": s("pager-log"),
                "core.editor": s("editor", "exit 0"),
                "sequence.editor": s("sequence-editor", "exit 0"),
            },
        ),
        "gpg.program": lambda r: _signed(r, s("gpg", "exit 1"), s("gpg-openpgp", "exit 1")),
    }


def _promisor(markers: Path) -> dict[str, dict[str, str]]:
    """Traps in the transport of a partial clone's promisor remote (reached by a lazy fetch)."""
    s = lambda name, body: script(markers, name, body)  # noqa: E731
    return {
        "remote.uploadpack": {"remote.origin.uploadpack": s("uploadpack", 'exec git-upload-pack "$@"')},
        "core.sshCommand": {
            "remote.origin.url": "ssh://git.invalid/repo.git",
            "core.sshCommand": s("ssh-command", "exit 1"),
        },
        "core.gitProxy": {
            "remote.origin.url": "git://git.invalid/repo.git",
            "core.gitProxy": s("git-proxy", "exit 1"),
        },
        "credential.helper": {
            "remote.origin.url": "http://127.0.0.1:9/repo.git",
            "credential.helper": s("credential-helper", "exit 0"),
            "core.askPass": s("askpass", "echo x"),
        },
        "remote.ext-url": {"remote.origin.url": f"ext::{s('ext-url', 'exit 1')}"},
    }


KEYS = (
    "core.fsmonitor", "diff.textconv", "diff.command", "diff.external", "filter.clean",
    "filter.smudge", "filter.process", "merge.driver", "core.hooksPath", "core.pager", "gpg.program",
)  # fmt: skip
PROMISOR_KEYS = (
    "remote.uploadpack",
    "core.sshCommand",
    "core.gitProxy",
    "credential.helper",
    "remote.ext-url",
)


def _project(path: Path) -> tuple[GitRepo, str]:
    repo = GitRepo(path)
    base = repo.commit(BASE_FILES, "base")
    repo.commit(SECOND, "add bad.py")
    return repo, base


def trap_repo(work: Path, key: str) -> tuple[Path, Path, str]:
    """(repository, markers folder, base commit) with the trap for `key` set ("all": KEYS')."""
    markers = work / "markers"
    markers.mkdir(parents=True)
    if key in PROMISOR_KEYS:
        origin, base = _project(work / "origin")
        origin.git("config", "uploadpack.allowFilter", "true")
        subprocess.run(
            ["git", "clone", "-q", "--filter=blob:none", f"file://{origin.path}", str(work / "repo")],
            check=True, capture_output=True, env=git_env(),
        )  # fmt: skip
        repo = GitRepo(work / "repo", init=False)
        _config(repo, _promisor(markers)[key])
    else:
        repo, base = _project(work / "repo")
        traps = _local(markers)
        # "all": every trap of KEYS at once, hooks last (setting the others runs git here)
        for name in sorted(KEYS, key=lambda k: k == "core.hooksPath") if key == "all" else (key,):
            traps[name](repo)
    repo.write(WORKTREE)
    return repo.path, markers, base
