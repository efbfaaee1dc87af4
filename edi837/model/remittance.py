"""What a payer's 835 says, as typed values: the inbound half of the model.

A transaction set (ST..SE) is one payment or notice: its header (:class:`Remittance`: BPR, TRN,
CUR, REF, DTM, payer and payee), its claims (:class:`ClaimPayment`, one per CLP, each with its
service lines, :class:`ServicePayment`), and its trailer (:class:`RemittanceTotals`: the PLB
provider-level adjustments, the totals and the problems found). The reader in
:mod:`edi837.remit835` yields these three kinds of objects in file order, one claim at a time, so
a file of any size is read with flat memory; :class:`RemittanceAdvice` gathers one transaction
for callers that want it whole.

Money is ``Decimal``, dates are ``date``. Closed code sets (CAS group, CLP02 status, BPR04 method)
are ``StrEnum`` members when the code is known, and the raw string when it is not: a payer's
unexpected code is reported, never lost. The patient's and insured's names and IDs are kept (the
ledger needs them) but never shown unmasked by ``repr``; renderers mask them through
:mod:`edi837.phi`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import attrs

from edi837.issues import Issue

ZERO = Decimal(0)


class AdjustmentGroup(StrEnum):
    """CAS01: who carries an adjustment."""

    CONTRACTUAL = "CO"
    CORRECTION = "CR"
    OTHER = "OA"
    PAYER_INITIATED = "PI"
    PATIENT = "PR"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    AdjustmentGroup.CONTRACTUAL: "contractual obligation (provider writes it off)",
    AdjustmentGroup.CORRECTION: "correction or reversal of an earlier claim",
    AdjustmentGroup.OTHER: "other adjustment",
    AdjustmentGroup.PAYER_INITIATED: "payer-initiated reduction",
    AdjustmentGroup.PATIENT: "patient responsibility",
}


class ClaimStatus(StrEnum):
    """CLP02: how the payer processed the claim."""

    PRIMARY = "1"
    SECONDARY = "2"
    TERTIARY = "3"
    DENIED = "4"
    PRIMARY_FORWARDED = "19"
    SECONDARY_FORWARDED = "20"
    TERTIARY_FORWARDED = "21"
    REVERSAL = "22"
    NOT_OUR_CLAIM = "23"
    PREDETERMINATION = "25"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ClaimStatus.PRIMARY: "processed as primary",
    ClaimStatus.SECONDARY: "processed as secondary",
    ClaimStatus.TERTIARY: "processed as tertiary",
    ClaimStatus.DENIED: "denied",
    ClaimStatus.PRIMARY_FORWARDED: "processed as primary, forwarded to another payer",
    ClaimStatus.SECONDARY_FORWARDED: "processed as secondary, forwarded to another payer",
    ClaimStatus.TERTIARY_FORWARDED: "processed as tertiary, forwarded to another payer",
    ClaimStatus.REVERSAL: "reversal of an earlier payment",
    ClaimStatus.NOT_OUR_CLAIM: "not this payer's claim, forwarded",
    ClaimStatus.PREDETERMINATION: "predetermination pricing only, no payment",
}


class PaymentMethod(StrEnum):
    """BPR04: how the money moves."""

    ACH = "ACH"
    BOOK_ENTRY = "BOP"
    CHECK = "CHK"
    WIRE = "FWT"
    NONE = "NON"

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    PaymentMethod.ACH: "automated clearing house",
    PaymentMethod.BOOK_ENTRY: "financial institution option",
    PaymentMethod.CHECK: "check",
    PaymentMethod.WIRE: "federal reserve wire transfer",
    PaymentMethod.NONE: "no payment",
}


def _masked(value: str | None) -> str:
    """repr() of a name or member ID: never the value itself (reprs end up in logs)."""
    return "''" if not value else "'***'"


# -- small qualified values ---------------------------------------------------------------------


@attrs.frozen(slots=True)
class Reference:
    """REF: a qualified identifier (6R line control number, F8 original claim, EA record...)."""

    qualifier: str
    value: str


@attrs.frozen(slots=True)
class DateReference:
    """DTM: a qualified date (472 service, 150/151 period, 232/233 statement, 405 production)."""

    qualifier: str
    date: date | None  # None when the sender's date could not be read (reported)


@attrs.frozen(slots=True)
class QualifiedValue:
    """AMT or QTY (qualifier and number), or a numbered figure of TS3/TS2/MIA (qualifier = refdes)."""

    qualifier: str
    value: Decimal


@attrs.frozen(slots=True)
class Remark:
    """A remark code: LQ (qualifier HE = RARC, RX = NCPDP reject) or from MOA/MIA (HE)."""

    qualifier: str
    code: str


@attrs.frozen(slots=True)
class Contact:
    """PER: a contact function (CX, BL, IC), a name, and (qualifier, number) pairs."""

    function: str
    name: str
    numbers: tuple[tuple[str, str], ...] = ()


@attrs.frozen(slots=True)
class Adjustment:
    """One CAS triplet: group (CAS01), reason (CARC), amount and optional quantity.

    A positive amount reduces the payment; a negative one increases it (reversals, interest).
    """

    group: AdjustmentGroup | str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@attrs.frozen(slots=True)
class ProviderAdjustment:
    """One PLB reason/amount pair. PLB03 is a composite ``reason:reference``.

    A positive amount reduces the payment (a recoupment, WO overpayment recovery); a negative one
    adds to it (L6 interest, a refund).
    """

    provider_identifier: str
    fiscal_period_end: date | None
    reason: str
    reference: str
    amount: Decimal
    position: int = 0


# -- parties -----------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Address:
    lines: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@attrs.frozen(slots=True)
class RemittanceDelivery:
    """RDM: how the payee receives the remittance advice when it travels apart from the money."""

    method: str
    name: str
    address: str


@attrs.frozen(slots=True)
class Party:
    """Payer (1000A, N1*PR) or payee (1000B, N1*PE): organisations, not PHI."""

    role: str
    name: str
    id_qualifier: str = ""
    identifier: str = ""
    address: Address = Address()
    references: tuple[Reference, ...] = ()
    contacts: tuple[Contact, ...] = ()
    delivery: RemittanceDelivery | None = None


@attrs.frozen(slots=True)
class ClaimParty:
    """An NM1 of loop 2100: QC patient, IL insured, 74 corrected patient/insured, 82 rendering
    provider, TT crossover carrier, PR corrected priority payer, GB other subscriber.

    Names and identifiers of people are PHI: repr() hides them; renderers mask them.
    """

    role: str
    entity_type: str = ""
    last_name: str = attrs.field(default="", repr=_masked)
    first_name: str = attrs.field(default="", repr=_masked)
    middle_name: str = attrs.field(default="", repr=_masked)
    suffix: str = ""
    id_qualifier: str = ""
    identifier: str = attrs.field(default="", repr=_masked)


# -- adjudication details ------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Procedure:
    """SVC01 (adjudicated) or SVC06 (as submitted, when the payer changed it)."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""

    def render(self) -> str:
        return ":".join((self.qualifier, self.code, *self.modifiers))


