"""``edi837 void``: void claims already sent (frequency 8), so the payer reverses them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    as_of_option,
    echo_written,
    ledger_option,
    out_option,
    profile_option,
    resolve_as_of,
)


@click.command("void")
@click.argument("claim_ids", nargs=-1, required=True)
@profile_option
@out_option
@ledger_option
@as_of_option
@click.option(
    "--payer-claim-number",
    "numbers",
    multiple=True,
    metavar="[CLAIM_ID=]NUMBER",
    help="The payer's claim number (CLP07) for REF*F8; CLAIM_ID=NUMBER when voiding several.",
)
def command(
    claim_ids: tuple[str, ...],
    profile_path: Path,
    out: Path,
    ledger: Path | None,
    as_of: date | None,
    numbers: tuple[str, ...],
) -> int:
    """Write an 837P that voids CLAIM_IDS (our CLM01s) and release their lines in the ledger."""
    from edi837.ingest.profile import load_profile
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.services.void import parse_claim_numbers, void

    profile = load_profile(profile_path)
    today, created = resolve_as_of(as_of)
    ids = [c.upper() for c in claim_ids]
    with Ledger(ledger or default_ledger_path(), create=False) as book:
        result = void(
            ids, parse_claim_numbers(numbers, ids), profile, out, book, as_of=today, created=created
        )
    echo_written(result, out)  # with what settling an interrupted batch did, if anything
    click.echo(
        f"voided {', '.join(ids)}: their lines no longer count toward the billing limits; "
        "they are settled when the payer's reversal arrives"
    )
    return 0
