"""``edi837 void``: void claims already sent (frequency 8), so the payer reverses them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    as_of_option,
    format_option,
    is_dash,
    ledger_option,
    out_option,
    profile_option,
    write_document,
    write_failure,
)
from edi837.errors import EdiError
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
@format_option(
    "text",
    "json",
    default="text",
    help="json: the void batch's document on standard output (docs/void.md, its JSON Schema).",
)
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
    their lines in the ledger. The summary goes to standard output, notes to standard error.

    \b
    Example, a claim billed by mistake and already paid:
      edi837 void N00000042 --profile profile.toml --out void-0301.837
      edi837 void N00000042 N00000043 --profile profile.toml --out void.837 \\
          --payer-claim-number N00000042=PHC260301001 --payer-claim-number N00000043=PHC260301002
    """
    from edi837.ingest.profile import load_profile
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.outputs import shown
    from edi837.render import batch_data
    from edi837.render.issues import counts, render_text
    from edi837.render.summary import build_summary
    from edi837.services.void import parse_claim_numbers, void

    if fmt == "json" and is_dash(out):
        raise click.UsageError("--format json and --out - both want standard output: choose one")
    path = ledger or default_ledger_path()
    ids = [c.upper() for c in claim_ids]
    try:
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
    except EdiError as exc:
        if fmt == "json":
            write_failure("void", exc, [], {"output": shown(out), "ledger": str(path)})
        raise
    issues = result.report.sorted()
    if fmt == "json":
        made = [("claims", batch_data.claims(result.batch, result.originals))]
        write_document("void", 0, issues, batch_data.summary(result), made=made)
        return 0
    if issues:
        click.echo(render_text(issues), nl=False, err=True)
    to_stderr = is_dash(out)
    click.echo(build_summary(result.batch, shown(out), counts(issues)), nl=False, err=to_stderr)
    click.echo(
        f"voided {', '.join(ids)}: their lines no longer count toward the billing limits; "
        "they are settled when the payer's reversal arrives",
        err=to_stderr,
    )
    return 0
