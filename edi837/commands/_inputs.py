"""The input files a command reads: named on the command line, or ``-`` for standard input.

Apart from the other shared options (:mod:`._common`) so that a command needing only these,
``remit``, does not import the ledger and the profile model at every start (issue 12).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

STDIN_NAME = "<stdin>"  # what messages call records or an X12 file given as `-`


class UnreadableInput(click.BadParameter):
    """An input named on the command line is missing or not a file: exit 2 like any input that
    cannot be read, not a usage error (the command line itself was right)."""


class InputFile(click.Path):
    """An existing file to read; with ``dash``, ``-`` is standard input."""

    def __init__(self, *, dash: bool = False) -> None:
        super().__init__(exists=True, dir_okay=False, path_type=Path, allow_dash=dash)

    def fail(
        self, message: str, param: click.Parameter | None = None, ctx: click.Context | None = None
    ) -> NoReturn:
        raise UnreadableInput(message, ctx=ctx, param=param)


def is_dash(path: Path | None) -> bool:
    """``-``: standard input for an input, standard output for an output."""
    return path is not None and str(path) == "-"


@contextmanager
def readable(path: Path) -> Iterator[tuple[Path, str]]:
    """(the file to read, the name to show for it). ``-`` is standard input, copied whole into
    a private temporary file first (0600 in a 0700 folder, removed afterwards): readers look at
    a file twice (what it is, then its content) and the ledger records a records file's SHA-256."""
    if not is_dash(path):
        yield path, str(path)
        return
    with tempfile.TemporaryDirectory(prefix="edi837-") as folder:
        copy = Path(folder) / "stdin"
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        yield copy, STDIN_NAME
