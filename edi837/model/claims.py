"""The outbound model: what goes into an 837P.

``ClaimBatch -> BillingProvider -> Member -> Claim -> ServiceLine``. Everything here is already
normalised for the wire (upper-case names, ICD-10 without dots, canonical modifier order), so an
837P written from a batch and read back gives an equal batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import attrs

from edi837.model.common import Address, Contact, Frequency, Sex, Usage, non_negative


@attrs.frozen(slots=True)
class Member:
    """The member, who is both subscriber and patient (2010BA): Medi-Cal CIN as MI."""

    member_id: str
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex
    address: Address


@attrs.frozen(slots=True)
class RenderingProvider:
    npi: str
    last_name: str
    first_name: str = ""


@attrs.frozen(slots=True)
class ServiceLine:
    """One 2400 loop. Place of service, TAR and rendering provider are set only where they
    differ from the claim's (TR3: a line repeats them only then)."""

    procedure: str
    modifiers: tuple[str, ...]
    service_date: date
    units: Decimal = attrs.field(validator=non_negative)
    charge: Decimal = attrs.field(validator=non_negative)
    diagnosis_pointers: tuple[int, ...]
    end_date: date | None = None
    place_of_service: str | None = None
    tar_number: str | None = None
    rendering: RenderingProvider | None = None
    control_number: str = ""
    source_rows: tuple[int, ...] = attrs.field(default=(), eq=False)
    record_ids: tuple[str, ...] = attrs.field(default=(), eq=False)
    # why the payer will not pay it (a rule ID, or the fee schedule): not sent, but recorded so
    # the claim's state knows the line was expected unpaid
    expected_unpaid: str | None = attrs.field(default=None, eq=False)

    @property
    def code_key(self) -> str:
        """``G9008-U1-GQ``: code and modifiers as the fee schedule and rules name them."""
        return "-".join((self.procedure, *self.modifiers))


@attrs.frozen(slots=True)
class Claim:
    """One 2300 loop: one member, one calendar month, one category (ECM never shares with CS)."""

    claim_id: str
    member: Member
    category: str
    place_of_service: str
    diagnoses: tuple[str, ...]
    lines: tuple[ServiceLine, ...]
    tar_number: str | None = None
    rendering: RenderingProvider | None = None
    frequency: Frequency = Frequency.ORIGINAL
    payer_claim_number: str | None = None  # REF*F8, for a replacement or a void

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal(0))

    @property
    def first_date(self) -> date:
        return min(line.service_date for line in self.lines)


@attrs.frozen(slots=True)
class Submitter:
    name: str
    id: str
    contact: Contact


@attrs.frozen(slots=True)
class Receiver:
    name: str
    id: str


@attrs.frozen(slots=True)
class BillingProvider:
    name: str
    npi: str
    ein: str
    taxonomy: str
    address: Address


@attrs.frozen(slots=True)
class Payer:
    name: str
    id: str


@attrs.frozen(slots=True)
class Interchange:
    """Envelope identifiers and control numbers (allocated by the ledger, never reused)."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    gs_sender: str
    gs_receiver: str
    usage: Usage
    control_number: int  # ISA13
    group_number: int  # GS06
    transaction_numbers: tuple[int, ...]  # ST02, one per transaction set
    ack_requested: bool = False


@attrs.frozen(slots=True)
class ClaimBatch:
    """Everything one 837P file holds."""

    interchange: Interchange
    created: datetime
    submitter: Submitter
    receiver: Receiver
    billing_provider: BillingProvider
    payer: Payer
    claims: tuple[Claim, ...]
    max_claims_per_transaction: int = 5000

    def reference(self, st02: int) -> str:
        """BHT03 of the transaction set ``st02`` (see :func:`set_reference`)."""
        return set_reference(self.interchange.control_number, st02)

    def transactions(self) -> Iterator[tuple[int, tuple[Claim, ...]]]:
        """(ST02, claims) for each transaction set: at most ``max_claims_per_transaction`` each."""
        size = self.max_claims_per_transaction
        for index, number in enumerate(self.interchange.transaction_numbers):
            yield number, self.claims[index * size : (index + 1) * size]

    @property
    def total_charge(self) -> Decimal:
        return sum((claim.total_charge for claim in self.claims), Decimal(0))

    @property
    def line_count(self) -> int:
        return sum(len(claim.lines) for claim in self.claims)

    @property
    def member_count(self) -> int:
        return len({claim.member.member_id for claim in self.claims})


def set_reference(isa13: int, st02: int) -> str:
    """BHT03 of one transaction set: its ISA13 (nine digits), then its ST02 as written (four
    digits or more): ``0000000070012``. Unique per set within and across batches, since the ledger
    never hands out either number twice. A 277CA echoes it (2200B TRN02), which ties an answer
    about the whole set (one that names no claim) to what was sent."""
    return f"{isa13:09d}{st02:04d}"


def parse_set_reference(text: str) -> tuple[int, int | None] | None:
    """(ISA13, ST02) of a BHT03 :func:`set_reference` wrote; (ISA13, None) for one written
    before BHT03 named the set (ISA13 alone, nine digits); None for anyone else's."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or (len(text) != 9 and not 13 <= len(text) <= 18):
        return None
    isa13 = int(text[:9])
    return (isa13, None) if len(text) == 9 else (isa13, int(text[9:]))
