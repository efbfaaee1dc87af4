"""Build a :class:`ClaimPayment` and its :class:`ServicePayment` lines from raw segments.

This is the hot path of the 835 reader: it runs once per claim and once per line of files that
can hold hundreds of thousands of claims. So the code reads each claim's segments in one loop
with local variables, looks amounts up in the parsed-value cache before parsing, and shares the
frozen values that repeat in a remittance (procedures, dates, adjustments, AMT/QTY values) from
small bounded caches instead of building them again. The balance of each line and claim is
checked here, where the sums are at hand.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from edi837 import catalogue
from edi837.model.remittance import (
    ZERO,
    Adjustment,
    AdjustmentGroup,
    ClaimParty,
    ClaimPayment,
    ClaimStatus,
    Contact,
    DateReference,
    HeaderNumber,
    InpatientAdjudication,
    OutpatientAdjudication,
    Procedure,
    QualifiedValue,
    Reference,
    Remark,
    ServicePayment,
)
from edi837.remit835.balance import unaccounted
from edi837.remit835.fields import FieldReader
from edi837.remit835.log import IssueLog, shown
from edi837.remit835.positions import (
    CAS01,
    CAS_TRIPLETS,
    CLP01,
    CLP02,
    CLP03,
    CLP04,
    CLP05,
    CLP06,
    CLP07,
    CLP08,
    CLP09,
    CLP11,
    CLP12,
    CLP13,
    CLP_WIDTH,
    DTM01,
    DTM02,
    LQ01,
    LQ02,
    MIA01,
    MIA04,
    MIA_FIGURES,
    MIA_REMARKS,
    MOA01,
    MOA02,
    MOA08,
    MOA09,
    MOA_REMARKS,
    NM1_WIDTH,
    NM101,
    NM102,
    NM103,
    NM104,
    NM105,
    NM107,
    NM108,
    NM109,
    PROC_CODE,
    PROC_DESCRIPTION,
    PROC_MODIFIERS,
    PROC_QUALIFIER,
    REF01,
    REF02,
    SVC01,
    SVC02,
    SVC03,
    SVC04,
    SVC05,
    SVC06,
    SVC07,
    SVC_WIDTH,
)
from edi837.remit835.values import known_decimal, money_text

Segment = tuple[int, list[str]]  # (position, elements)
K = TypeVar("K")
V = TypeVar("V")

CACHE_LIMIT = 2048  # entries per shared-value cache; cleared when full, so memory stays flat
_GROUPS: dict[str, AdjustmentGroup] = {member.value: member for member in AdjustmentGroup}
_STATUSES: dict[str, ClaimStatus] = {member.value: member for member in ClaimStatus}
_DTM_WIDTH = DTM02 + 1
_MIA_WIDTH = MIA_REMARKS[-1] + 1
_MOA_WIDTH = MOA09 + 1


def _remember(cache: dict[K, V], key: K, value: V) -> V:
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


class ClaimDecoder(FieldReader):
    """Decodes the claims of one transaction set; see the module docstring."""

    def __init__(self, log: IssueLog, component: str) -> None:
        super().__init__(log, component)
        self._procedures: dict[str, Procedure] = {}
        self._dates: dict[tuple[str, str], DateReference] = {}
        self._adjustments: dict[tuple[str, str, str, str], Adjustment] = {}
        self._values: dict[tuple[str, str], QualifiedValue] = {}

    # -- a claim ------------------------------------------------------------------------------------
    def claim(
        self,
        position: int,
        clp: list[str],
        segments: list[Segment],
        lines: list[list[Segment]],
        header: HeaderNumber | None,
    ) -> ClaimPayment:
        """Loop 2100: the CLP, the claim's other segments, and its lines (SVC first in each)."""
        if len(clp) < CLP_WIDTH:
            clp += [""] * (CLP_WIDTH - len(clp))
        pcn = clp[CLP01]
        if not pcn:
            message = "CLP01 (patient control number) is empty"
            self.warn(catalogue.MISSING_835, message, position, "CLP", "2100")
        raw_status = clp[CLP02]
        status: ClaimStatus | str | None = _STATUSES.get(raw_status)
        if status is None:
            self.unknown_code(raw_status, "CLP02", position, "2100", pcn)
            status = raw_status
        charge = known_decimal(clp[CLP03])
        if charge is None:
            charge = self.amount(clp[CLP03], "CLP03", position, "2100", pcn, required=True)
        paid = known_decimal(clp[CLP04])
        if paid is None:
            paid = self.amount(clp[CLP04], "CLP04", position, "2100", pcn, required=True)

        # Tuples grown by concatenation: a claim has none or one of most of these, and that
        # is cheaper than a list per kind turned into a tuple at the end.
        adjustments: tuple[Adjustment, ...] = ()
        parties: tuple[ClaimParty, ...] = ()
        references: tuple[Reference, ...] = ()
        dates: tuple[DateReference, ...] = ()
        contacts: tuple[Contact, ...] = ()
        amounts: tuple[QualifiedValue, ...] = ()
        quantities: tuple[QualifiedValue, ...] = ()
        inpatient: InpatientAdjudication | None = None
        outpatient: OutpatientAdjudication | None = None
        for at, elements in segments:
            seg_id = elements[0]
            if seg_id == "NM1":
                parties += (self._party(elements),)
            elif seg_id == "DTM":
                dates += (self._dated(elements, at, "2100", pcn),)
            elif seg_id == "CAS":
                adjustments += self._cas(elements, at, "2100", pcn)
            elif seg_id == "REF":
                references += (self.reference(elements),)
            elif seg_id == "AMT":
                amounts += self._qualified(elements, "AMT02", at, "2100", pcn)
            elif seg_id == "QTY":
                quantities += self._qualified(elements, "QTY02", at, "2100", pcn)
            elif seg_id == "MOA":
                outpatient = self._outpatient(elements, at, pcn)
            elif seg_id == "MIA":
                inpatient = self._inpatient(elements, at, pcn)
            elif seg_id == "PER":
                contacts += (self.contact(elements),)
            # the loop walker puts no other segment in loop 2100

        adjusted = ZERO
        for adjustment in adjustments:
            adjusted += adjustment.amount
        built: list[ServicePayment] = []
        for line in lines:
            service, line_adjusted = self._line(line, pcn)
            built.append(service)
            adjusted += line_adjusted

        amount = self.amount
        payment = ClaimPayment(
            position,
            pcn,
            status,
            charge,
            paid,
            amount(clp[CLP05], "CLP05", position, "2100", pcn) if clp[CLP05] else None,
            clp[CLP06],
            clp[CLP07],
            clp[CLP08],
            clp[CLP09],
            clp[CLP11],
            amount(clp[CLP12], "CLP12", position, "2100", pcn) if clp[CLP12] else None,
            amount(clp[CLP13], "CLP13", position, "2100", pcn) if clp[CLP13] else None,
            adjustments,
            parties,
            inpatient,
            outpatient,
            references,
            dates,
            contacts,
            amounts,
            quantities,
            tuple(built),
            header,
        )
        difference = unaccounted(charge, paid, adjusted)
        if difference is not None:
            self.warn(
                catalogue.BALANCE_CLAIM,
                f"charge {money_text(charge or ZERO)} - paid {money_text(paid or ZERO)} does not "
                f"equal the claim and line adjustments {money_text(adjusted)}; "
                f"{money_text(difference)} unaccounted for",
                position,
                "CLP",
                "2100",
                pcn,
            )
        return payment

    @staticmethod
    def _party(elements: list[str]) -> ClaimParty:
        if len(elements) < NM1_WIDTH:
            elements = elements + [""] * (NM1_WIDTH - len(elements))
        return ClaimParty(
            elements[NM101],
            elements[NM102],
            elements[NM103],
            elements[NM104],
            elements[NM105],
            elements[NM107],
            elements[NM108],
            elements[NM109],
        )

    def _inpatient(self, elements: list[str], position: int, pcn: str) -> InpatientAdjudication:
        padded = elements + [""] * (_MIA_WIDTH - len(elements))
        return InpatientAdjudication(
            self.amount(padded[MIA01], "MIA01", position, "2100", pcn),
            self.amount(padded[MIA04], "MIA04", position, "2100", pcn),
            tuple(padded[i] for i in MIA_REMARKS if padded[i]),
            self.figures(elements, MIA_FIGURES, position, "2100", pcn),
        )

    def _outpatient(self, elements: list[str], position: int, pcn: str) -> OutpatientAdjudication:
        padded = elements + [""] * (_MOA_WIDTH - len(elements))
        return OutpatientAdjudication(
            self.amount(padded[MOA01], "MOA01", position, "2100", pcn),
            self.amount(padded[MOA02], "MOA02", position, "2100", pcn),
            tuple(padded[i] for i in MOA_REMARKS if padded[i]),
            self.amount(padded[MOA08], "MOA08", position, "2100", pcn),
            self.amount(padded[MOA09], "MOA09", position, "2100", pcn),
        )

    # -- a service line -------------------------------------------------------------------------------
    def _line(self, segments: list[Segment], pcn: str) -> tuple[ServicePayment, Decimal]:
        """Loop 2110, and the sum of its adjustments (the claim's balance needs it)."""
        position, svc = segments[0]
        if len(svc) < SVC_WIDTH:
            svc += [""] * (SVC_WIDTH - len(svc))
        if not svc[SVC01]:
            message = "SVC01 (procedure) is empty"
            self.warn(catalogue.MISSING_835, message, position, "SVC", "2110", pcn)
        charge = known_decimal(svc[SVC02])
        if charge is None:
            charge = self.amount(svc[SVC02], "SVC02", position, "2110", pcn, required=True)
        paid = known_decimal(svc[SVC03])
        if paid is None:
            paid = self.amount(svc[SVC03], "SVC03", position, "2110", pcn, required=True)
        units: Decimal | None = None
        if svc[SVC05]:
            units = known_decimal(svc[SVC05])
            if units is None:
                units = self.amount(svc[SVC05], "SVC05", position, "2110", pcn)
        procedure = self._procedures.get(svc[SVC01]) or self._procedure(svc[SVC01])

        control = ""
        dates: tuple[DateReference, ...] = ()
        adjustments: tuple[Adjustment, ...] = ()
        references: tuple[Reference, ...] = ()
        amounts: tuple[QualifiedValue, ...] = ()
        quantities: tuple[QualifiedValue, ...] = ()
        remarks: tuple[Remark, ...] = ()
        date_cache = self._dates
        for at, elements in segments[1:]:
            seg_id = elements[0]
            if seg_id == "DTM":
                dated = (
                    date_cache.get((elements[DTM01], elements[DTM02]))
                    if len(elements) > DTM02
                    else None
                )
                dates += (dated or self._dated(elements, at, "2110", pcn),)
            elif seg_id == "REF":
                if not control and len(elements) > REF02 and elements[REF01] == "6R":
                    control = elements[REF02]
                else:
                    references += (self.reference(elements),)
            elif seg_id == "AMT":
                amounts += self._qualified(elements, "AMT02", at, "2110", pcn)
            elif seg_id == "CAS":
                adjustments += self._cas(elements, at, "2110", pcn)
            elif seg_id == "LQ":
                remarks += self._remark(elements, at, pcn)
            elif seg_id == "QTY":
                quantities += self._qualified(elements, "QTY02", at, "2110", pcn)
            # the loop walker puts no other segment in loop 2110

        line = ServicePayment(
            position,
            procedure,
            charge,
            paid,
            units,
            control,
            svc[SVC04],
            self._procedure(svc[SVC06]) if svc[SVC06] else None,
            self.amount(svc[SVC07], "SVC07", position, "2110", pcn) if svc[SVC07] else None,
            dates,
            adjustments,
            references,
            amounts,
            quantities,
            remarks,
        )
        adjusted = ZERO
        for adjustment in adjustments:
            adjusted += adjustment.amount
        difference = unaccounted(charge, paid, adjusted)
        if difference is not None:
            self.warn(
                catalogue.BALANCE_LINE,
                f"line charge {money_text(charge or ZERO)} - paid {money_text(paid or ZERO)} does "
                f"not equal its adjustments {money_text(adjusted)}; "
                f"{money_text(difference)} unaccounted for",
                position,
                "SVC",
                "2110",
                pcn,
            )
        return line, adjusted

    def _remark(self, elements: list[str], position: int, pcn: str) -> tuple[Remark, ...]:
        """LQ, as a tuple of none (code missing, reported) or one remark."""
        n = len(elements)
        code = elements[LQ02] if n > LQ02 else ""
        if not code:
            self.warn(
                catalogue.MISSING_835, "LQ02 (remark code) is empty", position, "LQ", "2110", pcn
            )
            return ()
        return (Remark(elements[LQ01] if n > LQ01 else "", code),)

    # -- shared values ----------------------------------------------------------------------------------
    def _procedure(self, text: str) -> Procedure:
        """SVC01 or SVC06, a composite ``qualifier:code:modifiers...:description``."""
        procedure = self._procedures.get(text)
        if procedure is None:
            parts = text.split(self.component)
            n = len(parts)
            procedure = Procedure(
                parts[PROC_QUALIFIER],
                parts[PROC_CODE] if n > PROC_CODE else "",
                tuple(m for m in parts[PROC_MODIFIERS] if m),
                parts[PROC_DESCRIPTION] if n > PROC_DESCRIPTION else "",
            )
            _remember(self._procedures, text, procedure)
        return procedure

    def _dated(self, elements: list[str], position: int, loop_id: str, pcn: str) -> DateReference:
        padded = elements + [""] * (_DTM_WIDTH - len(elements))
        key = (padded[DTM01], padded[DTM02])
        dated = self._dates.get(key)
        if dated is None:
            dated = DateReference(key[0], self.date(key[1], "DTM02", position, loop_id, pcn))
            if dated.date is not None or not key[1]:  # a bad date is reported every time
                _remember(self._dates, key, dated)
        return dated

    def _qualified(
        self, elements: list[str], ref: str, position: int, loop_id: str, pcn: str
    ) -> tuple[QualifiedValue, ...]:
        """AMT or QTY (a qualifier and a number), as a tuple of one, or none when unreadable."""
        n = len(elements)
        key = (elements[1] if n > 1 else "", elements[2] if n > 2 else "")
        value = self._values.get(key)
        if value is None:
            number = self.amount(key[1], ref, position, loop_id, pcn, required=True)
            if number is None:
                return ()
            value = _remember(self._values, key, QualifiedValue(key[0], number))
        return (value,)

    def _cas(
        self, elements: list[str], position: int, loop_id: str, pcn: str
    ) -> tuple[Adjustment, ...]:
        """The up to six (reason, amount, quantity) triplets of a CAS, each an Adjustment."""
        n = len(elements)
        raw_group = elements[CAS01] if n > CAS01 else ""
        group: AdjustmentGroup | str | None = _GROUPS.get(raw_group)
        if group is None:
            self.unknown_code(raw_group, "CAS01", position, loop_id, pcn)
            group = raw_group
        cache = self._adjustments
        found: tuple[Adjustment, ...] = ()
        for reason_at, amount_at, quantity_at in CAS_TRIPLETS:
            if reason_at >= n:
                break
            reason = elements[reason_at]
            amount_text = elements[amount_at] if amount_at < n else ""
            quantity_text = elements[quantity_at] if quantity_at < n else ""
            key = (raw_group, reason, amount_text, quantity_text)
            adjustment = cache.get(key)
            if adjustment is None:
                if not reason and not amount_text:
                    continue
                adjustment = self._adjustment(
                    group, key, (amount_at, quantity_at), position, loop_id, pcn
                )
                if adjustment is None:
                    continue
                if reason:
                    _remember(cache, key, adjustment)
            found += (adjustment,)
        return found

    def _adjustment(
        self,
        group: AdjustmentGroup | str,
        key: tuple[str, str, str, str],
        at: tuple[int, int],
        position: int,
        loop_id: str,
        pcn: str,
    ) -> Adjustment | None:
        """One CAS triplet, reported when its amount is missing or unreadable."""
        _, reason, amount_text, quantity_text = key
        amount = self.amount(amount_text, f"CAS{at[0]:02d}", position, loop_id, pcn)
        if amount is None:
            if not amount_text:
                message = (
                    f"adjustment reason {shown(reason) or '(empty)'} has no amount; it was skipped"
                )
                self.warn(catalogue.MISSING_835, message, position, "CAS", loop_id, pcn)
            return None
        if not reason:
            message = f"adjustment amount {shown(amount_text)} has no reason code"
            self.warn(catalogue.MISSING_835, message, position, "CAS", loop_id, pcn)
        quantity = (
            self.amount(quantity_text, f"CAS{at[1]:02d}", position, loop_id, pcn)
            if quantity_text
            else None
        )
        return Adjustment(group, reason, amount, quantity)
