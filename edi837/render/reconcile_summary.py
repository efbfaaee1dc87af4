"""The one-line account of an import that ``reconcile`` writes on standard error."""

from __future__ import annotations

from collections.abc import Iterator

from edi837.ledger.remittances import ImportTally
from edi837.render.safety import terminal_line


def import_summary(tally: ImportTally, *, dry_run: bool = False) -> Iterator[str]:
    verb = "would record" if dry_run else "imported"
    yield (
        f"{verb} {tally.files} file(s) ({tally.files_already} already recorded): {tally.payments} payment(s) "
        f"({tally.payments_already} already recorded), {tally.claims} claim(s) ({tally.claims_unmatched} unmatched), "
        f"{tally.lines} line(s) ({tally.lines_unmatched} unmatched), {tally.provider_adjustments} provider "
        f"adjustment(s) ({tally.provider_adjustments_matched} naming one of our claims)"
        + ("; nothing was recorded" if dry_run else "")
    )
    for issue in tally.issues:
        yield terminal_line(issue.render())  # it names the payer's claim IDs, as sent
