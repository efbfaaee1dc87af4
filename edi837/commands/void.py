"""``edi837 void``: void claims already sent (frequency 8), so the payer reverses them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    as_of_option,
    batch_format_option,
    echo_written,
    ledger_option,
    out_option,
    profile_option,
    refuse_two_stdouts,
    said_when_stopped,
    unwritten,
)
from edi837.services.clock import resolve_as_of


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
@batch_format_option("void")
def command(
    claim_ids: tuple[str, ...],
    profile_path: Path,
    out: Path,
    ledger: Path | None,
    as_of: date | None,
    numbers: tuple[str, ...],
    fmt: str,
) -> int:
    """Write an 837P that voids CLAIM_IDS (our CLM01s; --out -: standard output) and release
    their lines in the ledger. The summary goes to standard output, findings to standard error.

    \b
    Example, a claim billed by mistake and already paid:
      edi837 void N00000042 --profile profile.toml --out void-0301.837
      edi837 void N00000042 N00000043 --profile profile.toml --out void.837 \\
          --payer-claim-number N00000042=PHC260301001 --payer-claim-number N00000043=PHC260301002
    """
    from edi837.ingest.profile import load_profile
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.services.void import parse_claim_numbers, void

    refuse_two_stdouts(fmt, out)
    path = ledger or default_ledger_path()
    ids = [c.upper() for c in claim_ids]
    with said_when_stopped("void", fmt, unwritten(out, path)):
        profile = load_profile(profile_path)
        today, created = resolve_as_of(as_of)
        with Ledger(path, create=False) as book:
            result = void(
                ids,
                parse_claim_numbers(numbers, ids),
                profile,
                out,
                book,
                as_of=today,
                created=created,
            )
    echo_written(  # with what settling an interrupted batch did, if anything
        "void",
        result,
        out,
        fmt=fmt,
        notes=[
            f"voided {', '.join(ids)}: their lines no longer count toward the billing limits; "
            "they are settled when the payer's reversal arrives"
        ],
    )
    return 0
