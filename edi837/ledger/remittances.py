"""Recording what came back: each 835 transaction set once, its claims and lines matched to what
was sent (CLP01 to CLM01, REF*6R to REF*6R, else code + modifiers + date), as events.

Idempotent: a file already imported (same SHA-256), or a payment already recorded (same payer and
trace number), changes nothing. The caller holds the write transaction, so a failure part-way
leaves the ledger as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from edi837.issues import Issue, Location, Severity
from edi837.ledger.store import Ledger
from edi837.model.remittance import (
    Adjustment,
    ClaimPayment,
    RemitEvent,
    Remittance,
    RemittanceTotals,
    ServicePayment,
)


@attrs.define
class ImportTally:
    files: int = 0
    files_already: int = 0
    payments: int = 0
    payments_already: int = 0
    claims: int = 0
    claims_unmatched: int = 0
    lines: int = 0
    lines_unmatched: int = 0
    provider_adjustments: int = 0
    issues: list[Issue] = attrs.field(factory=list)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _adjustments(items: Iterable[Adjustment]) -> str:
    return json.dumps(
        [[str(a.group), a.reason, str(a.amount), _text(a.quantity)] for a in items],
        separators=(",", ":"),
    )


def file_already_imported(ledger: Ledger, sha256: str) -> bool:
    return (
        ledger.db.execute("SELECT 1 FROM remittance_files WHERE sha256 = ?", (sha256,)).fetchone()
        is not None
    )


def payer_key(header: Remittance) -> str:
    """Who sent the payment: TRN03 (the payer's company ID), else its N1 ID, else its name."""
    return header.trace_originator or header.payer.identifier or header.payer.name or "?"


class RemittanceImport:
    """Import the events of one file. Inside ``ledger.write()`` only."""

    def __init__(
        self, ledger: Ledger, name: str, sha256: str, imported_at: date, tally: ImportTally
    ) -> None:
        self.db = ledger.db
        self.name = name
        self.tally = tally
        self.imported_at = imported_at
        cursor = self.db.execute(
            "INSERT INTO remittance_files (sha256, name, imported_at) VALUES (?, ?, ?)",
            (sha256, name, imported_at.isoformat()),
        )
        self.file_id = int(cursor.lastrowid or 0)
        tally.files += 1
        self.remittance_id: int | None = None  # None while skipping an already recorded payment
        self.seq = 0

    def feed(self, events: Iterable[RemitEvent]) -> None:
        for event in events:
            if isinstance(event, Remittance):
                self._header(event)
            elif isinstance(event, ClaimPayment):
                if self.remittance_id is not None:
                    self._claim(event)
            elif isinstance(event, RemittanceTotals):
                self.tally.issues.extend(event.issues)
                if self.remittance_id is not None:
                    self._totals(event)
                self.remittance_id = None

    def _header(self, header: Remittance) -> None:
        key = payer_key(header)
        trace = header.trace_number or f"{self.name}#{header.position}"
        known = self.db.execute(
            "SELECT remittance_id FROM remittances WHERE payer_key = ? AND trace_number = ?",
            (key, trace),
        ).fetchone()
        if known is not None:
            self.tally.payments_already += 1
            self.remittance_id = None
            return
        signed = header.signed_payment_amount
        event_date = header.payment_date or header.production_date or self.imported_at
        cursor = self.db.execute(
            "INSERT INTO remittances (file_id, st02, payer_key, trace_number, payer_name, payee_name, "
            "payment_amount, payment_method, payment_date, production_date, event_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.file_id,
                header.control_number,
                key,
                trace,
                header.payer.name,
                header.payee.name,
                _text(signed),
                str(header.payment_method),
                header.payment_date.isoformat() if header.payment_date else None,
                header.production_date.isoformat() if header.production_date else None,
                event_date.isoformat(),
            ),
        )
        self.remittance_id = int(cursor.lastrowid or 0)
        self.seq = 0
        self.tally.payments += 1

    def _claim(self, claim: ClaimPayment) -> None:
        self.seq += 1
        pcn = claim.patient_control_number.strip()
        row = self.db.execute(
            "SELECT claim_id FROM claims WHERE claim_id = ?", (pcn.upper(),)
        ).fetchone()
        claim_id = row[0] if row else None
        if claim_id is None:
            # A payer that mangles CLP01 usually keeps REF*6R: the line names its claim.
            for service in claim.lines:
                control = service.line_control_number.strip().upper()
                found = self.db.execute(
                    "SELECT claim_id FROM lines WHERE line_id = ?", (control,)
                ).fetchone()
                if control and found is not None:
                    claim_id = found[0]
                    break
        self.tally.claims += 1
        if claim_id is None:
            self.tally.claims_unmatched += 1
        cursor = self.db.execute(
            "INSERT INTO claim_events (remittance_id, seq, patient_control_number, claim_id, status_code, "
            "charge, paid, patient_responsibility, payer_claim_number, has_lines, adjustments, remarks) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.remittance_id,
                self.seq,
                pcn,
                claim_id,
                str(claim.status),
                _text(claim.charge),
                _text(claim.paid),
                _text(claim.patient_responsibility),
                claim.payer_claim_number,
                1 if claim.lines else 0,
                _adjustments(claim.adjustments),
                json.dumps([r.code for r in claim.remarks]),
            ),
        )
        event_id = int(cursor.lastrowid or 0)
        sent = self._sent_lines(claim_id) if claim_id else []
        taken: set[str] = set()
        for service in claim.lines:
            line_id, how = self._match(service, sent, taken, claim)
            self.tally.lines += 1
            if line_id is None:
                self.tally.lines_unmatched += 1
                if claim_id is not None:
                    self.tally.issues.append(
                        Issue(
                            "RECONCILE-LINE",
                            Severity.WARN,
                            f"a service line ({service.procedure.render()}) of claim {pcn} matches no line we sent",
                            Location(file=self.name, segment=service.position, claim_id=pcn),
                        )
                    )
            else:
                taken.add(line_id)
            billed = service.original_procedure or service.procedure
            day = service.service_date
            self.db.execute(
                "INSERT INTO line_events (claim_event_id, line_id, matched_by, procedure, modifiers, "
                "service_date, line_control_number, charge, paid, units, adjustments, remarks) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event_id,
                    line_id,
                    how,
                    billed.code,
                    " ".join(billed.modifiers),
                    day.isoformat() if day else None,
                    service.line_control_number,
                    _text(service.charge),
                    _text(service.paid),
                    _text(service.paid_units),
                    _adjustments(service.adjustments),
                    json.dumps([r.code for r in service.remarks]),
                ),
            )

    def _sent_lines(self, claim_id: str) -> list[tuple[str, str, frozenset[str], str]]:
        return [
            (row[0], row[1], frozenset(row[2].split()), row[3])
            for row in self.db.execute(
                "SELECT line_id, procedure, modifiers, service_date FROM lines WHERE claim_id = ? "
                "ORDER BY line_number",
                (claim_id,),
            )
        ]

    def _match(
        self,
        service: ServicePayment,
        sent: list[tuple[str, str, frozenset[str], str]],
        taken: set[str],
        claim: ClaimPayment,
    ) -> tuple[str | None, str | None]:
        control = service.line_control_number.strip().upper()
        if control:
            for line_id, *_rest in sent:
                if line_id == control and line_id not in taken:
                    return line_id, "6R"
        # No REF*6R (some payers drop it): the code as billed, its modifiers and the date.
        billed = service.original_procedure or service.procedure
        day = service.service_date
        wanted = billed.code, frozenset(billed.modifiers), day.isoformat() if day else None
        for line_id, procedure, modifiers, service_date in sent:
            if line_id in taken or procedure != wanted[0] or modifiers != wanted[1]:
                continue
            if wanted[2] is None or wanted[2] == service_date:
                return line_id, "code+date"
        return None, None

    def _totals(self, totals: RemittanceTotals) -> None:
        for item in totals.provider_adjustments:
            self.db.execute(
                "INSERT INTO provider_adjustments (remittance_id, provider_identifier, fiscal_period_end, "
                "reason, reference, amount) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    self.remittance_id,
                    item.provider_identifier,
                    item.fiscal_period_end.isoformat() if item.fiscal_period_end else None,
                    item.reason,
                    item.reference,
                    str(item.amount),
                ),
            )
            self.tally.provider_adjustments += 1
