"""``edi837 reconcile``: record 835s in the ledger and show what was paid, denied, still owed."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from edi837.commands._common import as_of_option, ledger_option, resolve_as_of


@click.command("reconcile")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ledger_option
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
def command(files: tuple[Path, ...], ledger: Path | None, as_of: date | None, fmt: str) -> int:
    """Record the 835 FILES in the ledger (once each) and print the state of every submitted
    claim: paid, partial, denied, reversed or outstanding. With no FILES, just print the state."""
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.reconcile.state import claim_states, payment_totals, provider_adjustments, unmatched
    from edi837.render.reconcile import import_summary, write_csv, write_json, write_table
    from edi837.services.reconcile import import_remittances

    today, _ = resolve_as_of(as_of)
    with Ledger(ledger or default_ledger_path(), create=False) as book:
        if files:
            tally = import_remittances(book, list(files), imported_at=today)
            for text in import_summary(tally):
                click.echo(text, err=True)
        out = sys.stdout
        states = claim_states(book, today)
        if fmt == "json":
            write_json(out, states, unmatched(book), provider_adjustments(book))
        elif fmt == "csv":
            write_csv(out, states)
        else:
            write_table(
                out, states, unmatched(book), provider_adjustments(book), payment_totals(book)
            )
    return 0
