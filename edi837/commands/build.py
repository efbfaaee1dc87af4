"""``edi837 build``: service records -> a Partnership-ready 837P, recorded in the ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    as_of_option,
    date_format_option,
    ledger_option,
    out_option,
    profile_option,
    resolve_as_of,
    tars_option,
    with_date_format,
)
from edi837.errors import BlockedError
from edi837.issues import Report
from edi837.model.records import DateFormat


@click.command("build")
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@profile_option
@out_option
@ledger_option
@as_of_option
@tars_option
@date_format_option
@click.option(
    "--allow",
    "allow",
    multiple=True,
    metavar="RULE-ID",
    help="Bill despite this payer rule's errors (repeatable); recorded in the ledger.",
)
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
    from edi837.ingest.profile import load_profile
    from edi837.ingest.tars import read_tars
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.render.issues import counts, render_text
    from edi837.render.summary import build_summary
    from edi837.services.build import build

    profile = with_date_format(load_profile(profile_path), date_format)
    today, created = resolve_as_of(as_of)
    tar_report = Report()
    dates = profile.records.date_format
    tar_list = read_tars(tars, tar_report, date_format=dates) if tars else None
    with Ledger(ledger or default_ledger_path()) as book:
        try:
            result = build(
                records,
                profile,
                out,
                book,
                as_of=today,
                created=created,
                allow=frozenset(a.upper() for a in allow),
                tars=tar_list,
            )
        except BlockedError as exc:
            click.echo(render_text([*tar_report.sorted(), *exc.issues]), nl=False)
            click.echo(f"error: {exc}", err=True)
            return exc.exit_code
    issues = [*tar_report.sorted(), *result.report.sorted()]
    if issues:
        click.echo(render_text(issues), nl=False)
    click.echo(build_summary(result.batch, str(out), counts(issues)), nl=False)
    made = "created by this build" if result.ledger_created else "recorded in"
    click.echo(f"  ledger         {made} {result.ledger}")
    return 0
