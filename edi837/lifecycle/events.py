"""What the ledger knows of a claim, as plain facts and events: the state machine's only input.

The ledger reads them (``edi837.ledger.events``); nothing here touches SQL or files, so the state
machine can be tested with hand-made events and every command sees the same answer.

- :class:`ClaimFacts` is the claim as it was sent (and whether its file was confirmed written).
- The events, in the ledger's total order (date, then the sender's own order, then import order):
  :class:`FrontDoor` (a TA1, 999 or 277CA answer that covers the claim), :class:`Adjudication`
  (an 835 CLP naming it) and :class:`Recoupment` (an 835 PLB whose reference names it).
- :class:`Successor` is a later claim of ours that voids (frequency 8) or replaces (7) it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import attrs

from edi837.model.acks import Verdict

ZERO = Decimal(0)
Outcome = Verdict  # what a front-door answer says (edi837.model.acks)


class Written(StrEnum):
    """Whether the batch's file is known to exist (see ``services/emit.py``)."""

    PENDING = "pending"  # recorded, then the process stopped before it confirmed the file
    WRITTEN = "written"
    ABANDONED = "abandoned"  # a pending batch whose file never appeared: nothing was sent


@attrs.frozen(slots=True)
class LineFacts:
    line_id: str  # REF*6R
    charge: Decimal
    procedure: str
    modifiers: tuple[str, ...]
    service_date: date
    end_date: date | None = None
    units: Decimal = Decimal(1)
    # why the rules predicted, at build time, that the payer will not pay it (a rule ID or a
    # fee-schedule note): G9007 is informational, U8 attempts past the rolling limit are unpaid
    expected_unpaid: str | None = None


@attrs.frozen(slots=True)
class ClaimFacts:
    claim_id: str  # CLM01
    member_id: str
    frequency: str  # CLM05-3: 1 original, 7 replacement, 8 void
    test: bool  # sent in an ISA15=T batch (EDI enrollment testing)
    billed: Decimal  # CLM02
    sent_on: date  # the batch's creation date
    written: Written
    lines: tuple[LineFacts, ...]
    original_claim_id: str | None = None  # the claim a 7 or 8 corrects
    service_month: str = ""  # YYYY-MM
    category: str = ""
    resent_as: str | None = None  # a later original of ours bills the same services
    batch_id: int = 0

    @property
    def first_date(self) -> date:
        # a loop, not min() over a generator: the work queue asks it of every claim
        if not self.lines:
            return self.sent_on
        first = self.lines[0].service_date
        for line in self.lines:
            first = min(first, line.service_date)
        return first

    @property
    def is_void(self) -> bool:
        return self.frequency == "8"

    @property
    def is_replacement(self) -> bool:
        return self.frequency == "7"


@attrs.frozen(slots=True)
class Reason:
    """One CAS adjustment: group (CO, PR, OA, PI, CR), reason code (CARC), amount."""

    group: str
    code: str
    amount: Decimal


@attrs.frozen(slots=True)
class FrontDoor:
    source: str  # "TA1", "999" or "277CA"
    outcome: Outcome
    on: date | None
    codes: tuple[str, ...] = ()  # e.g. TA105 "022", IK5 "R", STC "A7:562"
    detail: str = ""  # the codes in words, for the next action


@attrs.frozen(slots=True)
class LinePayment:
    line_id: str
    charge: Decimal | None
    paid: Decimal | None
    reasons: tuple[Reason, ...] = ()
    remarks: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class Adjudication:
    on: date
    status_code: str  # CLP02
    charge: Decimal | None
    paid: Decimal | None
    payer_claim_number: str = ""  # CLP07
    patient_responsibility: Decimal | None = None  # CLP05
    reasons: tuple[Reason, ...] = ()  # claim-level CAS
    remarks: tuple[str, ...] = ()
    lines: tuple[LinePayment, ...] = ()  # the lines it matched to ours
    itemised: bool = True  # False: adjudicated at claim level only (no SVC)
    trace: str = ""  # the payment's trace number (TRN02)
    named: str = ""  # the claim ID the 835 named (CLP01 matched): a void's reversal may name it

    @property
    def is_reversal(self) -> bool:
        return self.status_code == "22"


@attrs.frozen(slots=True)
class Recoupment:
    """A provider-level adjustment (PLB) whose reference names this claim."""

    on: date
    reason: str  # PLB03-1 (WO, 72, FB, L6...)
    reference: str
    amount: Decimal  # positive: taken from the payment; negative: added (interest)


Event = FrontDoor | Adjudication | Recoupment


@attrs.frozen(slots=True)
class Successor:
    """A claim of ours that voids (8) or replaces (7) the claim, with what the front door said."""

    claim_id: str
    frequency: str
    effective: bool  # it stands: see ``machine.void_took_effect``
