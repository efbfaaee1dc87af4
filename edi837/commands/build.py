"""``edi837 build``: service records -> a Partnership-ready 837P, recorded in the ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    allow_option,
    as_of_option,
    date_format_option,
    echo_blocked,
    echo_written,
    ledger_option,
    out_option,
    profile_option,
    read_inputs,
    tars_option,
)
from edi837.errors import BlockedError
from edi837.model.records import DateFormat


@click.command("build")
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@profile_option
@out_option
@ledger_option
@as_of_option
@tars_option
@date_format_option
@allow_option
def command(
    records: Path,
    profile_path: Path,
    out: Path,
    ledger: Path | None,
    as_of: date | None,
    tars: Path | None,
    date_format: DateFormat | None,
    allow: tuple[str, ...],
) -> int:
    """Build RECORDS (CSV, JSON or an Excel workbook) into an 837P file. Every problem is listed with its row;
    errors block the file (nothing is written, the ledger is unchanged)."""
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.services.build import build

    given = read_inputs(profile_path, date_format, as_of, tars)
    with Ledger(ledger or default_ledger_path()) as book:
        try:
            result = build(
                records,
                given.profile,
                out,
                book,
                as_of=given.today,
                created=given.created,
                allow=frozenset(a.upper() for a in allow),
                tars=given.tars,
            )
        except BlockedError as exc:
            return echo_blocked(exc, given.tar_report.sorted())
    echo_written(result, out, given.tar_report.sorted())
    made = "created by this build" if result.ledger_created else "recorded in"
    click.echo(f"  ledger         {made} {result.ledger}")
    return 0
