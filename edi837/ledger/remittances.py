"""Recording what came back: each 835 transaction set once, its claims and lines matched to what
was sent (CLP01 to CLM01, REF*6R to REF*6R, else code + modifiers + date), as events.

Idempotent: a file already imported (same SHA-256), or a payment already recorded, changes
nothing. A payment is known by its payer and trace number (TRN02) and, whatever the TRN says or
lacks, by the SHA-256 of its content (the header, every claim and line, the PLBs: not the
envelope's control numbers), so an 835 without a TRN sent again under another ISA13 is not
counted twice. A provider-level adjustment whose reference names one of our claims (its payer
claim number or CLM01) is tied to that claim. The caller holds the write transaction, so a
failure part-way leaves the ledger as it was; the claims touched are refreshed in it
(edi837.ledger.events.refresh).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable
from datetime import date
from decimal import Decimal

import attrs

from edi837.errors import InputError
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
    provider_adjustments_matched: int = 0
    issues: list[Issue] = attrs.field(factory=list)
    claim_ids: set[str] = attrs.field(factory=set)  # our claims the payments named


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


def _canonical(*parts: object) -> bytes:
    return json.dumps(parts, separators=(",", ":"), default=str).encode("utf-8")


def payee_matches(header: Remittance, npis: Collection[str], tax_ids: Collection[str]) -> bool:
    """Is the 835's payee (N1*PE with XX or FI, or REF*TJ) one of our billing providers?"""
    payee = header.payee
    ids: set[str] = set()
    if payee.id_qualifier in ("XX", "FI"):
        ids.add(payee.identifier.replace("-", "").strip())
    for ref in payee.references:
        if ref.qualifier == "TJ":
            ids.add(ref.value.replace("-", "").strip())
    known = {n.strip() for n in npis} | {t.replace("-", "").strip() for t in tax_ids}
    return not ids or bool(ids & known)


class RemittanceImport:
    """Import the events of one file. Inside ``ledger.write()`` only.

    ``payees`` (NPIs, tax IDs): when given, a payment to another payee is refused (the 835 is
    somebody else's), unless ``force``."""

    def __init__(
        self,
        ledger: Ledger,
        name: str,
        sha256: str,
        imported_at: date,
        tally: ImportTally,
        *,
        payees: tuple[Collection[str], Collection[str]] | None = None,
        force: bool = False,
    ) -> None:
        self.db = ledger.db
        self.name = name
        self.tally = tally
        self.imported_at = imported_at
        self.payees = payees
        self.force = force
        self.headers = 0
        self._content: hashlib._Hash | None = None
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
                self.headers += 1
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
        if self.payees is not None and not self.force and not payee_matches(header, *self.payees):
            payee = header.payee
            raise InputError(
                f"{self.name}: the payment (transaction set {header.control_number}) is made to "
                f"payee {payee.name or '?'} ({payee.id_qualifier} {payee.identifier}), which is not "
                "a billing provider of this ledger or profile; nothing was recorded",
                hint="check you picked the right 835 and ledger, or pass --force to record it anyway",
            )
        key = payer_key(header)
        trace = header.trace_number
        if trace:
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
        # the 835's own order, for events of the same payment date: its production date, then
        # its interchange control number
        production = header.production_date.isoformat() if header.production_date else ""
        issued = f"{production} {header.interchange_control_number.strip().zfill(9)}"
        self.db.execute("SAVEPOINT remittance")
        cursor = self.db.execute(
            "INSERT INTO remittances (file_id, st02, payer_key, trace_number, payer_name, payee_name, "
            "payment_amount, payment_method, payment_date, production_date, event_date, issued_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.file_id,
                header.control_number,
                key,
                trace or f"(no TRN) {self.file_id}#{header.position}",
                header.payer.name,
                header.payee.name,
                _text(signed),
                str(header.payment_method),
                header.payment_date.isoformat() if header.payment_date else None,
                production or None,
                event_date.isoformat(),
                issued,
            ),
        )
        self.remittance_id = int(cursor.lastrowid or 0)
        self.seq = 0
        self._content = hashlib.sha256(
            _canonical(
                key,
                trace,
                _text(signed),
                str(header.payment_method),
                header.payment_date,
                header.payee.identifier,
            )
        )

    def _claim(self, claim: ClaimPayment) -> None:
        self.seq += 1
        pcn = claim.patient_control_number.strip()
        if self._content is not None:
            self._content.update(
                _canonical(
                    pcn,
                    str(claim.status),
                    _text(claim.charge),
                    _text(claim.paid),
                    claim.payer_claim_number,
                    [
                        (
                            s.line_control_number,
                            s.procedure.render(),
                            _text(s.charge),
                            _text(s.paid),
                            _adjustments(s.adjustments),
                        )
                        for s in claim.lines
                    ],
                    _adjustments(claim.adjustments),
                )
            )
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
        else:
            self.tally.claim_ids.add(claim_id)
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
        content = self._content
        assert content is not None
        for item in totals.provider_adjustments:
            content.update(_canonical(item.reason, item.reference, str(item.amount)))
        digest = content.hexdigest()
        twin = self.db.execute(
            "SELECT remittance_id FROM remittances WHERE content_sha256 = ? AND remittance_id != ?",
            (digest, self.remittance_id),
        ).fetchone()
        if twin is not None:
            # the same payment, already recorded from another file (another ISA13, no TRN)
            self.db.execute("ROLLBACK TO remittance")
            self.db.execute("RELEASE remittance")
            self.tally.payments_already += 1  # (its claims are refreshed anyway: harmless)
            return
        self.db.execute(
            "UPDATE remittances SET content_sha256 = ? WHERE remittance_id = ?",
            (digest, self.remittance_id),
        )
        for item in totals.provider_adjustments:
            claim_id = self._claim_named(item.reference)
            self.db.execute(
                "INSERT INTO provider_adjustments (remittance_id, provider_identifier, fiscal_period_end, "
                "reason, reference, amount, claim_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    self.remittance_id,
                    item.provider_identifier,
                    item.fiscal_period_end.isoformat() if item.fiscal_period_end else None,
                    item.reason,
                    item.reference,
                    str(item.amount),
                    claim_id,
                ),
            )
            self.tally.provider_adjustments += 1
            if claim_id is not None:
                self.tally.provider_adjustments_matched += 1
                self.tally.claim_ids.add(claim_id)
        self.db.execute("RELEASE remittance")
        self.tally.payments += 1

    def _claim_named(self, reference: str) -> str | None:
        """Our claim a PLB reference names: by the payer's claim number, else by CLM01."""
        text = reference.strip()
        if not text:
            return None
        row = self.db.execute(
            "SELECT claim_id FROM claim_events WHERE payer_claim_number = ? AND claim_id IS NOT NULL "
            "ORDER BY event_id DESC LIMIT 1",
            (text,),
        ).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT claim_id FROM claims WHERE claim_id = ?", (text.upper(),)
            ).fetchone()
        return str(row[0]) if row else None
