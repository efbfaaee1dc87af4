"""Exceptions for the cases where edi837 cannot continue.

Problems with the data itself are collected as :class:`edi837.issues.Issue` objects so the user
sees all of them in one run; an exception means the input or configuration is unusable as a whole
(unreadable file, broken envelope, broken profile). Each carries the process exit code the CLI
returns for it, so the CLI never guesses.
"""

from __future__ import annotations

from typing import Any


class EdiError(Exception):
    """Base class: a message meant for the user, and the exit code that goes with it."""

    exit_code = 2

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

    exit_code = 3


class LedgerError(EdiError):
    """The ledger database is unusable (locked, wrong schema, not a ledger)."""


class BlockedError(EdiError):
    """The input was read, but error-severity problems block the output. ``issues`` holds the
    full report so the caller can show every problem, not just this summary."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, issues: list[Any] | None = None):
        super().__init__(message, hint=hint)
        self.issues = issues or []
