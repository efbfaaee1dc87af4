"""``edi837 report``: the month's billing and remittances as one self-contained HTML page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from edi837.commands._common import (
    as_of_option,
    date_option,
    ledger_option,
    write_text_output,
)
from edi837.commands.claims import is_month
from edi837.services.clock import resolve_as_of


@click.command("report")
@ledger_option
@click.option(
    "--month", default=None, metavar="YYYY-MM", help="The service month to report (the usual)."
)
@date_option(
    "--from", "from_", "Report the claims whose first date of service is on or after this day."
)
@date_option("--to", "to", "... and on or before this day.")
@as_of_option
@click.option(
    "--test/--production",
    "test",
    default=False,
    help="Report the claims of test batches (ISA15=T) instead of production (the default).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The HTML file to write (0600, written whole or not at all).",
)
def command(
    ledger: Path | None,
    month: str | None,
    from_: date | None,
    to: date | None,
    as_of: date | None,
    test: bool,
    out: Path,
) -> int:
    """One HTML page of a period's billing and remittances, from the work queue: the headline
    figures, billed / paid / denied / open by service month, denials by reason, the age of what
    is open, claims near the 365-day filing limit, front-door rejections not yet sent again, the
    work list with each claim's next action, and the figures by program. Charts are inline SVG,
    each with its table; the file needs no network and prints. Member IDs are masked unless
    --show-phi.

    \b
    Example, early in March for January's services:
      edi837 report --month 2026-01 --out january.html
      edi837 report --from 2026-01-01 --to 2026-03-31 --out first-quarter.html
    """
    from edi837.ledger.store import Ledger, default_ledger_path
    from edi837.outputs import guard
    from edi837.perf import collector_paused
    from edi837.render.html import write_report
    from edi837.render.queue import QueueView
    from edi837.render.report_data import Period, gather
    from edi837.services.queue import entries, payment_totals, provider_adjustments, unmatched

    today, _ = resolve_as_of(as_of)
    if month is not None and (from_ is not None or to is not None):
        raise click.UsageError("give either --month or --from/--to, not both")
    if month is not None and not is_month(month):
        raise click.BadParameter(f"{month!r} is not a month written YYYY-MM", param_hint="--month")
    if from_ is not None and to is not None and to < from_:
        raise click.BadParameter(f"{to} is before --from {from_}", param_hint="--to")
    period = Period.of_month(month) if month else Period(from_, to)
    path = ledger or default_ledger_path()
    guard(out, ledger=path)  # before the ledger is read: a wrong --out is said at once
    with Ledger(path, create=False) as book:
        view = QueueView(
            entries(book, as_of=today, filters=period.filters(test=test)),
            lambda: unmatched(book),
            lambda: provider_adjustments(book),
            lambda: payment_totals(book),
            as_of=today.isoformat(),
        )
        with collector_paused():  # every claim makes short-lived, acyclic objects
            data = gather(view, period, test=test)
    write_text_output(out, lambda stream: write_report(stream, data), ledger=path)
    click.echo(
        f"report: wrote {out} ({data.book['claims']} claim(s), {len(data.work)} needing an action)",
        err=True,
    )
    return 0
