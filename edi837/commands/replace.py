"""``edi837 replace``: send a corrected claim (frequency 7) in place of one already sent."""

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


@click.command("replace")
@click.argument("claim_id")
@click.option(
    "--records",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
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
) -> int:
    """Write an 837P that replaces CLAIM_ID (our CLM01) with the services in RECORDS, checked by
    every rule; the original stops counting as billed and the replacement counts instead."""
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.services.replace import replace

    given = read_inputs(profile_path, date_format, as_of, tars)
    original = claim_id.upper()
    with Ledger(ledger or default_ledger_path(), create=False) as book:
        try:
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
        except BlockedError as exc:
            return echo_blocked(exc, given.tar_report.sorted())
    echo_written(result, out, given.tar_report.sorted())
    (claim,) = result.batch.claims
    click.echo(
        f"replaced {original} with {claim.claim_id}: {original} no longer counts toward the "
        f"billing limits, {claim.claim_id} counts instead (REF*F8 {claim.payer_claim_number})"
    )
    return 0
