"""``edi837 build``: service records -> a Partnership-ready 837P, recorded in the ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    InputFile,
    as_of_option,
    date_format_option,
    format_option,
    is_dash,
    ledger_option,
    max_issues_option,
    out_option,
    profile_option,
    readable,
    tars_option,
    with_date_format,
    write_document,
    write_failure,
)
from edi837.errors import EdiError
from edi837.issues import Report
from edi837.model.records import DateFormat
from edi837.services.clock import resolve_as_of


@click.command("build")
@click.argument("records", type=InputFile(dash=True))
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
@format_option(
    "text",
    "json",
    default="text",
    help="json: the batch's document on standard output (docs/build.md, with its JSON Schema).",
)
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
    from edi837.ingest.profile import load_profile
    from edi837.ingest.tars import read_tars
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.outputs import shown
    from edi837.render import batch_data
    from edi837.render.issues import counts, render_text
    from edi837.render.summary import build_summary
    from edi837.services.build import build

    if fmt == "json" and is_dash(out):
        raise click.UsageError("--format json and --out - both want standard output: choose one")
    path = ledger or default_ledger_path()
    tar_report = Report()
    try:
        profile = with_date_format(load_profile(profile_path), date_format)
        today, created = resolve_as_of(as_of)
        dates = profile.records.date_format
        tar_list = read_tars(tars, tar_report, date_format=dates) if tars else None
        with readable(records) as (source, name), Ledger(path) as book:
            result = build(
                source,
                profile,
                out,
                book,
                as_of=today,
                created=created,
                allow=frozenset(a.upper() for a in allow),
                tars=tar_list,
                name=name,
            )
    except EdiError as exc:
        found = [*tar_report.sorted(), *getattr(exc, "issues", [])]
        if fmt == "json":
            write_failure("build", exc, found, {"output": shown(out), "ledger": str(path)})
        elif found:
            click.echo(render_text(found, limit=max_issues), nl=False, err=True)
        raise
    issues = [*tar_report.sorted(), *result.report.sorted()]
    if fmt == "json":
        made = [("claims", batch_data.claims(result.batch))]
        summary = batch_data.summary(result)
        write_document("build", 0, issues, summary, limit=max_issues, made=made)
        return 0
    if issues:
        click.echo(render_text(issues, limit=max_issues), nl=False, err=True)
    to_stderr = is_dash(out)  # standard output is the 837P itself
    click.echo(build_summary(result.batch, shown(out), counts(issues)), nl=False, err=to_stderr)
    made_by = "created by this build" if result.ledger_created else "recorded in"
    click.echo(f"  ledger         {made_by} {result.ledger}", err=to_stderr)
    return 0