@attrs.frozen(slots=True)
class OutpatientAdjudication:
    """MOA: outpatient adjudication details; its remark codes are RARCs about the whole claim."""

    reimbursement_rate: Decimal | None = None
    hcpcs_payable: Decimal | None = None
    remarks: tuple[str, ...] = ()
    esrd_payment: Decimal | None = None
    nonpayable_professional: Decimal | None = None


@attrs.frozen(slots=True)
class InpatientAdjudication:
    """MIA: inpatient adjudication details. MIA01 covered days and MIA04 DRG amount are named;
    every other figure is kept by its refdes (``MIA02``...)."""

    covered_days: Decimal | None = None
    drg_amount: Decimal | None = None
    remarks: tuple[str, ...] = ()
    figures: tuple[QualifiedValue, ...] = ()


@attrs.frozen(slots=True)
class HeaderNumber:
    """Loop 2000: LX groups claims (by bill type, for example) with optional TS3/TS2 totals.

    TS3's provider, facility, fiscal period end, claim count and total charge are named; the other
    TS3 and all TS2 figures are kept by refdes.
    """

    number: str
    provider_identifier: str = ""
    facility_code: str = ""
    fiscal_period_end: date | None = None
    claim_count: Decimal | None = None
    total_charge: Decimal | None = None
    figures: tuple[QualifiedValue, ...] = ()


