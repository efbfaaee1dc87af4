"""What the payer's front door said about what we sent: TA1, 999 and 277CA answers, one model.

All three answer the same question at three depths:

- :class:`InterchangeAck` (TA1): the interchange, by its ISA13;
- :class:`GroupAck` (999 AK1 ... AK9) with its :class:`SetAck` (AK2 ... IK5): the functional group
  by its GS06, each transaction set by its ST02, with the segment and element errors (IK3/IK4)
  located in the file we sent;
- :class:`ClaimAck` (277CA loop 2200D) with its :class:`LineAck` (2220D): each claim by the CLM01
  it echoes (TRN02), with the STC status codes and the payer's claim number (REF*1K);
- :class:`BatchAck` (277CA loops 2200B and 2200C): what the payer said of a whole transaction
  set, named by the BHT03 it echoes (2200B TRN02), before or instead of claim by claim.

Readers (``edi837.ack``) turn the files into these; the ledger ties them to what was sent
(``edi837.ledger.acks``) and the claim state machine reads them as front-door events. Codes are
kept as sent; their words come from the code tables, and an unknown code is shown as its code.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import attrs


class Verdict(StrEnum):
    """What an answer says of what it covers."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"  # TA104/IK501/AK901 E: accepted, errors noted
    PARTIAL = "partial"  # AK901 P: some transaction sets of the group accepted
    REJECTED = "rejected"

    @property
    def accepts(self) -> bool:
        return self is not Verdict.REJECTED


@attrs.frozen(slots=True)
class AckCode:
    """One code of an answer, where it points, and its words (empty when the table lacks it)."""

    element: str  # where the code sits in the answer: "TA105", "IK304", "IK403", "STC01-2"...
    code: str
    words: str = ""
    # for 999 IK3/IK4 errors: where the error is in the file we sent
    segment_position: int | None = None  # IK302 (position within the transaction set)
    segment_id: str = ""  # IK301
    loop: str = ""  # IK303
    reference: str = ""  # IK401 as a reference designator: "CLM05-3" (and " repetition N")
    context: str = ""  # the 999's CTX business unit: CLM01 of the claim the error sits in


@attrs.frozen(slots=True)
class InterchangeAck:
    """A TA1: the interchange ``control_number`` (TA101 = our ISA13) was accepted or not."""

    position: int  # of the TA1 in the answer file
    control_number: str
    verdict: Verdict
    codes: tuple[AckCode, ...] = ()  # TA104 and TA105
    on: date | None = None  # TA102
    test: bool = False  # the answer came in an ISA15=T interchange


@attrs.frozen(slots=True)
class SetAck:
    """999 AK2 ... IK5: one transaction set (AK202 = our ST02)."""

    position: int
    set_id: str  # AK201: 837
    control_number: str  # AK202
    verdict: Verdict  # IK501
    codes: tuple[AckCode, ...] = ()  # IK501 .. IK506 and every IK3/IK4 error under it
    version: str = ""  # AK203


@attrs.frozen(slots=True)
class GroupAck:
    """999 AK1 ... AK9: one functional group (AK102 = our GS06) and its transaction sets."""

    position: int
    functional_id: str  # AK101: HC for claims
    control_number: str  # AK102
    verdict: Verdict  # AK901
    sets: tuple[SetAck, ...] = ()
    codes: tuple[AckCode, ...] = ()  # AK901, AK905 .. AK909
    included: int | None = None  # AK902
    received: int | None = None  # AK903
    accepted: int | None = None  # AK904
    version: str = ""  # AK103
    on: date | None = None  # the 999's own date (its GS04)
    test: bool = False


@attrs.frozen(slots=True)
class LineAck:
    """277CA 2220D: one service line, by its line item control number (REF*FJ = our REF*6R)."""

    position: int
    line_control_number: str
    verdict: Verdict
    statuses: tuple[AckCode, ...] = ()  # STC01 (category:status:entity), STC10, STC11
    procedure: str = ""
    charge: Decimal | None = None


@attrs.frozen(slots=True)
class ClaimAck:
    """277CA 2200D: one claim, by the CLM01 it echoes (TRN02)."""

    position: int
    claim_id: str  # TRN02
    verdict: Verdict
    statuses: tuple[AckCode, ...] = ()  # STC01 (category:status:entity), STC10, STC11
    payer_claim_number: str = ""  # REF*1K
    on: date | None = None  # STC02
    charge: Decimal | None = None  # STC04
    lines: tuple[LineAck, ...] = ()
    batch_reference: str = ""  # 2200B TRN02: our BHT03, when the payer echoes it
    test: bool = False


@attrs.frozen(slots=True)
class BatchAck:
    """277CA 2200B (information receiver) or 2200C (billing provider): a status for every claim of
    the transaction set whose BHT03 the payer echoes in 2200B TRN02. A receiver-level rejection
    comes with no 2200D claims at all: this is then the only answer the file gives."""

    position: int
    level: str  # "2200B" or "2200C"
    batch_reference: str  # 2200B TRN02: our BHT03
    verdict: Verdict
    statuses: tuple[AckCode, ...] = ()  # STC01, STC10, STC11 of every STC at that level
    provider: str = ""  # 2200C: the billing provider's identifier (2100C NM109, the NPI)
    on: date | None = None  # STC02
    accepted: int | None = None  # QTY*90 (2200B) or QTY*QA (2200C): claims accepted
    rejected: int | None = None  # QTY*AA or QTY*QC: claims rejected
    accepted_amount: Decimal | None = None  # AMT*YU
    rejected_amount: Decimal | None = None  # AMT*YY
    test: bool = False


AckEvent = InterchangeAck | GroupAck | BatchAck | ClaimAck
