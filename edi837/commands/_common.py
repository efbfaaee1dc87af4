"""Options and helpers the commands share."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import attrs
import click

from edi837.ledger.store import default_ledger_path
from edi837.model.profile import Profile
from edi837.model.records import DateFormat

if TYPE_CHECKING:
    from edi837.errors import BlockedError
    from edi837.issues import Issue, Report
    from edi837.rules.tars import TarList
    from edi837.services.emit import BuildResult


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


def echo_blocked(exc: BlockedError, before: Sequence[Issue] = ()) -> int:
    """A build, replace or void that errors blocked: its findings on stdout (after ``before``,
    e.g. the TAR list's), the reason on stderr; returns the exit code."""
    from edi837.render.issues import render_text

    click.echo(render_text([*before, *exc.issues]), nl=False)
    click.echo(f"error: {exc}", err=True)
    return exc.exit_code


def echo_written(result: BuildResult, out: Path, before: Sequence[Issue] = ()) -> None:
    """A written batch: its findings, then the summary (services/emit.py BuildResult)."""
    from edi837.render.issues import counts, render_text
    from edi837.render.summary import build_summary

    issues = [*before, *result.report.sorted()]
    if issues:
        click.echo(render_text(issues), nl=False)
    click.echo(build_summary(result.batch, str(out), counts(issues)), nl=False)


allow_option = click.option(
    "--allow",
    "allow",
    multiple=True,
    metavar="RULE-ID",
    help="Bill despite this rule's errors (repeatable: the payer's rules, DUPLICATE-SERVICE, "
    "RECORDS-ALREADY-BUILT); recorded in the ledger.",
)


@attrs.frozen
class WriteInputs:
    """What build and replace read before they open the ledger."""

    profile: Profile
    today: date
    created: datetime
    tar_report: Report  # the TAR list's own findings, shown before the batch's
    tars: TarList | None


def read_inputs(
    profile_path: Path, date_format: DateFormat | None, as_of: date | None, tars: Path | None
) -> WriteInputs:
    from edi837.ingest.profile import load_profile
    from edi837.ingest.tars import read_tars
    from edi837.issues import Report

    profile = with_date_format(load_profile(profile_path), date_format)
    today, created = resolve_as_of(as_of)
    tar_report = Report()
    tar_list = (
        read_tars(tars, tar_report, date_format=profile.records.date_format) if tars else None
    )
    return WriteInputs(profile, today, created, tar_report, tar_list)