# The statuses whose outcome is their own, whatever was paid (a dict: the CSV asks every claim).
_STATUS_OUTCOMES: dict[str, str] = {
    ClaimStatus.REVERSAL: "reversed",
    ClaimStatus.DENIED: "denied",
    ClaimStatus.NOT_OUR_CLAIM: "not ours",
    ClaimStatus.PREDETERMINATION: "priced only",
}


# -- claims and lines ----------------------------------------------------------------------------


def _sum_adjustments(adjustments: tuple[Adjustment, ...]) -> Decimal:
    total = ZERO
    for adjustment in adjustments:
        total += adjustment.amount
    return total


def service_date(dates: tuple[DateReference, ...]) -> date | None:
    """A line's date of service among its DTMs: DTM*472 (single date), else DTM*150 (start of a
    period); None when it has neither with a readable date."""
    for qualifier in ("472", "150"):
        for dated in dates:
            if dated.qualifier == qualifier and dated.date is not None:
                return dated.date
    return None


@attrs.frozen(slots=True)
class ServicePayment:
    """Loop 2110: one service line as adjudicated (SVC and what follows it)."""

    position: int
    procedure: Procedure
    charge: Decimal | None
    paid: Decimal | None
    units: Decimal | None = None  # SVC05; absent means one unit (TR3)
    line_control_number: str = ""  # REF*6R: the line item control number our 837 sent
    revenue_code: str = ""  # SVC04
    original_procedure: Procedure | None = None  # SVC06, when the payer adjudicated another code
    original_units: Decimal | None = None  # SVC07
    dates: tuple[DateReference, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    references: tuple[Reference, ...] = ()  # every REF but the (first) 6R
    amounts: tuple[QualifiedValue, ...] = ()
    quantities: tuple[QualifiedValue, ...] = ()
    remarks: tuple[Remark, ...] = ()

    def reference(self, qualifier: str) -> str | None:
        if qualifier == "6R" and self.line_control_number:
            return self.line_control_number
        for ref in self.references:
            if ref.qualifier == qualifier:
                return ref.value
        return None

    @property
    def paid_units(self) -> Decimal:
        return self.units if self.units is not None else Decimal(1)

    @property
    def service_date(self) -> date | None:
        """DTM*472 (single date) or DTM*150 (start of a period)."""
        return service_date(self.dates)

    @property
    def adjustment_total(self) -> Decimal:
        return _sum_adjustments(self.adjustments)


@attrs.frozen(slots=True)
class ClaimPayment:
    """Loop 2100: one claim as adjudicated (CLP and what follows it), with its service lines."""

    position: int
    patient_control_number: str  # CLP01 = our CLM01
    status: ClaimStatus | str
    charge: Decimal | None
    paid: Decimal | None
    patient_responsibility: Decimal | None = None
    filing_indicator: str = ""
    payer_claim_number: str = ""  # CLP07, needed to correct or void the claim
    facility_code: str = ""
    frequency: str = ""
    drg_code: str = ""
    drg_weight: Decimal | None = None
    discharge_fraction: Decimal | None = None
    adjustments: tuple[Adjustment, ...] = ()
    parties: tuple[ClaimParty, ...] = ()
    inpatient: InpatientAdjudication | None = None
    outpatient: OutpatientAdjudication | None = None
    references: tuple[Reference, ...] = ()
    dates: tuple[DateReference, ...] = ()
    contacts: tuple[Contact, ...] = ()
    amounts: tuple[QualifiedValue, ...] = ()
    quantities: tuple[QualifiedValue, ...] = ()
    lines: tuple[ServicePayment, ...] = ()
    header: HeaderNumber | None = None

    def party(self, role: str) -> ClaimParty | None:
        for party in self.parties:
            if party.role == role:
                return party
        return None

    @property
    def patient(self) -> ClaimParty | None:
        return self.party("QC")

    @property
    def insured(self) -> ClaimParty | None:
        return self.party("IL")

    @property
    def rendering_provider(self) -> ClaimParty | None:
        return self.party("82")

    @property
    def remarks(self) -> tuple[Remark, ...]:
        """Claim-level RARCs (MOA, MIA)."""
        outpatient, inpatient = self.outpatient, self.inpatient
        if outpatient is None and inpatient is None:
            return ()  # most claims: every renderer asks, once a claim
        codes: list[str] = []
        if outpatient is not None:
            codes.extend(outpatient.remarks)
        if inpatient is not None:
            codes.extend(inpatient.remarks)
        return tuple(Remark("HE", code) for code in codes)

    @property
    def adjustment_total(self) -> Decimal:
        """Claim-level and line-level CAS amounts together (what the claim balance compares)."""
        total = _sum_adjustments(self.adjustments)
        for line in self.lines:
            total += line.adjustment_total
        return total

    @property
    def outcome(self) -> str:
        """In a coordinator's words: paid, partly paid, denied, reversed, forwarded, priced only."""
        named = _STATUS_OUTCOMES.get(self.status)
        if named is not None:
            return named
        paid, charge = self.paid, self.charge
        if paid is None or charge is None:
            return "unknown"
        if paid == ZERO and charge != ZERO:
            return "denied"
        return "paid" if paid >= charge else "partly paid"


# -- the payment ---------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Banking:
    """BPR06-BPR15: the sending and receiving bank accounts of an electronic payment."""

    sender_dfi_qualifier: str = ""
    sender_dfi: str = ""
    sender_account_qualifier: str = ""
    sender_account: str = attrs.field(default="", repr=_masked)
    originating_company: str = ""
    originating_company_supplemental: str = ""
    receiver_dfi_qualifier: str = ""
    receiver_dfi: str = ""
    receiver_account_qualifier: str = ""
    receiver_account: str = attrs.field(default="", repr=_masked)


@attrs.frozen(slots=True)
class Remittance:
    """The header of one 835 transaction set: the payment (BPR), its trace (TRN), the parties."""

    position: int  # of the ST segment
    control_number: str  # ST02
    version: str  # ST03 or GS08
    handling_code: str  # BPR01: I remittance with payment, H notification only, C/D payment...
    payment_amount: Decimal | None  # BPR02
    credit_debit: str  # BPR03: C credit, D debit
    payment_method: PaymentMethod | str  # BPR04
    payment_format: str = ""  # BPR05: CCP, CTX
    payment_date: date | None = None  # BPR16: the effective (check issue or EFT) date
    banking: Banking = Banking()
    trace_number: str = ""  # TRN02: check or EFT trace number
    trace_originator: str = ""  # TRN03
    trace_reference: str = ""  # TRN04
    currency: str = ""  # CUR02
    references: tuple[Reference, ...] = ()
    dates: tuple[DateReference, ...] = ()
    payer: Party = Party("PR", "")
    payee: Party = Party("PE", "")
    interchange_control_number: str = ""  # ISA13
    group_control_number: str = ""  # GS06

    @property
    def production_date(self) -> date | None:
        for dated in self.dates:
            if dated.qualifier == "405":
                return dated.date
        return None

    @property
    def signed_payment_amount(self) -> Decimal | None:
        """BPR02 with BPR03 applied: a debit (D) is money flowing back to the payer."""
        if self.payment_amount is None:
            return None
        return -self.payment_amount if self.credit_debit == "D" else self.payment_amount


@attrs.frozen(slots=True)
class RemittanceTotals:
    """The trailer of one transaction: PLB adjustments, totals, balance, problems found."""

    control_number: str
    claim_count: int
    line_count: int
    total_charge: Decimal  # sum of CLP03
    total_paid: Decimal  # sum of CLP04
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    issues: tuple[Issue, ...] = ()

    @property
    def provider_adjustment_total(self) -> Decimal:
        total = ZERO
        for adjustment in self.provider_adjustments:
            total += adjustment.amount
        return total

    @property
    def expected_payment(self) -> Decimal:
        """What BPR02 must be: the claims' payments less the provider-level adjustments."""
        return self.total_paid - self.provider_adjustment_total


@attrs.frozen(slots=True)
class RemittanceAdvice:
    """One whole transaction, gathered (tests, small files). Large files are read as a stream."""

    header: Remittance
    claims: tuple[ClaimPayment, ...]
    totals: RemittanceTotals

    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.totals.issues


RemitEvent = Remittance | ClaimPayment | RemittanceTotals
