"""``edi837 reconcile``: record 835s in the ledger and show what was paid, denied, still owed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    as_of_option,
    ledger_option,
    table_json_csv_option,
    text_out_option,
    write_text_output,
)
from edi837.commands._inputs import InputFile
from edi837.services.clock import resolve_as_of


@click.command("reconcile")
@click.argument("files", nargs=-1, type=InputFile())
@ledger_option
@as_of_option
@table_json_csv_option(
    "table for people; json (docs/work-queue.md, with its JSON Schema) or csv for scripts."
)
@click.option("--dry-run", is_flag=True, help="Match and count everything, record nothing.")
@click.option(
    "--profile",
    "profile_path",
    type=InputFile(),
    default=None,
    help="Also accept payments to this profile's billing provider (the ledger's are always known).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Record a payment made to a payee that is not one of our billing providers.",
)
@click.option(
    "--all", "show_all", is_flag=True, help="Show every claim, not only those the FILES named."
)
@text_out_option("Write the view to this file (0600, whole or not at all) instead of stdout.")
def command(
    files: tuple[Path, ...],
    ledger: Path | None,
    as_of: date | None,
    fmt: str,
    dry_run: bool,
    profile_path: Path | None,
    force: bool,
    show_all: bool,
    out: Path | None,
) -> int:
    """Record the 835 FILES in the ledger (each file and each payment once) and show the claims
    they name: their state, money and next action, as `edi837 claims` does. With no FILES, show
    every claim. A payment to a payee that is not ours is refused unless --force.

    \b
    Example, when the month's remittance arrives:
      edi837 reconcile remit-0301.835
      edi837 reconcile remit-0301.835 --dry-run   # what would be recorded
    """
    from edi837.ingest.profile import load_profile
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.perf import collector_paused
    from edi837.render.queue import FORMATS, QueueView
    from edi837.render.reconcile_summary import import_summary
    from edi837.services.queue import payment_totals, provider_adjustments, queue, unmatched
    from edi837.services.reconcile import import_remittances

    today, _ = resolve_as_of(as_of)
    path = ledger or default_ledger_path()
    profile = load_profile(profile_path) if profile_path is not None else None
    with Ledger(path, create=False) as book:
        claim_ids = None
        if files:
            tally = import_remittances(
                book, list(files), imported_at=today, profile=profile, force=force, dry_run=dry_run
            )
            for text in import_summary(tally, dry_run=dry_run):
                click.echo(text, err=True)
            if dry_run:
                return 0
            if not tally.files and not show_all:
                return 0  # every file was already recorded: nothing changed, nothing to show
            claim_ids = None if show_all else tally.claim_ids
        view = QueueView(
            queue(book, as_of=today, claim_ids=claim_ids),
            lambda: unmatched(book),
            lambda: provider_adjustments(book),
            lambda: payment_totals(book),
            as_of=today.isoformat(),
        )
        inputs = [*files, profile_path]
        with collector_paused():  # every claim makes short-lived, acyclic objects
            write_text_output(
                out, lambda stream: FORMATS[fmt](stream, view), inputs=inputs, ledger=path
            )
    return 0
