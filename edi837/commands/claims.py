"""``edi837 claims``: the work queue, every claim's state, money, age and next action."""

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

STATES = (
    "pending",
    "abandoned",
    "sent",
    "accepted",
    "rejected",
    "paid",
    "paid_as_expected",
    "partially_paid",
    "patient_responsibility",
    "denied",
    "secondary",
    "reversed",
    "replaced",
    "voided",
)


@click.command("claims")
@ledger_option
@as_of_option
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(STATES),
    help="Only claims in this state (repeatable).",
)
@click.option("--member", default=None, metavar="CIN", help="Only this member's claims.")
@click.option(
    "--month", default=None, metavar="YYYY-MM", help="Only claims for this service month."
)
@click.option("--open", "open_only", is_flag=True, help="Only claims that need an action.")
@click.option(
    "--test/--production",
    "test",
    default=None,
    help="Only claims of test batches (ISA15=T), or only production ones (default: both).",
)
@table_json_csv_option(
    "table for people; json (docs/claims.md, with its JSON Schema) or csv for scripts."
)
@text_out_option("Write to this file (0600, written whole or not at all) instead of stdout.")
def command(
    ledger: Path | None,
    as_of: date | None,
    states: tuple[str, ...],
    member: str | None,
    month: str | None,
    open_only: bool,
    test: bool | None,
    fmt: str,
    out: Path | None,
) -> int:
    """Every claim the ledger holds: where it stands (sent, accepted, rejected, paid, denied...),
    what was billed, paid, adjusted and is still open, how old it is, its 365-day filing
    deadline, and what to do next.

    \b
    Example: what needs doing this week, oldest first in the table's age column:
      edi837 claims --open
      edi837 claims --month 2026-01 --format csv --out january-claims.csv
    """
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.perf import collector_paused
    from edi837.render.queue import FORMATS, QueueView
    from edi837.services.queue import (
        Filters,
        entries,
        payment_totals,
        provider_adjustments,
        unmatched,
    )

    today, _ = resolve_as_of(as_of)
    if month is not None and not is_month(month):
        raise click.BadParameter(f"{month!r} is not a month written YYYY-MM", param_hint="--month")
    path = ledger or default_ledger_path()
    filters = Filters(
        states=frozenset(states),
        member=member.strip().upper() if member else None,
        month=month,
        test=test,
        open_only=open_only,
    )
    with Ledger(path, create=False) as book:
        view = QueueView(
            entries(book, as_of=today, filters=filters),
            lambda: unmatched(book),
            lambda: provider_adjustments(book),
            lambda: payment_totals(book),
            as_of=today.isoformat(),
        )
        with collector_paused():  # every claim makes short-lived, acyclic objects
            write_text_output(out, lambda stream: FORMATS[fmt](stream, view), ledger=path)
    return 0


def is_month(text: str) -> bool:
    year, _, number = text.partition("-")
    return (
        len(year) == 4
        and year.isdigit()
        and number.isdigit()
        and 1 <= int(number) <= 12
        and len(number) == 2
    )
