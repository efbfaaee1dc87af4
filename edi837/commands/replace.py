"""``edi837 replace``: send a corrected claim (frequency 7) in place of one already sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    as_of_option,
    ledger_option,
    out_option,
    profile_option,
    resolve_as_of,
    tars_option,
)
from edi837.errors import BlockedError
from edi837.issues import Report


@click.command("replace")
@click.argument("claim_id")
@click.option(
    "--records",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The claim's member and month as they should have been billed (every line, CSV or JSON).",
)
@profile_option
@out_option
@ledger_option
@as_of_option
@tars_option
@click.option(
    "--payer-claim-number",
    "number",
    default=None,
    metavar="NUMBER",
    help="The payer's claim number (CLP07) for REF*F8, when no recorded 835 or 277CA gives it.",
)
@click.option(
    "--allow",
    "allow",
    multiple=True,
    metavar="RULE-ID",
    help="Bill despite this rule's errors (repeatable); recorded in the ledger.",
)
def command(
    claim_id: str,
    records: Path,
    profile_path: Path,
    out: Path,
    ledger: Path | None,
    as_of: date | None,
    tars: Path | None,
    number: str | None,
    allow: tuple[str, ...],
) -> int:
    """Write an 837P that replaces CLAIM_ID (our CLM01) with the services in RECORDS, checked by
    every rule; the original stops counting as billed and the replacement counts instead."""
    from edi837.ingest.profile import load_profile
    from edi837.ingest.tars import read_tars
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.render.issues import counts, render_text
    from edi837.render.summary import build_summary
    from edi837.services.replace import replace

    profile = load_profile(profile_path)
    today, created = resolve_as_of(as_of)
    tar_report = Report()
    tar_list = read_tars(tars, tar_report) if tars else None
    original = claim_id.upper()
    with Ledger(ledger or default_ledger_path(), create=False) as book:
        try:
            result = replace(
                original,
                records,
                number.strip() if number else None,
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
    (claim,) = result.batch.claims
    click.echo(
        f"replaced {original} with {claim.claim_id}: {original} no longer counts toward the "
        f"billing limits, {claim.claim_id} counts instead (REF*F8 {claim.payer_claim_number})"
    )
    return 0
