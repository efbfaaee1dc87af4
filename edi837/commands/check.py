"""``edi837 check``: every billing rule over a records file, without writing anything."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    as_of_option,
    date_format_option,
    ledger_option,
    profile_option,
    resolve_as_of,
    tars_option,
    with_date_format,
)
from edi837.errors import EdiError
from edi837.model.records import DateFormat


@click.command("check")
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@profile_option
@ledger_option
@tars_option
@as_of_option
@date_format_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def command(
    records: Path,
    profile_path: Path,
    ledger: Path | None,
    tars: Path | None,
    as_of: date | None,
    date_format: DateFormat | None,
    fmt: str,
) -> int:
    """Check RECORDS (CSV, JSON or an Excel workbook) against the payer's rules and the ledger's history. Exit 0 without errors,
    1 with errors, 2 when the input cannot be read."""
    from edi837.ingest.profile import load_profile
    from edi837.ingest.tars import read_tars
    from edi837.issues import Location, Report
    from edi837.ledger.history import LedgerHistory
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.ledger.submissions import file_sha256
    from edi837.model.common import Usage
    from edi837.perf import collector_paused
    from edi837.render.issues import counts, has_errors, render_json, render_text
    from edi837.rules.history import History, NoHistory
    from edi837.services.build import records_already_built
    from edi837.services.prepare import prepare

    report = Report()
    try:
        profile = with_date_format(load_profile(profile_path), date_format)
        today, _ = resolve_as_of(as_of)
        dates = profile.records.date_format
        tar_list = read_tars(tars, report, date_format=dates) if tars else None
        path = ledger or default_ledger_path()
        book = Ledger(path, create=False) if (ledger is not None or path.exists()) else None
        usage = profile.interchange.usage
        history: History = (
            LedgerHistory(
                book,
                test=usage is Usage.TEST,
                denied_lines_count=profile.policies.denied_lines_count,
            )
            if book is not None
            else NoHistory()
        )
        try:
            if book is not None:
                # what build would refuse before any rule: the same records built already
                rebuilt = records_already_built(
                    book, records, file_sha256(records), usage, profile.policies
                )
                if rebuilt is not None:
                    report.error("RECORDS-ALREADY-BUILT", rebuilt, Location(file=str(records)))
            with collector_paused():
                prepared = prepare(
                    records, profile, as_of=today, history=history, tars=tar_list, report=report
                )
        finally:
            if book is not None:
                book.close()
    except EdiError as exc:
        if fmt == "json":
            click.echo(render_json([], {"error": str(exc), "exit_code": 2}), nl=False)
        raise
    issues = report.sorted()
    summary = {
        **counts(issues),
        "records": len(prepared.records),
        "lines": len(prepared.lines),
        "members": len({r.member_id for r in prepared.records}),
        "as_of": today.isoformat(),
        "ledger": str(path) if book is not None else None,
    }
    if fmt == "json":
        click.echo(render_json(issues, summary), nl=False)
    else:
        click.echo(render_text(issues), nl=False)
        click.echo(
            f"checked {summary['records']} record(s) as {summary['lines']} line(s) for "
            f"{summary['members']} member(s) as of {today}"
            + ("" if book is not None else "; no ledger, so limits count this file only")
        )
    return 1 if has_errors(issues) else 0
