"""``edi837 build``: service records -> a Partnership-ready 837P, recorded in the ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    allow_option,
    as_of_option,
    batch_format_option,
    date_format_option,
    echo_written,
    ledger_option,
    max_issues_option,
    out_option,
    profile_option,
    read_inputs,
    refuse_two_stdouts,
    said_when_stopped,
    tars_option,
    unwritten,
)
from edi837.commands._inputs import InputFile, readable
from edi837.issues import Report
from edi837.model.records import DateFormat


@click.command("build")
@click.argument("records", type=InputFile(dash=True))
@profile_option
@out_option
@ledger_option
@as_of_option
@tars_option
@date_format_option
@allow_option
@batch_format_option("build")
@max_issues_option
def command(
    records: Path,
    profile_path: Path,
    out: Path,
    ledger: Path | None,
    as_of: date | None,
    tars: Path | None,
    date_format: DateFormat | None,
    allow: tuple[str, ...],
    fmt: str,
    max_issues: int | None,
) -> int:
    """Build RECORDS (CSV, JSON or an Excel workbook; - reads standard input) into an 837P file
    (--out -: standard output). Errors block the file: nothing is written and the ledger is
    unchanged. The summary goes to standard output, the findings to standard error.

    \b
    Example, once the month's records check clean:
      edi837 build january.csv --profile profile.toml --tars tars.csv --out january.837
      edi837 build january.csv --profile profile.toml --out - | edi837 validate -
    """
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.services.build import build

    refuse_two_stdouts(fmt, out)
    path = ledger or default_ledger_path()
    tar_report = Report()
    with said_when_stopped(
        "build", fmt, unwritten(out, path), before=tar_report.sorted, limit=max_issues
    ):
        given = read_inputs(profile_path, date_format, as_of, tars, tar_report)
        with readable(records) as (source, name), Ledger(path) as book:
            result = build(
                source,
                given.profile,
                out,
                book,
                as_of=given.today,
                created=given.created,
                allow=frozenset(a.upper() for a in allow),
                tars=given.tars,
                name=name,
            )
    made = "created by this build" if result.ledger_created else "recorded in"
    echo_written(
        "build",
        result,
        out,
        tar_report.sorted(),
        fmt=fmt,
        limit=max_issues,
        notes=[f"  ledger         {made} {result.ledger}"],
    )
    return 0
