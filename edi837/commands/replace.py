"""``edi837 replace``: send a corrected claim (frequency 7) in place of one already sent."""

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
from edi837.commands._inputs import InputFile
from edi837.issues import Report
from edi837.model.records import DateFormat


@click.command("replace")
@click.argument("claim_id")
@click.option(
    "--records",
    type=InputFile(),
    required=True,
    help="The claim's member and month as they should have been billed: every line (CSV, JSON "
    "or an Excel workbook, as for build).",
)
@profile_option
@out_option
@ledger_option
@as_of_option
@tars_option
@date_format_option
@click.option(
    "--payer-claim-number",
    "number",
    default=None,
    metavar="NUMBER",
    help="The payer's claim number (CLP07) for REF*F8, when no recorded 835 or 277CA gives it.",
)
@allow_option
@batch_format_option("replace")
@max_issues_option
def command(
    claim_id: str,
    records: Path,
    profile_path: Path,
    out: Path,
    ledger: Path | None,
    as_of: date | None,
    tars: Path | None,
    date_format: DateFormat | None,
    number: str | None,
    allow: tuple[str, ...],
    fmt: str,
    max_issues: int | None,
) -> int:
    """Write an 837P that replaces CLAIM_ID (our CLM01) with the services in RECORDS, checked by
    every rule; the original stops counting as billed and the replacement counts instead
    (--out -: standard output). The summary goes to standard output, findings to standard error.

    \b
    Example, a claim the payer denied for a wrong modifier, corrected in its records:
      edi837 replace N00000003 --records n3-corrected.csv --profile profile.toml \\
          --tars tars.csv --out replace-0305.837
    """
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.services.replace import replace

    refuse_two_stdouts(fmt, out)
    path = ledger or default_ledger_path()
    tar_report = Report()
    original = claim_id.upper()
    with said_when_stopped(
        "replace", fmt, unwritten(out, path), before=tar_report.sorted, limit=max_issues
    ):
        given = read_inputs(profile_path, date_format, as_of, tars, tar_report)
        with Ledger(path, create=False) as book:
            result = replace(
                original,
                records,
                number.strip() if number else None,
                given.profile,
                out,
                book,
                as_of=given.today,
                created=given.created,
                allow=frozenset(a.upper() for a in allow),
                tars=given.tars,
            )
    (claim,) = result.batch.claims
    echo_written(
        "replace",
        result,
        out,
        tar_report.sorted(),
        fmt=fmt,
        limit=max_issues,
        notes=[
            f"replaced {original} with {claim.claim_id}: {original} no longer counts toward the "
            f"billing limits, {claim.claim_id} counts instead (REF*F8 {claim.payer_claim_number})"
        ],
    )
    return 0
