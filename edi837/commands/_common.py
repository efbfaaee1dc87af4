"""Options and helpers the commands share."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar

import attrs
import click

from edi837.ledger.store import default_ledger_path
from edi837.model.profile import Profile
from edi837.model.records import DateFormat


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


F = TypeVar("F", bound=Callable[..., Any])


def date_option(name: str, dest: str, help: str) -> Callable[[F], F]:
    """An option taking a day written YYYY-MM-DD, handed to the command as a ``date``."""
    return click.option(
        name,
        dest,
        metavar="YYYY-MM-DD",
        callback=_iso_date,
        default=None,
        help=help,
    )


as_of_option = date_option(
    "--as-of",
    "as_of",
    "Treat this date as today (filing limits, file dates): reproducible runs.",
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
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
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
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The approved TARs, CSV or a workbook (tar_number, member_id, start_date, end_date, approved_codes); `edi837 init --tars` writes a template.",
)


def resolve_as_of(as_of: date | None) -> tuple[date, datetime]:
    """(today for the rules, the file's creation time). A pinned date pins the time to 00:00."""
    if as_of is not None:
        return as_of, datetime.combine(as_of, datetime.min.time())
    now = datetime.now().replace(second=0, microsecond=0)
    return now.date(), now


def write_text_output(
    out: Path | None,
    write: Callable[[TextIO], None],
    *,
    inputs: Sequence[Path | None] = (),
    ledger: Path | None = None,
) -> None:
    """Text output to stdout, or to ``out`` through the one output guard and a staged 0600 write
    (the output may hold member data). Nothing is left half-written if ``write`` fails."""
    if out is None or str(out) == "-":
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
