"""Options and helpers the commands share."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TextIO

import attrs
import click
from click.decorators import FC

from edi837.ledger.store import default_ledger_path
from edi837.model.profile import Profile
from edi837.model.records import DateFormat

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


def format_option(*choices: str, default: str, help: str | None = None) -> Callable[[FC], FC]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=help,
    )


max_issues_option = click.option(
    "--max-issues",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="List at most N findings after the per-rule summary (0: all). Default: 100 in text, "
    "all in JSON; the summary always counts every finding.",
)


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """YYYY-MM-DD, refused in words (click's DateTime would quote Python's '%Y-%m-%d')."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value[:40]!r} is not a date: write YYYY-MM-DD, e.g. 2026-02-02"
        ) from None


def _date_format(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> DateFormat | None:
    if value is None:
        return None
    fmt = DateFormat.named(value)
    if fmt is None:
        raise click.BadParameter(
            f"{value[:40]!r} is not a date format: write " + ", ".join(f.value for f in DateFormat)
        )
    return fmt


as_of_option = click.option(
    "--as-of",
    metavar="YYYY-MM-DD",
    callback=_iso_date,
    default=None,
    help="Treat this date as today (filing limits, file dates): reproducible runs.",
)
date_format_option = click.option(
    "--date-format",
    metavar="M/D/YYYY|D/M/YYYY|YYYY-MM-DD",
    callback=_date_format,
    default=None,
    help="How the records and the TAR list write dates (default: the profile's [records] "
    "date_format, else YYYY-MM-DD). YYYY-MM-DD is always read too; month-first and day-first "
    "are never guessed.",
)


def with_date_format(profile: Profile, date_format: DateFormat | None) -> Profile:
    """The profile, with ``--date-format`` (when given) in place of its own setting."""
    if date_format is None:
        return profile
    return attrs.evolve(profile, records=attrs.evolve(profile.records, date_format=date_format))


ledger_option = click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"The ledger database (default $EDI837_LEDGER or {default_ledger_path()}).",
)
profile_option = click.option(
    "--profile",
    "profile_path",
    type=InputFile(),
    required=True,
    help="The provider profile (TOML); `edi837 init` writes a template.",
)
out_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The 837P file to write (written whole or not at all).",
)
tars_option = click.option(
    "--tars",
    type=InputFile(),
    default=None,
    help="The approved TARs, CSV or a workbook (tar_number, member_id, start_date, end_date, approved_codes); `edi837 init --tars` writes a template.",
)


def write_text_output(
    out: Path | None,
    write: Callable[[TextIO], None],
    *,
    inputs: Sequence[Path | None] = (),
    ledger: Path | None = None,
) -> None:
    """Text output to stdout, or to ``out`` through the one output guard and a staged 0600 write
    (the output may hold member data). Nothing is left half-written if ``write`` fails."""
    if out is None or is_dash(out):
        stream = sys.stdout
        try:
            write(stream)
            stream.flush()
        except BrokenPipeError:
            # the reader of our output went away (`| head`): stop quietly, as Unix tools do
            with contextlib.suppress(OSError, ValueError, AttributeError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
        return
    from edi837.outputs import guard, stage

    guard(out, inputs=inputs, ledger=ledger)
    with stage(out) as staged:
        write(staged.text())
        staged.publish()


def write_document(
    command: str,
    exit_code: int,
    issues: list[Any],
    summary: dict[str, Any],
    *,
    limit: int | None = None,
    made: Sequence[tuple[str, Any]] = (),
) -> None:
    """A command's JSON document on standard output (edi837/render/documents.py): the envelope
    and summary, then what the command ``made`` (fields; an iterator is streamed), then the
    findings."""
    from edi837.render import documents

    head, listed = documents.envelope(command, exit_code, issues, summary, limit=limit)
    fields = [*head.items(), *made, ("issues", iter(listed))]
    write_text_output(None, lambda out: documents.write(out, fields))


def write_failure(command: str, exc: Any, issues: list[Any], summary: dict[str, Any]) -> None:
    """The JSON document of a run that ``exc`` (an EdiError) stopped: the error, and the
    findings made before it."""
    from edi837.render import documents

    write_text_output(None, lambda out: documents.failure(out, command, exc, issues, summary))
