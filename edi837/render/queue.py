"""The work queue for people (table) and scripts (JSON, CSV), written as the claims stream by.

JSON: one document (``edi837/schemas/claims.schema.json``), claims first, then the totals, the
835 claims that match nothing of ours and the provider-level adjustments. CSV: one row per line
we sent (a claim's columns repeat on each of its lines), then one row per unmatched 835 claim and
per provider-level adjustment, told apart by the ``record`` column; text cells are neutralised
against spreadsheet formulas (render/safety.py).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from edi837 import phi
from edi837.render.queue_data import (
    BUCKET_LABELS,
    SCHEMA_VERSION,
    claim_data,
    money,
    plb_data,
    totals_data,
    unmatched_data,
)
from edi837.render.queue_json import claim_json
from edi837.render.safety import csv_text, terminal_text
from edi837.services.queue import (
    AlikeItem,
    Book,
    PaymentTotals,
    ProviderAdjustmentRow,
    QueueItem,
    Totals,
    Unmatched,
)
from edi837.services.queue_totals import GatheredTotals


class QueueView:
    """What a queue renderer needs: the claims (streamed) and, once they are done, the rest."""

    def __init__(
        self,
        items: Iterable[QueueItem | AlikeItem],
        unmatched: Callable[[], Iterable[Unmatched]],
        adjustments: Callable[[], list[ProviderAdjustmentRow]],
        payments: Callable[[], PaymentTotals],
        *,
        as_of: str,
    ) -> None:
        self._gathered = GatheredTotals()
        self._items = items
        self.unmatched = unmatched
        self.adjustments = adjustments
        self.payments = payments
        self.as_of = as_of

    def items(self) -> Iterator[QueueItem]:
        add = self._gathered.add
        for entry in self._items:
            item = entry.item() if isinstance(entry, AlikeItem) else entry
            add(item)
            yield item

    def entries(self) -> Iterator[QueueItem | AlikeItem]:
        """:meth:`items`, a claim of a row shape met before left an :class:`AlikeItem` (for
        what renders it from its identities and its shape alone)."""
        add, add_alike = self._gathered.add, self._gathered.add_alike
        for entry in self._items:
            if isinstance(entry, AlikeItem):
                add_alike(entry)
            else:
                add(entry)
            yield entry

    @property
    def totals(self) -> Totals:
        """The totals of the claims :meth:`items` (or :meth:`entries`) has handed out."""
        return self._gathered.totals


def write_json(out: TextIO, view: QueueView) -> None:
    out.write(
        f'{{"schema_version": {SCHEMA_VERSION}, "as_of": {json.dumps(view.as_of)}, "claims": ['
    )
    # the claims go out a few hundred at a time: a write per claim cost more than the joins
    separator, run = "\n  ", []
    for item in view.entries():
        run.append(claim_json(item))
        if len(run) == 256:
            out.write(separator + ",\n  ".join(run))
            separator = ",\n  "
            run.clear()
    if run:
        out.write(separator + ",\n  ".join(run))
    payments = view.payments()
    tail = {
        "totals": totals_data(view.totals),
        "payments": {
            "count": payments.payments,
            "received": money(payments.received),
            "claims_paid": money(payments.claims_paid),
            "provider_adjustments": money(payments.provider_adjustments),
            "balanced": payments.balanced,
        },
        "unmatched": [unmatched_data(u) for u in view.unmatched()],
        "provider_adjustments": [plb_data(p) for p in view.adjustments()],
    }
    out.write("\n]")
    for key, value in tail.items():
        out.write(f", {json.dumps(key)}: {json.dumps(value, indent=2)}")
    out.write("}\n")


CSV_COLUMNS = (
    "record",
    "claim_id",
    "state",
    "test",
    "member_id",
    "service_month",
    "sent_on",
    "claim_billed",
    "claim_paid",
    "claim_open",
    "days_since_sent",
    "filing_deadline",
    "payer_claim_number",
    "next_action",
    "line_id",
    "procedure",
    "modifiers",
    "service_date",
    "units",
    "line_billed",
    "line_paid",
    "line_state",
    "reasons",
)


def _reasons_text(reasons: list[dict[str, object]], remarks: list[dict[str, object]]) -> str:
    parts = [
        f"{r['group']}-{r['code']} {r['description'] or ''} ({r['amount']})".replace("  ", " ")
        for r in reasons
    ]
    parts += [f"{r['code']} {r['description'] or ''}".strip() for r in remarks]
    return "; ".join(parts)


def write_csv(out: TextIO, view: QueueView) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    t = csv_text
    for item in view.items():
        data = claim_data(item)
        head = [
            "line",
            data["claim_id"],
            data["state"],
            "T" if data["test"] else "P",
            t(data["member_id"]),
            data["service_month"],
            data["sent_on"],
            data["billed"],
            data["paid"],
            data["open"],
            data["days_since_sent"],
            data["filing_deadline"],
            t(data["payer_claim_number"]),
            t(data["next_action"]),
        ]
        for line in data["lines"]:
            writer.writerow(
                [
                    *head,
                    line["line_id"],
                    line["procedure"],
                    " ".join(line["modifiers"]),
                    line["service_date"],
                    line["units"],
                    line["billed"],
                    line["paid"] if line["paid"] is not None else "",
                    line["state"],
                    t(_reasons_text(line["reasons"] or data["reasons"], line["remarks"])),
                ]
            )
    for u in view.unmatched():
        d = unmatched_data(u)
        row = dict.fromkeys(CSV_COLUMNS, "")
        row.update(
            record="unmatched_claim",
            claim_id=t(d["patient_control_number"]),
            state=f"CLP02 {d['status_code']}",
            claim_billed=d["charge"] or "",
            claim_paid=d["paid"] or "",
            payer_claim_number=t(d["payer_claim_number"]),
            next_action=t(f"matches no claim we sent (trace {d['trace_number']}, {d['payer']})"),
        )
        writer.writerow(row.values())
    for p in view.adjustments():
        d = plb_data(p)
        row = dict.fromkeys(CSV_COLUMNS, "")
        row.update(
            record="provider_adjustment",
            claim_id=d["claim_id"] or "",
            state=t(d["reason"]),
            claim_paid=d["amount"] or "",
            payer_claim_number=t(d["reference"]),
            next_action=t(
                (d["description"] or "provider-level adjustment")
                + (f"; applied to claim {d['claim_id']}" if d["claim_id"] else "")
            ),
        )
        writer.writerow(row.values())


def _row(*cells: str) -> str:
    return "  ".join(cells).rstrip()


def write_table(out: TextIO, view: QueueView) -> None:
    out.write(
        _row(
            f"{'claim':<12}",
            f"{'member':<10}",
            f"{'state':<22}",
            f"{'billed':>10}",
            f"{'paid':>10}",
            f"{'open':>10}",
            f"{'age':>4}",
            "next action",
        )
        + "\n"
    )
    for item in view.items():
        facts, outcome = item.facts, item.outcome
        f = outcome.figures
        state = outcome.state.value + (" (test)" if facts.test else "")
        out.write(
            _row(
                f"{facts.claim_id:<12}",
                f"{phi.member_id(facts.member_id):<10}",
                f"{state:<22}",
                f"{money(f.billed):>10}",
                f"{money(f.paid):>10}",
                f"{money(f.open):>10}",
                f"{item.aging.days:>4}",
                terminal_text(item.advice.text),
            )
            + "\n"
        )
        for sent, line in zip(facts.lines, outcome.lines, strict=True):
            if line.state is outcome.state and not line.reasons and not line.remarks:
                continue  # a line that says no more than its claim
            why = "; ".join(
                [
                    *(f"{r.group}-{r.code} ({money(r.amount)})" for r in line.reasons),
                    *line.remarks,
                ]
            )
            out.write(
                _row(
                    f"  {line.line_id:<20}",
                    f"{sent.procedure + '-' + '-'.join(sent.modifiers) if sent.modifiers else sent.procedure:<12}",
                    f"{line.state.value:<22}",
                    f"{money(line.billed):>10}",
                    f"{money(line.paid) or '':>10}",
                    why,
                )
                + "\n"
            )
    _write_totals(out, view)


def _book_lines(name: str, book: Book) -> list[str]:
    p = book.figures
    lines = [
        f"{name}: {book.claims} claim(s); billed ${p.billed:,.2f}; paid ${p.paid:,.2f}; "
        f"contractual ${p.contractual:,.2f}; patient responsibility ${p.patient:,.2f}; "
        f"denied ${p.denied:,.2f}; cancelled ${p.cancelled:,.2f}; open ${p.open:,.2f}"
        + (f"; overpaid ${p.overpaid:,.2f}" if p.overpaid else "")
    ]
    if any(book.by_bucket.values()):
        lines.append(
            "  open by age: "
            + ", ".join(
                f"{label} days ${book.by_bucket[label]:,.2f}"
                for label in BUCKET_LABELS
                if book.by_bucket.get(label)
            )
        )
    return lines


def _write_totals(out: TextIO, view: QueueView) -> None:
    totals = view.totals
    lines = [f"\n{totals.claims} claim(s), {totals.needing_action} needing action"]
    if totals.production.claims or not totals.test.claims:
        lines += _book_lines("production", totals.production)
    if totals.test.claims:
        lines += _book_lines("test batches (ISA15=T, not billing)", totals.test)
    out.write("\n".join(lines) + "\n")
    payments = view.payments()
    if payments.payments:
        out.write(
            f"payments received: ${payments.received:,.2f} in {payments.payments} payment(s) = claims "
            f"paid ${payments.claims_paid:,.2f} - provider adjustments ${payments.provider_adjustments:,.2f}"
            + ("" if payments.balanced else "  (DOES NOT BALANCE: see the remittance warnings)")
            + "\n"
        )
    items = list(view.unmatched())
    if items:
        out.write(f"\nremittance claims matching no claim we sent: {len(items)}\n")
        for u in items:
            d = unmatched_data(u)
            out.write(
                f"  {d['patient_control_number']:<20} CLP02 {d['status_code']:<3} charge {d['charge']} "
                f"paid {d['paid']} payer claim {d['payer_claim_number']} (trace {d['trace_number']})\n"
            )
    adjustments = view.adjustments()
    if adjustments:
        out.write(f"\nprovider-level adjustments (PLB): {len(adjustments)}\n")
        for a in adjustments:
            d = plb_data(a)
            applied = f"  applied to {d['claim_id']}" if d["claim_id"] else ""
            described = f"  {d['description']}" if d["description"] else ""
            out.write(
                f"  {d['reason']:<4} {d['reference']:<24} {d['amount']:>11}  trace {d['trace_number']}"
                f"{described}{applied}\n"
            )


FORMATS: dict[str, Callable[[TextIO, QueueView], None]] = {
    "table": write_table,
    "json": write_json,
    "csv": write_csv,
}
