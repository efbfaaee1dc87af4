"""``edi837 ack``: read the payer's acknowledgments (TA1, 999, 277CA), record them in the ledger,
and show each answer tied to what was sent."""

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
from edi837.services.clock import resolve_as_of


@click.command("ack")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@ledger_option
@as_of_option
@table_json_csv_option(
    "table for people; json (docs/ack.md, with its JSON Schema) or csv for scripts."
)
@click.option("--dry-run", is_flag=True, help="Read and match everything, record nothing.")
@text_out_option("Write the answers to this file (0600, whole or not at all) instead of stdout.")
def command(
    files: tuple[Path, ...],
    ledger: Path | None,
    as_of: date | None,
    fmt: str,
    dry_run: bool,
    out: Path | None,
) -> int:
    """Record the payer's answers in FILES (TA1 interchange acknowledgments, 999 or 997
    implementation acknowledgments, 277CA claim acknowledgments; any mix, several interchanges
    a file) and show each one tied to what was sent: the batch (ISA13, GS06), the transaction
    set (ST02), the claim (CLM01) and line (REF*6R). Answers that match nothing are listed as
    unmatched, answers to test batches are marked. Reading a file again changes nothing.

    Exit 0 when the files were read (warnings on stderr), 2 when one cannot be read or holds no
    acknowledgment (an 835 or 837: the message says which command reads it); then nothing is
    recorded.

    \b
    Example, when the payer's answers to the January batch arrive:
      edi837 ack claims-0202.999 claims-0202.277
      edi837 claims --state rejected     # what to fix and send again
    """
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.render.acks import FORMATS, AckView, summary
    from edi837.services.acks import AckRun, record_acks

    today, _ = resolve_as_of(as_of)
    path = ledger or default_ledger_path()
    if out is not None and str(out) != "-":
        from edi837.outputs import guard

        guard(out, inputs=list(files), ledger=path)  # refused before anything is recorded

    def show(run: AckRun) -> None:
        view = AckView(run)
        write_text_output(
            out,
            lambda stream: FORMATS[fmt](stream, view, today.isoformat()),
            inputs=list(files),
            ledger=path,
        )
        for line in summary(view):
            click.echo(line, err=True)

    with Ledger(path, create=False) as book:
        record_acks(book, list(files), imported_at=today, dry_run=dry_run, show=show)
    return 0
