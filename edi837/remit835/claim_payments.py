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
from edi837.errors import SpecError
from edi837.model.positional import positional
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
from edi837.remit835.fields import FieldReader
from edi837.x12 import spec
from edi837.x12.datatypes import R, plain
from edi837.x12.log import IssueLog, shown
from edi837.x12.spec import Picker, picker
from edi837.x12.transactions import Gathered

K = TypeVar("K")
V = TypeVar("V")

CACHE_LIMIT = 2048  # entries per shared-value cache; cleared when full, so memory stays flat
_GROUPS: dict[str, AdjustmentGroup] = {member.value: member for member in AdjustmentGroup}
_STATUSES: dict[str, ClaimStatus] = {member.value: member for member in ClaimStatus}

CLP = picker("CLP", *(f"CLP{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13)))
NM1 = picker("NM1", "NM101", "NM102", "NM103", "NM104", "NM105", "NM107", "NM108", "NM109")
MIA = picker("MIA", "MIA01", "MIA04", "MIA05", "MIA20", "MIA21", "MIA22", "MIA23")
MIA_FIGURES = picker(
    "MIA", *(r for r in spec.segment("MIA").refs("R") if r not in ("MIA01", "MIA04"))
)
MOA = picker("MOA", *(f"MOA{n:02d}" for n in range(1, 10)))
SVC = picker("SVC", *(f"SVC{n:02d}" for n in range(1, 8)))
# SVC01 and SVC06 are the same composite (C003): qualifier, code, four modifiers, description
PROCEDURE = picker("SVC01", *(f"SVC01-{n}" for n in range(1, 8)))
DTM = picker("DTM", "DTM01", "DTM02")
REF = picker("REF", "REF01", "REF02")
AMT = picker("AMT", "AMT01", "AMT02")
QTY = picker("QTY", "QTY01", "QTY02")
LQ = picker("LQ", "LQ01", "LQ02")
# CAS01, then six (reason, amount, quantity) triplets, each with its picker; a CAS mostly has one
CAS01 = picker("CAS", "CAS01")
CAS_TRIPLETS = tuple(
    (refs, picker("CAS", *refs))
    for refs in ((f"CAS{n:02d}", f"CAS{n + 1:02d}", f"CAS{n + 2:02d}") for n in range(2, 20, 3))
)
_known = R.known  # the parsed value of text read before, else None (see claim())
# the pickers of the segments met in every claim and line, picked in C when long enough
_NM1_FETCH, _NM1_WIDTH = NM1.fetch, NM1.width
_DTM_FETCH, _DTM_WIDTH = DTM.fetch, DTM.width
_REF_FETCH, _REF_WIDTH = REF.fetch, REF.width
_AMT_FETCH, _AMT_WIDTH = AMT.fetch, AMT.width
# CLP and SVC mostly come shorter than their pickers' width (trailing elements dropped): padded
# inline (``pads``), then picked in C, with no call of the picker
_CLP_FETCH, _CLP_WIDTH, _CLP_PADS = CLP.fetch, CLP.width, CLP.pads
_SVC_FETCH, _SVC_WIDTH, _SVC_PADS = SVC.fetch, SVC.width, SVC.pads
# ...and most often exactly this long (ID included): CLP01-CLP09, SVC01-SVC05, which then are
# the values their pickers pick, in order, the rest empty (``Picker.plain`` says up to which
# length that holds), so they are unpacked from the segment with no picking at all
CLP_PLAIN, SVC_PLAIN = 10, 6
if CLP.plain < CLP_PLAIN or SVC.plain < SVC_PLAIN or REF.plain < REF.width:
    raise SpecError("the CLP, SVC or REF picker no longer picks a plain segment in order")
# A CAS of one triplet (CAS01-CAS03, or to CAS04: CAS_ONE or one more elements) picked as the
# key its adjustment is remembered by: (group, reason, amount, quantity)
CAS_ONE = 4
CAS_KEY = picker("CAS", "CAS01", "CAS02", "CAS03", "CAS04")
_CAS_KEY_FETCH, _CAS_KEY_PADS = CAS_KEY.fetch, CAS_KEY.pads
# The three models built once per claim, line and party: each the same as calling the class with
# its fields in order, at the cost of plain slot stores (see edi837.model.positional)
new_claim_payment = positional(ClaimPayment)
new_service_payment = positional(ServicePayment)
new_claim_party = positional(ClaimParty)


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
        self._dates: dict[tuple[str, ...], DateReference] = {}
        self._adjustments: dict[tuple[str, str, str, str], Adjustment] = {}
        self._values: dict[tuple[str, ...], QualifiedValue] = {}

    # -- a claim ------------------------------------------------------------------------------------
    def claim(self, gathered: Gathered, header: HeaderNumber | None) -> ClaimPayment:
        """Loop 2100 read whole: the CLP, the claim's other segments, and its lines (2110, SVC
        first in each)."""
        loop = gathered.path
        assert gathered.opening is not None  # the stream gathers a claim from its CLP
        position, clp = gathered.opening
        if len(clp) == CLP_PLAIN:  # CLP01-CLP09, as most claims come: unpacked, no picking
            (
                _,
                patient_control_number,
                raw_status,
                charge_text,
                paid_text,
                responsibility,
                filing_indicator,
                payer_claim_number,
                facility_code,
                frequency,
            ) = clp
            drg_code = weight = fraction = ""
        else:
            (
                patient_control_number,
                raw_status,
                charge_text,
                paid_text,
                responsibility,
                filing_indicator,
                payer_claim_number,
                facility_code,
                frequency,
                drg_code,
                weight,
                fraction,
            ) = _CLP_FETCH(clp if len(clp) >= _CLP_WIDTH else clp + _CLP_PADS[len(clp)])
        pcn = patient_control_number
        if not pcn:
            message = "CLP01 (patient control number) is empty"
            self.warn(catalogue.MISSING_835, message, position, "CLP", loop)
        status: ClaimStatus | str | None = _STATUSES.get(raw_status)
        if status is None:
            self.unknown_code(raw_status, "CLP02", position, loop, pcn)
            status = raw_status
        known = _known
        charge = known(charge_text)
        if charge is None:
            charge = self.amount(charge_text, "CLP03", position, loop, pcn, required=True)
        paid = known(paid_text)
        if paid is None:
            paid = self.amount(paid_text, "CLP04", position, loop, pcn, required=True)

        # Lists, one per segment kind, made tuples once: a tuple grown by concatenation is
        # copied each time, which made a claim of 200,000 CAS take a minute.
        # Those most claims lack are made when needed.
        # A claim mostly has one NM1 and one DTM: kept as in _line() (``parties``, ``dates``
        # that one value's tuple while no list is needed).
        parties: tuple[ClaimParty, ...] = ()
        dates: tuple[DateReference, ...] = ()
        nm1: list[ClaimParty] | None = None
        dtm: list[DateReference] | None = None
        cas: list[Adjustment] | None = None
        ref: list[Reference] | None = None
        per: list[Contact] | None = None
        amt: list[QualifiedValue] | None = None
        qty: list[QualifiedValue] | None = None
        inpatient: InpatientAdjudication | None = None
        outpatient: OutpatientAdjudication | None = None
        for at, elements in gathered:
            seg_id = elements[0]
            if seg_id == "NM1":  # a party (loop 2100 NM1)
                (
                    role,
                    entity_type,
                    last_name,
                    first_name,
                    middle_name,
                    suffix,
                    id_qualifier,
                    identifier,
                ) = _NM1_FETCH(elements) if len(elements) >= _NM1_WIDTH else NM1(elements)
                named = new_claim_party(  # named as its fields, in order (see below)
                    role,
                    entity_type,
                    last_name,
                    first_name,
                    middle_name,
                    suffix,
                    id_qualifier,
                    identifier,
                )
                if nm1 is not None:
                    nm1.append(named)
                elif parties:
                    nm1 = [*parties, named]
                else:
                    parties = (named,)
            elif seg_id == "DTM":
                key = _DTM_FETCH(elements) if len(elements) >= _DTM_WIDTH else DTM(elements)
                dated = self._dates.get(key) or self._dated(elements, at, loop, pcn)
                if dtm is not None:
                    dtm.append(dated)
                elif dates:
                    dtm = [*dates, dated]
                else:
                    dates = (dated,)
            elif seg_id == "CAS":
                if cas is None:
                    cas = []
                cas += self._cas(elements, at, loop, pcn)
            elif seg_id == "REF":
                if ref is None:
                    ref = []
                ref.append(self.reference(elements))
            elif seg_id == "AMT":
                if amt is None:
                    amt = []
                amt += self._qualified(AMT, elements, "AMT02", at, loop, pcn)
            elif seg_id == "QTY":
                if qty is None:
                    qty = []
                qty += self._qualified(QTY, elements, "QTY02", at, loop, pcn)
            elif seg_id == "MOA":
                outpatient = self._outpatient(elements, at, loop, pcn)
            elif seg_id == "MIA":
                inpatient = self._inpatient(elements, at, loop, pcn)
            elif seg_id == "PER":
                if per is None:
                    per = []
                per.append(self.contact(elements))
            # the loop walker puts no other segment in loop 2100
        # (an empty or missing list made the empty tuple without a call)
        adjustments = tuple(cas) if cas else ()
        if nm1 is not None:
            parties = tuple(nm1)
        references = tuple(ref) if ref else ()
        if dtm is not None:
            dates = tuple(dtm)
        contacts = tuple(per) if per else ()
        amounts = tuple(amt) if amt else ()
        quantities = tuple(qty) if qty else ()

        adjusted = ZERO  # stays the ZERO object while nothing is adjusted (see below)
        for adjustment in adjustments:
            adjusted += adjustment.amount
        built: list[ServicePayment] = []
        line_of = self._line
        for line in gathered.children:
            service, line_adjusted = line_of(line, pcn)
            built.append(service)
            if line_adjusted is not ZERO:
                adjusted += line_adjusted

        amount = self.amount
        patient_responsibility = (
            amount(responsibility, "CLP05", position, loop, pcn) if responsibility else None
        )
        drg_weight = amount(weight, "CLP12", position, loop, pcn) if weight else None
        discharge_fraction = amount(fraction, "CLP13", position, loop, pcn) if fraction else None
        lines = tuple(built)
        # Positional, each argument a variable named as its field, in the model's order
        # (tests/test_remit835_construction.py holds this call, the line's and the party's to
        # that): CPython 3.11 hands keyword arguments to a class through a dict, about half a
        # microsecond each, and this runs once per claim and line of files of 100,000 claims.
        payment = new_claim_payment(
            position,
            patient_control_number,
            status,
            charge,
            paid,
            patient_responsibility,
            filing_indicator,
            payer_claim_number,
            facility_code,
            frequency,
            drg_code,
            drg_weight,
            discharge_fraction,
            adjustments,
            parties,
            inpatient,
            outpatient,
            references,
            dates,
            contacts,
            amounts,
            quantities,
            lines,
            header,
        )
        # unaccounted(), inline: with nothing adjusted (``adjusted`` still the ZERO object) the
        # claim balances exactly when charge equals paid (a difference of two decimals is zero
        # only when they are equal: rounding never makes a non-zero difference zero), so most
        # claims need no subtraction
        if (
            charge is not None
            and paid is not None
            and (adjusted is not ZERO or charge != paid)
            and (difference := charge - paid - adjusted)
        ):
            self.warn(
                catalogue.BALANCE_CLAIM,
                f"charge {plain(charge or ZERO, 2)} - paid {plain(paid or ZERO, 2)} does not "
                f"equal the claim and line adjustments {plain(adjusted, 2)}; "
                f"{plain(difference, 2)} unaccounted for",
                position,
                "CLP",
                loop,
                pcn,
            )
        return payment

    def _inpatient(
        self, elements: list[str], position: int, loop: str, pcn: str
    ) -> InpatientAdjudication:
        days, drg, *remarks = MIA(elements)
        return InpatientAdjudication(
            covered_days=self.amount(days, "MIA01", position, loop, pcn),
            drg_amount=self.amount(drg, "MIA04", position, loop, pcn),
            remarks=tuple(code for code in remarks if code),
            figures=self.figures(MIA_FIGURES, elements, position, loop, pcn),
        )

    def _outpatient(
        self, elements: list[str], position: int, loop: str, pcn: str
    ) -> OutpatientAdjudication:
        rate, payable, *remarks, esrd, nonpayable = MOA(elements)
        return OutpatientAdjudication(
            reimbursement_rate=self.amount(rate, "MOA01", position, loop, pcn),
            hcpcs_payable=self.amount(payable, "MOA02", position, loop, pcn),
            remarks=tuple(code for code in remarks if code),
            esrd_payment=self.amount(esrd, "MOA08", position, loop, pcn),
            nonpayable_professional=self.amount(nonpayable, "MOA09", position, loop, pcn),
        )

    # -- a service line -------------------------------------------------------------------------------
    def _line(self, gathered: Gathered, pcn: str) -> tuple[ServicePayment, Decimal]:
        """Loop 2110, and the sum of its adjustments (the claim's balance needs it)."""
        loop = gathered.path
        assert gathered.opening is not None  # a line is gathered from its SVC
        position, svc = gathered.opening
        if len(svc) == SVC_PLAIN:  # SVC01-SVC05, as most lines come: unpacked, no picking
            _, code, charge_text, paid_text, revenue_code, units_text = svc
            original = original_text = ""
        else:
            code, charge_text, paid_text, revenue_code, units_text, original, original_text = (
                _SVC_FETCH(svc if len(svc) >= _SVC_WIDTH else svc + _SVC_PADS[len(svc)])
            )
        if not code:
            message = "SVC01 (procedure) is empty"
            self.warn(catalogue.MISSING_835, message, position, "SVC", loop, pcn)
        known = _known
        charge = known(charge_text)
        if charge is None:
            charge = self.amount(charge_text, "SVC02", position, loop, pcn, required=True)
        paid = known(paid_text)
        if paid is None:
            paid = self.amount(paid_text, "SVC03", position, loop, pcn, required=True)
        units: Decimal | None = None
        if units_text:
            units = known(units_text)
            if units is None:
                units = self.amount(units_text, "SVC05", position, loop, pcn)
        procedure = self._procedures.get(code) or self._procedure(code)

        line_control_number = ""
        # lists made tuples once, as in claim(); those most lines lack are made when needed.
        # A line mostly has one DTM and one AMT: while it has no more, ``dates`` and
        # ``amounts`` are that one value's tuple, and no list is made (``dtm``/``amt`` None).
        dates: tuple[DateReference, ...] = ()
        amounts: tuple[QualifiedValue, ...] = ()
        dtm: list[DateReference] | None = None
        amt: list[QualifiedValue] | None = None
        cas: list[Adjustment] | None = None
        ref: list[Reference] | None = None
        qty: list[QualifiedValue] | None = None
        lq: list[Remark] | None = None
        date_cache, value_cache = self._dates, self._values
        for at, elements in gathered:
            seg_id = elements[0]
            if seg_id == "DTM":
                key = _DTM_FETCH(elements) if len(elements) >= _DTM_WIDTH else DTM(elements)
                dated = date_cache.get(key) or self._dated(elements, at, loop, pcn)
                if dtm is not None:
                    dtm.append(dated)
                elif dates:
                    dtm = [*dates, dated]
                else:
                    dates = (dated,)
            elif seg_id == "REF":
                if len(elements) == _REF_WIDTH:  # REF01, REF02 and no more: unpacked
                    _, qualifier, value = elements
                else:
                    qualifier, value = (
                        _REF_FETCH(elements) if len(elements) > _REF_WIDTH else REF(elements)
                    )
                if not line_control_number and qualifier == "6R" and value:
                    line_control_number = value
                elif ref is None:
                    ref = [Reference(qualifier, value)]
                else:
                    ref.append(Reference(qualifier, value))
            elif seg_id == "AMT":
                # a value read before, inline; else _qualified reads (and reports) it
                key = _AMT_FETCH(elements) if len(elements) >= _AMT_WIDTH else AMT(elements)
                known_value = value_cache.get(key)
                found = (
                    (known_value,)
                    if known_value is not None
                    else self._qualified(AMT, elements, "AMT02", at, loop, pcn)
                )
                if amt is not None:
                    amt += found
                elif amounts:
                    amt = [*amounts, *found]
                else:
                    amounts = found
            elif seg_id == "CAS":
                if cas is None:
                    cas = []
                cas += self._cas(elements, at, loop, pcn)
            elif seg_id == "LQ":
                if lq is None:
                    lq = []
                lq += self._remark(elements, at, loop, pcn)
            elif seg_id == "QTY":
                if qty is None:
                    qty = []
                qty += self._qualified(QTY, elements, "QTY02", at, loop, pcn)
            # the loop walker puts no other segment in loop 2110
        adjustments = tuple(cas) if cas else ()  # as in claim()
        if dtm is not None:
            dates = tuple(dtm)
        references = tuple(ref) if ref else ()
        if amt is not None:
            amounts = tuple(amt)
        quantities = tuple(qty) if qty else ()
        remarks = tuple(lq) if lq else ()

        original_procedure = self._procedure(original) if original else None
        original_units = (
            self.amount(original_text, "SVC07", position, loop, pcn) if original_text else None
        )
        line = new_service_payment(  # named as its fields, in order (see claim())
            position,
            procedure,
            charge,
            paid,
            units,
            line_control_number,
            revenue_code,
            original_procedure,
            original_units,
            dates,
            adjustments,
            references,
            amounts,
            quantities,
            remarks,
        )
        adjusted = ZERO  # stays the ZERO object while nothing is adjusted (see below)
        for adjustment in adjustments:
            adjusted += adjustment.amount
        if (  # unaccounted(), inline, as in claim()
            charge is not None
            and paid is not None
            and (adjusted is not ZERO or charge != paid)
            and (difference := charge - paid - adjusted)
        ):
            self.warn(
                catalogue.BALANCE_LINE,
                f"line charge {plain(charge or ZERO, 2)} - paid {plain(paid or ZERO, 2)} does "
                f"not equal its adjustments {plain(adjusted, 2)}; "
                f"{plain(difference, 2)} unaccounted for",
                position,
                "SVC",
                loop,
                pcn,
            )
        return line, adjusted

    def _remark(
        self, elements: list[str], position: int, loop: str, pcn: str
    ) -> tuple[Remark, ...]:
        """LQ, as a tuple of none (code missing, reported) or one remark."""
        qualifier, code = LQ(elements)
        if not code:
            message = "LQ02 (remark code) is empty"
            self.warn(catalogue.MISSING_835, message, position, "LQ", loop, pcn)
            return ()
        return (Remark(qualifier, code),)

    # -- shared values ----------------------------------------------------------------------------------
    def _procedure(self, text: str) -> Procedure:
        """SVC01 or SVC06, a composite ``qualifier:code:modifiers...:description``."""
        procedure = self._procedures.get(text)
        if procedure is None:
            qualifier, code, *modifiers, description = PROCEDURE(text.split(self.component))
            procedure = Procedure(qualifier, code, tuple(m for m in modifiers if m), description)
            _remember(self._procedures, text, procedure)
        return procedure

    def _dated(self, elements: list[str], position: int, loop: str, pcn: str) -> DateReference:
        key = DTM(elements)
        dated = self._dates.get(key)
        if dated is None:
            dated = DateReference(key[0], self.date(key[1], "DTM02", position, loop, pcn))
            if dated.date is not None or not key[1]:  # a bad date is reported every time
                _remember(self._dates, key, dated)
        return dated

    def _qualified(
        self,
        pick: Picker,
        elements: list[str],
        ref: str,
        position: int,
        loop: str,
        pcn: str,
    ) -> tuple[QualifiedValue, ...]:
        """AMT or QTY (a qualifier and a number), as a tuple of one, or none when unreadable."""
        key = pick(elements)
        value = self._values.get(key)
        if value is None:
            number = self.amount(key[1], ref, position, loop, pcn, required=True)
            if number is None:
                return ()
            value = _remember(self._values, key, QualifiedValue(key[0], number))
        return (value,)

    def _cas(
        self, elements: list[str], position: int, loop: str, pcn: str
    ) -> tuple[Adjustment, ...]:
        """The up to six (reason, amount, quantity) triplets of a CAS, each an Adjustment."""
        size = len(elements)
        one: tuple[str, ...] | None = None
        if size == CAS_ONE or size == CAS_ONE + 1:  # one triplet, as most come
            one = _CAS_KEY_FETCH(elements if size > CAS_ONE else elements + _CAS_KEY_PADS[size])
            raw_group = one[0]
        else:
            (raw_group,) = CAS01(elements)
        group: AdjustmentGroup | str | None = _GROUPS.get(raw_group)
        if group is None:
            self.unknown_code(raw_group, "CAS01", position, loop, pcn)
            group = raw_group
        cache = self._adjustments
        if one is not None:
            # read before: found by its key. Only triplets with a reason are remembered, so a
            # hit is what the loop below would find.
            adjustment = cache.get(one)  # type: ignore[arg-type]
            if adjustment is not None:
                return (adjustment,)
        found: tuple[Adjustment, ...] = ()
        for refs, triplet in CAS_TRIPLETS:
            if size <= triplet.width - 3:
                break  # the segment ends before this triplet
            reason, amount_text, quantity_text = triplet(elements)
            if not reason and not amount_text:
                continue
            key = (raw_group, reason, amount_text, quantity_text)
            adjustment = cache.get(key)
            if adjustment is None:
                adjustment = self._adjustment(group, key, refs, position, loop, pcn)
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
        refs: tuple[str, str, str],
        position: int,
        loop: str,
        pcn: str,
    ) -> Adjustment | None:
        """One CAS triplet, reported when its amount is missing or unreadable."""
        _, reason, amount_text, quantity_text = key
        amount = self.amount(amount_text, refs[1], position, loop, pcn)
        if amount is None:
            if not amount_text:
                message = f"adjustment reason {shown(reason, 5) if reason else '(empty)'} has no amount; it was skipped"
                self.warn(catalogue.MISSING_835, message, position, "CAS", loop, pcn)
            return None
        if not reason:
            message = f"adjustment amount {amount_text} has no reason code"  # read as a number
            self.warn(catalogue.MISSING_835, message, position, "CAS", loop, pcn)
        quantity = (
            self.amount(quantity_text, refs[2], position, loop, pcn) if quantity_text else None
        )
        return Adjustment(group, reason, amount, quantity)
