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

Set-based: the claims of a payment are gathered a chunk at a time (``CHUNK``) and each chunk is
matched in three statements (its CLP01s against ``claims``, the REF*6R of those left over against
``lines``, and the sent lines of every matched claim), then written with two ``executemany``. The
event IDs are handed out here, in file order, exactly as SQLite would have numbered the rows one
by one (the ledger's total order of events relies on them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring_ascii

import attrs

from edi837.errors import InputError
from edi837.issues import Issue, Location, Severity
from edi837.ledger.claim_set import ClaimSet
from edi837.ledger.store import Ledger
from edi837.model.remittance import (
    Adjustment,
    ClaimPayment,
    Remark,
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
    # our claims the payments named (import_remittances keeps them in the ledger, a ClaimSet)
    claim_ids: set[str] | ClaimSet = attrs.field(factory=set)


CHUNK = 2000  # claims matched and written per round of statements

# Most claims and lines carry no adjustment or remark, and the rest repeat a few patterns (CO-45
# with the same cut, CO-197 of the same rate): their JSON is cached, the cache emptied when full.
_CACHE_LIMIT = 4096
_EMPTY = "[]"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


_adjustment_texts: dict[tuple[tuple[str, str, str, str | None], ...], str] = {}


def _adjustments(items: tuple[Adjustment, ...]) -> str:
    """``[[group, reason, amount, quantity], ...]``: also hashed into a payment's identity, so
    its bytes never change. Cached by the texts written, not by the adjustments: Decimal("45")
    and Decimal("45.00") are equal keys, and each must keep the spelling the 835 gave it."""
    if not items:
        return _EMPTY
    key = tuple((str(a.group), a.reason, str(a.amount), _text(a.quantity)) for a in items)
    text = _adjustment_texts.get(key)
    if text is None:
        if len(_adjustment_texts) >= _CACHE_LIMIT:
            _adjustment_texts.clear()
        text = _adjustment_texts[key] = json.dumps(key, separators=(",", ":"))
    return text


_remark_texts: dict[tuple[str, ...], str] = {}


def _remarks(items: Iterable[Remark]) -> str:
    codes = tuple(r.code for r in items)
    if not codes:
        return _EMPTY
    text = _remark_texts.get(codes)
    if text is None:
        if len(_remark_texts) >= _CACHE_LIMIT:
            _remark_texts.clear()
        text = _remark_texts[codes] = json.dumps(list(codes))
    return text


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


_quote = encode_basestring_ascii  # what json.dumps quotes a string with
_EMPTY_QUOTED = _quote(_EMPTY)  # most lines' adjustments, as the identity quotes them


def _amount(value: Decimal | None) -> str:
    # a Decimal's text is digits, sign, point and exponent: nothing to escape
    return "null" if value is None else f'"{value}"'


def _claim_identity(
    pcn: str, claim: ClaimPayment, line_texts: Sequence[str], claim_text: str
) -> bytes:
    """``_canonical(pcn, status, charge, paid, CLP07, [(6R, procedure, charge, paid,
    adjustments), ...], adjustments)`` spelled out: the same bytes (the payment's identity in
    the ledger; tests/test_remittance_identity.py holds them to json.dumps), made without the
    encoder's set-up for every claim. Once per line of every claim: the amounts are spelled
    inline (as ``_amount`` does) and a line without adjustments takes its quoted text ready
    made, rather than a call each."""
    quote = _quote
    pieces: list[str] = []
    for s, text in zip(claim.lines, line_texts, strict=True):
        charge, paid = s.charge, s.paid
        charge_text = "null" if charge is None else f'"{charge}"'
        paid_text = "null" if paid is None else f'"{paid}"'
        text_quoted = _EMPTY_QUOTED if text == _EMPTY else quote(text)
        pieces.append(
            f"[{quote(s.line_control_number)},{quote(s.procedure.render())},"
            f"{charge_text},{paid_text},{text_quoted}]"
        )
    lines = ",".join(pieces)
    return (
        f"[{quote(pcn)},{quote(str(claim.status))},{_amount(claim.charge)},"
        f"{_amount(claim.paid)},{quote(claim.payer_claim_number)},[{lines}],{quote(claim_text)}]"
    ).encode("ascii")


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
        # (seq, CLP01, claim, its lines' adjustment texts, its own)
        self._pending: list[_Pending] = []
        self._last_event = self._last_line_event = 0  # the IDs handed out so far

    def feed(self, events: Iterable[RemitEvent]) -> None:
        for event in events:
            if isinstance(event, Remittance):
                self._flush()
                self.headers += 1
                self._header(event)
            elif isinstance(event, ClaimPayment):
                if self.remittance_id is not None:
                    self._claim(event)
            elif isinstance(event, RemittanceTotals):
                self._flush()
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
        # the rows are numbered here as SQLite would (one past the largest), read again after
        # each savepoint since a payment rolled back gives its numbers back
        self._last_event, self._last_line_event = self.db.execute(
            "SELECT (SELECT COALESCE(MAX(event_id), 0) FROM claim_events), "
            "(SELECT COALESCE(MAX(line_event_id), 0) FROM line_events)"
        ).fetchone()
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
        """Hash the claim into the payment's identity and queue it for the next chunk."""
        self.seq += 1
        pcn = claim.patient_control_number.strip()
        # each adjustment list's text is made once, for the identity and for the row
        # (most lines have none: their text is the constant, without a call)
        line_texts = tuple(
            [_adjustments(a) if (a := s.adjustments) else _EMPTY for s in claim.lines]
        )
        claim_text = _adjustments(claim.adjustments)
        if self._content is not None:
            self._content.update(_claim_identity(pcn, claim, line_texts, claim_text))
        self._pending.append((self.seq, pcn, claim, line_texts, claim_text))
        if len(self._pending) >= CHUNK:
            self._flush()

    # -- a chunk of claims, set-based ----------------------------------------------------------
    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending or self.remittance_id is None:
            return
        owners = self._owners(pending)
        sent = self._sent_lines({claim_id for claim_id in owners if claim_id is not None})
        tally = self.tally
        claim_rows: list[tuple[object, ...]] = []
        line_rows: list[tuple[object, ...]] = []
        event_id, line_event_id = self._last_event, self._last_line_event
        remittance_id = self.remittance_id
        line_count = unmatched_lines = 0
        for (seq, pcn, claim, line_texts, claim_text), claim_id in zip(
            pending, owners, strict=True
        ):
            event_id += 1
            if claim_id is None:
                tally.claims_unmatched += 1
            charge, paid, patient = claim.charge, claim.paid, claim.patient_responsibility
            claim_rows.append(
                (
                    event_id,
                    remittance_id,
                    seq,
                    pcn,
                    claim_id,
                    str(claim.status),
                    None if charge is None else str(charge),
                    None if paid is None else str(paid),
                    None if patient is None else str(patient),
                    claim.payer_claim_number,
                    1 if claim.lines else 0,
                    claim_text,
                    _remarks(claim.remarks),
                )
            )
            lines = sent.get(claim_id, ()) if claim_id else ()
            taken: set[str] = set()
            line_count += len(line_texts)
            for service, adjustments in zip(claim.lines, line_texts, strict=True):
                line_id, how = _match(service, lines, taken)
                if line_id is None:
                    unmatched_lines += 1
                    if claim_id is not None:
                        tally.issues.append(
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
                line_event_id += 1
                charge, paid, units = service.charge, service.paid, service.paid_units
                modifiers, remarks = billed.modifiers, service.remarks
                line_rows.append(
                    (
                        line_event_id,
                        event_id,
                        line_id,
                        how,
                        billed.code,
                        " ".join(modifiers) if modifiers else "",
                        day.isoformat() if day else None,
                        service.line_control_number,
                        None if charge is None else str(charge),
                        None if paid is None else str(paid),
                        str(units),
                        adjustments,
                        _remarks(remarks) if remarks else _EMPTY,
                    )
                )
        self.db.executemany(
            "INSERT INTO claim_events (event_id, remittance_id, seq, patient_control_number, "
            "claim_id, status_code, charge, paid, patient_responsibility, payer_claim_number, "
            "has_lines, adjustments, remarks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            claim_rows,
        )
        self.db.executemany(
            "INSERT INTO line_events (line_event_id, claim_event_id, line_id, matched_by, "
            "procedure, modifiers, service_date, line_control_number, charge, paid, units, "
            "adjustments, remarks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            line_rows,
        )
        tally.claim_ids.update(claim_id for claim_id in owners if claim_id is not None)
        tally.claims += len(pending)
        # the line counts, added once a chunk rather than an attribute write per line
        tally.lines += line_count
        tally.lines_unmatched += unmatched_lines
        self._last_event, self._last_line_event = event_id, line_event_id

    def _owners(self, pending: Sequence[_Pending]) -> list[str | None]:
        """Our claim each CLP names: its CLP01 (any case), else the first of its lines' REF*6R
        that is one of our lines (a payer that mangles CLP01 usually keeps REF*6R)."""
        upper = [p[1].upper() for p in pending]
        wanted = sorted(set(upper))
        known = {
            row[0]
            for row in self.db.execute(
                "SELECT claim_id FROM claims WHERE claim_id IN (SELECT value FROM json_each(?))",
                (json.dumps(wanted),),
            )
        }
        owners: list[str | None] = [pcn if pcn in known else None for pcn in upper]
        controls = sorted(
            {
                control
                for (_seq, _pcn, claim, *_texts), owner in zip(pending, owners, strict=True)
                if owner is None
                for control in (s.line_control_number.strip().upper() for s in claim.lines)
                if control
            }
        )
        if not controls:
            return owners
        line_owner = dict(
            self.db.execute(
                "SELECT line_id, claim_id FROM lines WHERE line_id IN (SELECT value FROM json_each(?))",
                (json.dumps(controls),),
            ).fetchall()
        )
        for index, ((_seq, _pcn, claim, *_texts), owner) in enumerate(
            zip(pending, owners, strict=True)
        ):
            if owner is None:
                owners[index] = next(
                    (
                        line_owner[control]
                        for control in (s.line_control_number.strip().upper() for s in claim.lines)
                        if control in line_owner
                    ),
                    None,
                )
        return owners

    def _sent_lines(self, claim_ids: Collection[str]) -> dict[str, list[_Sent]]:
        """The lines we sent on these claims, in their order."""
        out: dict[str, list[_Sent]] = {}
        if not claim_ids:
            return out
        cursor = self.db.cursor()
        cursor.row_factory = None  # (plain tuples: sqlite3.Row costs more to make and read)
        sets: dict[str, frozenset[str]] = {}  # a ledger's modifier lists are few
        for claim_id, line_id, procedure, modifiers, service_date in cursor.execute(
            "SELECT claim_id, line_id, procedure, modifiers, service_date FROM lines "
            "WHERE claim_id IN (SELECT value FROM json_each(?)) ORDER BY claim_id, line_number",
            (json.dumps(sorted(claim_ids)),),
        ):
            found = sets.get(modifiers)
            if found is None:
                found = sets[modifiers] = frozenset(modifiers.split())
            sent = out.get(claim_id)
            if sent is None:
                out[claim_id] = [(line_id, procedure, found, service_date)]
            else:
                sent.append((line_id, procedure, found, service_date))
        return out

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
            named = [
                row[0]
                for row in self.db.execute(
                    "SELECT claim_id FROM claim_events WHERE remittance_id = ? "
                    "AND claim_id IS NOT NULL",
                    (self.remittance_id,),
                )
            ]
            self.db.execute("ROLLBACK TO remittance")
            self.db.execute("RELEASE remittance")
            self.tally.payments_already += 1
            # its claims stay named (refreshed anyway: harmless), though the rollback took them
            # out of a ClaimSet's table with the rest of the payment
            self.tally.claim_ids.update(named)
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


_Sent = tuple[str, str, frozenset[str], str]  # line ID, procedure, modifiers, service date
_Pending = tuple[int, str, ClaimPayment, tuple[str, ...], str]


def _match(
    service: ServicePayment, sent: Sequence[_Sent], taken: set[str]
) -> tuple[str | None, str | None]:
    """The line we sent that an 835 line answers: by REF*6R, else (some payers drop it) by the
    code as billed, its modifiers and the date; a line is answered once per CLP."""
    control = service.line_control_number.strip().upper()
    if control:
        for line in sent:  # (indexed, not star-unpacked: that makes a list per line looked at)
            line_id = line[0]
            if line_id == control and line_id not in taken:
                return line_id, "6R"
    billed = service.original_procedure or service.procedure
    day = service.service_date
    wanted = billed.code, frozenset(billed.modifiers), day.isoformat() if day else None
    for line_id, procedure, modifiers, service_date in sent:
        if line_id in taken or procedure != wanted[0] or modifiers != wanted[1]:
            continue
        if wanted[2] is None or wanted[2] == service_date:
            return line_id, "code+date"
    return None, None
