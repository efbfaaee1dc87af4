"""The parts of an 835 transaction around its claims: the payment header (BPR, TRN, CUR, REF,
DTM), the payer and payee loops (1000A, 1000B), the header number loops (LX, TS3, TS2), and the
provider-level adjustments (PLB). These are few per transaction, so they are read one segment
at a time, plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from edi837 import catalogue
from edi837.model.remittance import (
    ZERO,
    Address,
    Banking,
    Contact,
    DateReference,
    HeaderNumber,
    Party,
    PaymentMethod,
    ProviderAdjustment,
    QualifiedValue,
    Reference,
    Remittance,
    RemittanceDelivery,
    RemittanceTotals,
)
from edi837.remit835 import balance
from edi837.remit835.fields import FieldReader
from edi837.x12 import spec
from edi837.x12.datatypes import plain
from edi837.x12.log import IssueLog
from edi837.x12.spec import picker
from edi837.x12.transactions import Placed

BPR = picker("BPR", *(f"BPR{n:02d}" for n in range(1, 17)))  # BPR06-BPR15: the banking details
TRN = picker("TRN", "TRN02", "TRN03", "TRN04")
CUR02 = picker("CUR", "CUR02")
DTM = picker("DTM", "DTM01", "DTM02")
N1 = picker("N1", "N101", "N102", "N103", "N104")
N3 = picker("N3", "N301", "N302")
N4 = picker("N4", "N401", "N402", "N403", "N404")
RDM = picker("RDM", "RDM01", "RDM02", "RDM03")
LX01 = picker("LX", "LX01")
TS3 = picker("TS3", "TS301", "TS302", "TS303", "TS304", "TS305")
# the TS3 and TS2 figures that have no name of their own, kept by refdes
TS3_FIGURES = picker("TS3", *(r for r in spec.segment("TS3").refs("R") if r not in TS3.refs))
TS2_FIGURES = picker("TS2", *spec.segment("TS2").refs("R"))
PLB = picker("PLB", *(f"PLB{n:02d}" for n in range(1, 15)))
# the six (adjustment identifier, amount) pairs of a PLB: PLB03/PLB04 ... PLB13/PLB14
PLB_PAIRS = tuple((f"PLB{n:02d}", f"PLB{n + 1:02d}") for n in range(3, 15, 2))
ADJUSTMENT_ID = picker("PLB03", "PLB03-1", "PLB03-2")  # every pair's composite is a C042

_METHODS: dict[str, PaymentMethod] = {member.value: member for member in PaymentMethod}


class _PartyBuilder:
    """Payer or payee, gathered from N1, N3, N4, REF, PER and RDM."""

    __slots__ = (
        "address",
        "city",
        "contacts",
        "country",
        "delivery",
        "id_qualifier",
        "identifier",
        "name",
        "postal",
        "references",
        "role",
        "state",
    )

    def __init__(self, role: str, name: str = "", id_qualifier: str = "", identifier: str = ""):
        self.role = role
        self.name = name
        self.id_qualifier = id_qualifier
        self.identifier = identifier
        self.address: list[str] = []
        self.city = self.state = self.postal = self.country = ""
        self.references: list[Reference] = []
        self.contacts: list[Contact] = []
        self.delivery: RemittanceDelivery | None = None

    def build(self) -> Party:
        return Party(
            role=self.role,
            name=self.name,
            id_qualifier=self.id_qualifier,
            identifier=self.identifier,
            address=Address(
                lines=tuple(self.address),
                city=self.city,
                state=self.state,
                postal_code=self.postal,
                country=self.country,
            ),
            references=tuple(self.references),
            contacts=tuple(self.contacts),
            delivery=self.delivery,
        )


class HeaderDecoder(FieldReader):
    """Gathers the header of one transaction; builds :class:`Remittance` when asked."""

    def __init__(self, log: IssueLog, component: str, st_position: int) -> None:
        super().__init__(log, component)
        self.bpr: list[str] | None = None
        self.bpr_position = st_position
        self._trn: list[str] = []
        self._currency = ""
        self._references: list[Reference] = []
        self._dates: list[DateReference] = []
        self._payer: _PartyBuilder | None = None
        self._payee: _PartyBuilder | None = None
        self._lx: list[Placed] = []  # LX, TS3, TS2 of the current 2000 loop
        self._header_number: HeaderNumber | None = None
        self._adjustments: list[ProviderAdjustment] = []

    def handlers(self) -> dict[tuple[str, str], Callable[[Placed], None]]:
        """What this decoder reads, by (loop ID, segment ID)."""
        table: dict[tuple[str, str], Callable[[Placed], None]] = {
            ("ST", "BPR"): self._bpr,
            ("ST", "TRN"): self._trn_segment,
            ("ST", "CUR"): self._cur,
            ("ST", "REF"): self._ref,
            ("ST", "DTM"): self._dtm,
            ("2000", "TS3"): self._ts,
            ("2000", "TS2"): self._ts,
        }
        for loop_id in ("1000A", "1000B"):
            table.update(
                {
                    (loop_id, "N1"): self._n1,
                    (loop_id, "N3"): self._n3,
                    (loop_id, "N4"): self._n4,
                    (loop_id, "REF"): self._party_ref,
                    (loop_id, "PER"): self._party_per,
                    (loop_id, "RDM"): self._rdm,
                }
            )
        return table

    # -- BPR, TRN, CUR, REF, DTM --------------------------------------------------------------------
    def _bpr(self, placed: Placed) -> None:
        position, elements = placed.position, placed.elements
        self.bpr = elements
        self.bpr_position = position

    def _trn_segment(self, placed: Placed) -> None:
        elements = placed.elements
        self._trn = elements

    def _cur(self, placed: Placed) -> None:
        elements = placed.elements
        (self._currency,) = CUR02(elements)

    def _ref(self, placed: Placed) -> None:
        elements = placed.elements
        self._references.append(self.reference(elements))

    def _dtm(self, placed: Placed) -> None:
        qualifier, text = DTM(placed.elements)
        value = self.date(text, "DTM02", placed.position, placed.path)
        self._dates.append(DateReference(qualifier, value))

    # -- 1000A payer, 1000B payee -----------------------------------------------------------------------
    def _party(self, placed: Placed) -> _PartyBuilder | None:
        return self._payer if placed.loop_id == "1000A" else self._payee

    def _n1(self, placed: Placed) -> None:
        position, elements = placed.position, placed.elements
        role, name, qualifier, identifier = N1(elements)
        if self._party(placed) is not None:
            named = f"N1*{role}" if role in ("PR", "PE") else "N1"
            message = f"a second {named}; the first one is kept"
            self.warn(catalogue.PARTY, message, position, "N1", placed.path)
            return
        party = _PartyBuilder(role, name, qualifier, identifier)
        if placed.loop_id == "1000A":
            self._payer = party
        else:
            self._payee = party

    def _n3(self, placed: Placed) -> None:
        elements = placed.elements
        party = self._party(placed)
        if party is not None:
            party.address.extend(line for line in N3(elements) if line)

    def _n4(self, placed: Placed) -> None:
        elements = placed.elements
        party = self._party(placed)
        if party is not None:
            party.city, party.state, party.postal, party.country = N4(elements)

    def _party_ref(self, placed: Placed) -> None:
        elements = placed.elements
        party = self._party(placed)
        if party is not None:
            party.references.append(self.reference(elements))

    def _party_per(self, placed: Placed) -> None:
        elements = placed.elements
        party = self._party(placed)
        if party is not None:
            party.contacts.append(self.contact(elements))

    def _rdm(self, placed: Placed) -> None:
        elements = placed.elements
        party = self._party(placed)
        if party is not None:
            party.delivery = RemittanceDelivery(*RDM(elements))

    def build(
        self,
        *,
        st_position: int,
        control_number: str,
        version: str,
        interchange_control_number: str,
        group_control_number: str,
    ) -> Remittance:
        bpr = self.bpr or []
        position = self.bpr_position
        handling, payment, credit_debit, method_text, payment_format, *banking, paid_on = BPR(bpr)
        amount = self.amount(payment, "BPR02", position, "", required=True) if bpr else None
        method: PaymentMethod | str | None = _METHODS.get(method_text)
        if method is None:
            if bpr:
                self.unknown_code(method_text, "BPR04", position, "")
            method = method_text
        trace_number, trace_originator, trace_reference = TRN(self._trn)
        return Remittance(
            position=st_position,
            control_number=control_number,
            version=version,
            handling_code=handling,
            payment_amount=amount,
            credit_debit=credit_debit,
            payment_method=method,
            payment_format=payment_format,
            payment_date=self.date(paid_on, "BPR16", position, ""),
            banking=Banking(*banking),
            trace_number=trace_number,
            trace_originator=trace_originator,
            trace_reference=trace_reference,
            currency=self._currency,
            references=tuple(self._references),
            dates=tuple(self._dates),
            payer=(self._payer or _PartyBuilder("PR")).build(),
            payee=(self._payee or _PartyBuilder("PE")).build(),
            interchange_control_number=interchange_control_number,
            group_control_number=group_control_number,
        )

    def finish(self, position: int, header: Remittance, totals: RemittanceTotals) -> None:
        """At SE (``position``): is there a payment, and does it balance with the claims?"""
        if self.bpr is None:
            message = "the transaction has no BPR segment"
            self.warn(catalogue.MISSING_835, message, position, "SE")
        difference = balance.transaction_difference(header, totals)
        if difference is not None:
            self.warn(
                catalogue.BALANCE_TRANSACTION,
                f"BPR02 payment {plain(header.payment_amount or ZERO, 2)} does not equal the "
                f"claims' payments {plain(totals.total_paid, 2)} less provider adjustments "
                f"{plain(totals.provider_adjustment_total, 2)} "
                f"(= {plain(totals.expected_payment, 2)}); {plain(difference, 2)} unaccounted for",
                self.bpr_position,
                "BPR" if self.bpr is not None else "ST",
            )

    def provider_adjustments(self) -> tuple[ProviderAdjustment, ...]:
        """The PLB adjustments read so far."""
        return tuple(self._adjustments)

    # -- 2000: LX, TS3, TS2 -----------------------------------------------------------------------------
    def lx(self, placed: Placed) -> None:
        self._lx = [placed]
        self._header_number = None

    def _ts(self, placed: Placed) -> None:
        """TS3 or TS2: one of each per header number loop. A repeat (TS3 between the claims, say)
        is reported and skipped: kept, each would make a new header number for the claims after
        it, built from every one before, which made 4,000 claims take a minute."""
        seg_id = placed.seg_id
        if any(earlier.seg_id == seg_id for earlier in self._lx):
            number = (
                f" (LX at segment {self._lx[0].position})" if self._lx[0].seg_id == "LX" else ""
            )
            message = f"a second {seg_id} in the header number loop 2000{number}; it was skipped"
            self.warn(catalogue.SEGMENT_835, message, placed.position, seg_id, placed.path)
            return
        self._lx.append(placed)
        self._header_number = None

    def header_number(self) -> HeaderNumber | None:
        """The 2000 loop the next claim belongs to (built once, shared by its claims)."""
        if self._header_number is None and self._lx:
            self._header_number = self._build_header_number()
        return self._header_number

    def _build_header_number(self) -> HeaderNumber:
        number, provider, facility = "", "", ""
        fiscal: date | None = None
        count: Decimal | None = None
        charge: Decimal | None = None
        figures: list[QualifiedValue] = []
        for placed in self._lx:
            position, elements, loop = placed.position, placed.elements, placed.path
            if elements[0] == "LX":
                (number,) = LX01(elements)
            elif elements[0] == "TS3":
                provider, facility, fiscal_text, count_text, charge_text = TS3(elements)
                fiscal = self.date(fiscal_text, "TS303", position, loop)
                count = self.amount(count_text, "TS304", position, loop)
                charge = self.amount(charge_text, "TS305", position, loop)
                figures.extend(self.figures(TS3_FIGURES, elements, position, loop))
            else:
                figures.extend(self.figures(TS2_FIGURES, elements, position, loop))
        return HeaderNumber(
            number=number,
            provider_identifier=provider,
            facility_code=facility,
            fiscal_period_end=fiscal,
            claim_count=count,
            total_charge=charge,
            figures=tuple(figures),
        )

    # -- PLB ------------------------------------------------------------------------------------------
    def plb(self, placed: Placed) -> None:
        """Each of the up to six (reason:reference, amount) pairs is one ProviderAdjustment."""
        position, elements, loop = placed.position, placed.elements, placed.path
        provider, fiscal_text, *pairs = PLB(elements)
        fiscal = self.date(fiscal_text, "PLB02", position, loop)
        for composite, text, (code_ref, amount_ref) in zip(
            pairs[0::2], pairs[1::2], PLB_PAIRS, strict=True
        ):
            if not composite and not text:
                continue
            amount = self.amount(text, amount_ref, position, loop, required=True)
            if amount is None:
                continue
            reason, reference = ADJUSTMENT_ID(composite.split(self.component))
            if not reason:
                message = f"{code_ref} has no adjustment reason code"
                self.warn(catalogue.MISSING_835, message, position, "PLB", loop)
            self._adjustments.append(
                ProviderAdjustment(
                    provider_identifier=provider,
                    fiscal_period_end=fiscal,
                    reason=reason,
                    reference=reference,
                    amount=amount,
                    position=position,
                )
            )
