"""``edi837 check``: every billing rule over a records file, without writing anything."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from edi837.commands._common import (
    as_of_option,
    date_format_option,
    format_option,
    ledger_option,
    max_issues_option,
    profile_option,
    said_when_stopped,
    tars_option,
    with_date_format,
    write_document,
)
from edi837.commands._inputs import InputFile, readable
from edi837.model.records import DateFormat
from edi837.services.clock import resolve_as_of

if TYPE_CHECKING:
    from edi837.services.check import CheckResult


@click.command("check")
@click.argument("records", type=InputFile(dash=True))
@profile_option
@ledger_option
@tars_option
@as_of_option
@date_format_option
@format_option(
    "text", "json", default="text", help="json: the document of docs/check.md (its JSON Schema)."
)
@max_issues_option
def command(
    records: Path,
    profile_path: Path,
    ledger: Path | None,
    tars: Path | None,
    as_of: date | None,
    date_format: DateFormat | None,
    fmt: str,
    max_issues: int | None,
) -> int:
    """Check RECORDS (CSV, JSON or an Excel workbook; - reads standard input) against the
    payer's rules and the ledger's history. Nothing is written. The findings are what check
    reports: they go to standard output, a summary per rule first. Exit 1 when any is an error.

    \b
    Example, while preparing the month's export:
      edi837 check january.csv --profile profile.toml --tars tars.csv
      edi837 check january.xlsx --profile profile.toml --date-format M/D/YYYY --max-issues 20
    """
    from edi837.ingest.profile import load_profile
    from edi837.ingest.tars import read_tars
    from edi837.issues import Report
    from edi837.ledger.store import default_ledger_path
    from edi837.render.issues import render_text
    from edi837.services.check import check

    report = Report()
    today, _ = resolve_as_of(as_of)
    default = default_ledger_path()
    book = ledger if ledger is not None else (default if default.exists() else None)
    with said_when_stopped("check", fmt, _summary(None, today, book), before=report.sorted):
        profile = with_date_format(load_profile(profile_path), date_format)
        dates = profile.records.date_format
        tar_list = read_tars(tars, report, date_format=dates) if tars else None
        with readable(records) as (path, name):
            result = check(
                path, profile, as_of=today, ledger=book, tars=tar_list, report=report, name=name
            )
    code = 0 if result.ok else 1
    if fmt == "json":
        summary = _summary(result, today, book)
        write_document("check", code, result.issues, summary, limit=max_issues)
        return code
    click.echo(render_text(result.issues, limit=max_issues), nl=False)
    click.echo(
        f"checked {result.records} record(s) as {result.lines} line(s) for "
        f"{result.members} member(s) as of {today}"
        + (
            f", against the history in {book}"
            if book is not None
            else "; no ledger, so limits count this file only"
        )
    )
    return code


def _summary(result: CheckResult | None, today: date, ledger: Path | None) -> dict[str, Any]:
    return {
        "records": result.records if result else None,
        "lines": result.lines if result else None,
        "members": result.members if result else None,
        "as_of": today.isoformat(),
        "ledger": str(ledger) if ledger is not None else None,
    }
