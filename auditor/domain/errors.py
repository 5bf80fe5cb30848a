"""Errors that end a run with a precise, one-line message (never a traceback)."""

from __future__ import annotations


class AuditorError(Exception):
    """Base: an error the CLI turns into one line on stderr and an exit code."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"


class UsageError(AuditorError):
    """Bad command-line use (unknown --package, unreadable path, ...). Exit 2."""


class ConfigError(AuditorError):
    """A configuration or rule-pack error, located at file:line:column when known. Exit 2."""


class RulePackError(ConfigError):
    """A rule pack (TOML or semgrep YAML) is invalid. Exit 2."""


class GitError(AuditorError):
    """A git operation the run depends on failed (e.g. --base REF unreachable). Exit 2."""
