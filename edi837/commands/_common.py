"""Options and helpers the commands share."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import attrs
import click

from edi837.commands._inputs import InputFile, is_dash
from edi837.ledger.store import default_ledger_path
from edi837.model.profile import Profile
from edi837.model.records import DateFormat
from edi837.services.clock import resolve_as_of

if TYPE_CHECKING:
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


def format_option(*choices: str, default: str, help: str | None = None) -> Callable[[F], F]:
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
    type=InputFile(),
    required=True,
    help="The provider profile (TOML); `edi837 init` writes a template.",
)
out_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The 837P file to write (written whole or not at all); - writes it to standard output.",
)


def table_json_csv_option(help: str) -> Callable[[F], F]:
    """``--format table|json|csv`` (handed to the command as ``fmt``), table by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help=help,
    )


def text_out_option(help: str) -> Callable[[F], F]:
    """``--out F`` for a command whose output goes to stdout otherwise (write_text_output)."""
    return click.option(
        "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help
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
    with stage(out, digest=False) as staged:
        write(staged.text())
        staged.publish()


def write_document(
    command: str,
    exit_code: int,
    issues: Sequence[Issue],
    summary: dict[str, Any],
    *,
    limit: int | None = None,
    made: Sequence[tuple[str, Any]] = (),
) -> None:
    """A command's JSON document on standard output (edi837/render/documents.py): the envelope
    and summary, then what the command ``made`` (fields; an iterator is streamed), then the
    findings."""
    from edi837.render import documents

    head, listed = documents.envelope(command, exit_code, list(issues), summary, limit=limit)
    fields = [*head.items(), *made, ("issues", iter(listed))]
    write_text_output(None, lambda out: documents.write(out, fields))


@contextmanager
def said_when_stopped(
    command: str,
    fmt: str,
    summary: dict[str, Any],
    *,
    before: Callable[[], Sequence[Issue]] = tuple,
    limit: int | None = None,
) -> Iterator[None]:
    """What stops a command (an EdiError) is said, then the error goes on to the command line,
    which prints it on standard error and exits with its code. With ``--format json`` the
    command's document comes first, with ``error`` and the findings made before it (``before``,
    then the error's own); in text, the findings of a blocked batch go to standard error."""
    from edi837.errors import EdiError

    try:
        yield
    except EdiError as exc:
        stopped = exc  # (the name `exc` ends with the except block)
        found = [*before(), *getattr(exc, "issues", [])]
        if fmt == "json":
            from edi837.render import documents

            write_text_output(
                None, lambda out: documents.failure(out, command, stopped, found, summary)
            )
        elif found and getattr(exc, "issues", None):  # a blocked batch: its findings
            from edi837.render.issues import render_text

            click.echo(render_text(found, limit=limit), nl=False, err=True)
        raise


def echo_written(
    command: str,
    result: BuildResult,
    out: Path,
    before: Sequence[Issue] = (),
    *,
    fmt: str = "text",
    limit: int | None = None,
    notes: Sequence[str] = (),
) -> None:
    """A written batch (build, replace, void). JSON: its document on standard output. Text: its
    findings on standard error (the batch is the output), the summary and ``notes`` on standard
    output, or on standard error when the 837P itself went to standard output."""
    from edi837.outputs import shown
    from edi837.render import batch_data
    from edi837.render.issues import counts, render_text
    from edi837.render.summary import build_summary

    issues = [*before, *result.report.sorted()]
    if fmt == "json":
        made = [("claims", batch_data.claims(result))]
        write_document(command, 0, issues, batch_data.summary(result), limit=limit, made=made)
        return
    if issues:
        click.echo(render_text(issues, limit=limit), nl=False, err=True)
    to_stderr = is_dash(out)
    click.echo(build_summary(result.summary, shown(out), counts(issues)), nl=False, err=to_stderr)
    for note in notes:
        click.echo(note, err=to_stderr)


def batch_format_option(command: str) -> Callable[[F], F]:
    return format_option(
        "text",
        "json",
        default="text",
        help=f"json: the batch's document on standard output (docs/{command}.md, with its "
        "JSON Schema).",
    )


def refuse_two_stdouts(fmt: str, out: Path) -> None:
    if fmt == "json" and is_dash(out):
        raise click.UsageError("--format json and --out - both want standard output: choose one")


def unwritten(out: Path, ledger: Path) -> dict[str, Any]:
    """The summary of a batch document when nothing was written."""
    from edi837.outputs import shown

    return {"output": shown(out), "ledger": str(ledger)}


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
    profile_path: Path,
    date_format: DateFormat | None,
    as_of: date | None,
    tars: Path | None,
    tar_report: Report | None = None,
) -> WriteInputs:
    """The profile, "today" and the TAR list (its findings into ``tar_report``, so a caller has
    them even when reading stops)."""
    from edi837.ingest.profile import load_profile
    from edi837.ingest.tars import read_tars
    from edi837.issues import Report

    profile = with_date_format(load_profile(profile_path), date_format)
    today, created = resolve_as_of(as_of)
    tar_report = tar_report if tar_report is not None else Report()
    tar_list = (
        read_tars(tars, tar_report, date_format=profile.records.date_format) if tars else None
    )
    return WriteInputs(profile, today, created, tar_report, tar_list)
