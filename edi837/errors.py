"""Exceptions for the cases where edi837 cannot continue.

Problems with the data itself are collected as :class:`edi837.issues.Issue` objects so the user
sees all of them in one run; an exception means the input or configuration is unusable as a whole
(unreadable file, broken envelope, broken profile). Each carries the process exit code the CLI
returns for it, so the CLI never guesses.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """The one exit-code table, the same for every command (README, each ``--help``)."""

    OK = 0
    FINDINGS = 1  # findings that block the output, or a file that does not conform
    UNUSABLE = 2  # an input that cannot be read, or an operation refused
    INTERNAL = 3  # a bug in edi837
    USAGE = 64  # the command line itself is wrong (sysexits.h EX_USAGE)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "success (warnings and info findings allowed)",
    ExitCode.FINDINGS: "findings that block the output, or a file that does not conform",
    ExitCode.UNUSABLE: "an input that cannot be read, or an operation refused (nothing changed)",
    ExitCode.INTERNAL: "internal error: a bug in edi837 (EDI837_DEBUG=1 shows the traceback)",
    ExitCode.USAGE: "usage error: an unknown option, a missing argument, a malformed value",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def exit_code_table() -> str:
    """The table as the end of every ``--help`` shows it (click keeps ``\b`` blocks as typed)."""
    rows = [f"  {int(code):>3}  {code.meaning}" for code in ExitCode]
    return "\b\nExit codes (every command):\n" + "\n".join(rows)


class EdiError(Exception):
    """Base class: a message meant for the user, and the exit code that goes with it."""

    exit_code: int = ExitCode.UNUSABLE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InputError(EdiError):
    """An input file cannot be read at all (missing, empty, wrong encoding, no header)."""


class ConfigError(EdiError):
    """The provider profile, fee schedule or TAR list is unusable."""


class X12ParseError(EdiError):
    """An X12 file cannot be read: no ISA, bad delimiters, truncated, not text."""

    def __init__(self, message: str, *, position: int | None = None, hint: str | None = None):
        where = f"segment {position}: " if position is not None else ""
        super().__init__(where + message, hint=hint)
        self.position = position


class SpecError(EdiError):
    """The shipped segment declarations are inconsistent: a bug in edi837, not in the input."""

    exit_code = ExitCode.INTERNAL


class LedgerError(EdiError):
    """The ledger database is unusable (locked, wrong schema, not a ledger)."""


class RefusedError(EdiError):
    """The operation is refused as asked (an existing file without --force, a payee not ours):
    nothing was changed."""


class BlockedError(EdiError):
    """The input was read, but error-severity problems block the output. ``issues`` holds the
    full report so the caller can show every problem, not just this summary."""

    exit_code = ExitCode.FINDINGS

    def __init__(self, message: str, *, hint: str | None = None, issues: list[Any] | None = None):
        super().__init__(message, hint=hint)
        self.issues = issues or []
