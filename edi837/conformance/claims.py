"""The 837P's own checks (SNIP 3 to 5), fed the placed segments of a transaction set.

A claim (2300 and its lines) is gathered as it is read and checked when it closes (at the next
claim, HL or SE): its total against its lines, its pointers, diagnoses and dates, its codes for
its dates of service. Checks that need one segment only (an NPI's check digit, a ZIP+4, a
taxonomy's shape, the HL tree) run when the segment comes. One claim is held at a time.

When a claim closes, :attr:`Context.on_claim` (if set) receives a :class:`ClaimOutcome`: what a
277CA preview needs to say whether the payer's front end would accept it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache
from operator import attrgetter

import attrs

from edi837.codes import icd10cm, pos
from edi837.conformance import snip3, snip4, snip5
from edi837.conformance.context import Context, Where
from edi837.conformance.rules import Rule
from edi837.model import identifiers
from edi837.x12.datatypes import DT, R
from edi837.x12.spec import picker

# the HI qualifiers of ICD-10-CM diagnoses on a professional claim (principal, other)
ICD10_QUALIFIERS = frozenset({"ABK", "ABF"})
FREQUENCIES = frozenset({"1", "7", "8"})
_MEMO_LIMIT = 4096  # answers remembered per check (lines, NPIs, codes on dates)
ZIP4_LOOPS = frozenset({"2010AA", "2310C", "2420C"})
HL_PARENTS = {"22": "20", "23": "22"}  # a subscriber sits under a billing provider...


@attrs.frozen(slots=True)
class ClaimOutcome:
    """A claim as read, and whether it had errors (for a 277CA preview)."""

    claim_id: str
    charge: str
    first_date: date | None
    last_date: date | None
    patient_last: str
    patient_first: str
    patient_id: str
    provider_name: str
    provider_npi: str
    errors: tuple[str, ...]  # the rule IDs of the errors found in the claim, in order
    position: int
    submitter: tuple[str, str] = ("", "")  # 1000A: name, ID
    payer: tuple[str, str] = ("", "")  # 2010BB: name, ID


class _Line:
    """A service line being read (a plain slotted class: a batch has many)."""

    __slots__ = ("charge", "dates", "loop", "place", "pointers", "position", "set_position")

    def __init__(self, position: int, set_position: int, loop: str) -> None:
        self.position = position  # of its SV1 (of its LX until the SV1 comes)
        self.set_position = set_position
        self.loop = loop
        self.charge: Decimal | None = None
        self.pointers: tuple[str, ...] = ()
        self.place = ""
        self.dates: tuple[date, date] | None = None

    @property
    def where(self) -> Where:
        return Where(self.position, self.set_position, self.loop, "SV1")


@attrs.define(slots=True)
class _Claim:
    claim_id: str
    where: Where
    charge: Decimal | None
    charge_text: str
    place: str
    frequency: str
    patient_birth: tuple[date, Where] | None
    has_f8: bool = False
    diagnoses: list[tuple[str, str, Where]] = attrs.field(factory=list)  # (code, ref, where)
    lines: list[_Line] = attrs.field(factory=list)
    rules: list[str] = attrs.field(factory=list)


_BHT04 = picker("BHT", "BHT04")
_HL = picker("HL", "HL01", "HL02", "HL03", "HL04")
_NM1 = picker("NM1", "NM101", "NM103", "NM104", "NM108", "NM109")
_N403 = picker("N4", "N403")
_PRV = picker("PRV", "PRV02", "PRV03")
_DMG = picker("DMG", "DMG01", "DMG02")
_CLM = picker("CLM", "CLM01", "CLM02", "CLM05")
_CLM05 = picker("CLM05", "CLM05-1", "CLM05-3")
_REF01 = picker("REF", "REF01")
_HI_REFS = tuple(f"HI{n:02d}" for n in range(1, 13))
_HI = picker("HI", *_HI_REFS)
_HI_CODES = {ref: picker(ref, f"{ref}-1", f"{ref}-2") for ref in _HI_REFS}
_SV1 = picker("SV1", "SV101", "SV102", "SV105", "SV107")
_SV101 = picker("SV101", "SV101-1", "SV101-2", "SV101-3", "SV101-4", "SV101-5", "SV101-6")
_SV107 = picker("SV107", "SV107-1", "SV107-2", "SV107-3", "SV107-4")
_DTP = picker("DTP", "DTP01", "DTP02", "DTP03")


_PLACE = attrgetter("place")  # of a line
# the pointers a claim with n diagnoses may use: "1" to "n" (SV107 carries them as digits)
_POINTERS = tuple(frozenset(str(p) for p in range(1, n + 1)) for n in range(13))


@cache
def _dated_places() -> frozenset[str]:
    """The place of service codes CMS created within the dates we check (e.g. 27)."""
    return frozenset(code for code, place in pos.places().items() if place.billable_from)


def _decimal(text: str) -> Decimal | None:
    try:
        return R.parse(text) if text else None
    except ValueError:
        return None


def _date(text: str) -> date | None:
    try:
        return DT.parse8(text)
    except ValueError:
        return None


class ClaimChecks:
    """See the module docstring. ``context`` is the engine's :class:`~.engine.Context`."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.created: date | None = None  # BHT04
        self.claim: _Claim | None = None
        self.line: _Line | None = None
        # (HL01, HL03) of the HLs still open, outermost first: what a new HL may sit under
        self.open_hls: list[tuple[str, str]] = []
        self.last_hl: tuple[str, str, Where] | None = None  # (HL01, HL04, where)
        self.subscriber_birth: tuple[date, Where] | None = None
        self.patient_birth: tuple[date, Where] | None = None
        self.in_patient = False
        self.subscriber = ("", "", "")
        self.patient = ("", "", "")
        self.provider = ("", "")
        self.submitter = ("", "")
        self.payer = ("", "")
        self._lines: dict[tuple[str, ...], tuple[Decimal | None, str, tuple[str, ...]]] = {}
        self._npis: dict[str, bool] = {}
        self._his: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
        self._billable: dict[tuple[str, date], bool] = {}
        self._billable_on: dict[str, set[date]] = {}  # the dates each code was billable on
        self._table: dict[str, Callable[[list[str], str], None]] = {
            "BHT": self._bht,
            "HL": self._hl,
            "NM1": self._nm1,
            "N4": self._n4,
            "PRV": self._prv,
            "DMG": self._dmg,
            "CLM": self._clm,
            "REF": self._ref,
            "HI": self._hi,
            "LX": self._lx,
            "SV1": self._sv1,
            "DTP": self._dtp,
        }

    # -- reporting --------------------------------------------------------------------------
    def _where(self, loop: str, segment_id: str) -> Where:
        c = self.context
        return Where(c.position, c.set_position, loop, segment_id)

    def _report(
        self, rule: Rule, message: str, where: Where | None = None, element: str = ""
    ) -> None:
        self.context.report(rule, message, at=where, element=element)
        if self.claim is not None and rule.severity.value == "error":
            self.claim.rules.append(rule.id)

    # -- the hooks the engine calls ------------------------------------------------------------
    @property
    def handlers(self) -> dict[str, Callable[[list[str], str], None]]:
        return self._table

    def close(self, context: Context) -> None:
        self._close_claim()
        if self.last_hl is not None and self.last_hl[1] == "1":
            self._report(
                snip4.HL_CHILD,
                f"HL {self.last_hl[0]} says child HLs follow (HL04 1), but none does: make it 0",
                self.last_hl[2],
                "HL04",
            )
        self.last_hl = None

    # -- segments ----------------------------------------------------------------------------
    def _bht(self, elements: list[str], loop: str) -> None:
        self.created = _date(_BHT04(elements)[0])

    def _hl(self, elements: list[str], loop: str) -> None:
        self._close_claim()
        number, parent, level, child = _HL(elements)
        where = self._where(loop, "HL")
        previous = self.last_hl
        if previous is not None:
            is_child = parent != "" and parent == previous[0]
            if previous[1] == "1" and not is_child:
                self._report(
                    snip4.HL_CHILD,
                    f"HL {previous[0]} says child HLs follow (HL04 1), but the next HL is not its "
                    "child: make it 0",
                    previous[2],
                    "HL04",
                )
            elif previous[1] == "0" and is_child:
                self._report(
                    snip4.HL_CHILD,
                    f"HL {previous[0]} says no child HL follows (HL04 0), but HL {number} is its "
                    "child: make it 1",
                    previous[2],
                    "HL04",
                )
        opened = self.open_hls
        if any(hl == parent for hl, _ in opened):
            while opened[-1][0] != parent:
                opened.pop()
        elif parent:
            opened.clear()  # its parent is not open (SNIP2-HL-PARENT says so): nothing to hold
        wanted = HL_PARENTS.get(level)
        if wanted is not None and parent and opened:
            found = opened[-1][1]
            if found != wanted:
                self._report(
                    snip4.HL_LEVEL,
                    f"HL {number} (level {level}) sits under HL {parent} (level {found}); a level "
                    f"{level} belongs under a level {wanted}",
                    element="HL02",
                )
        opened.append((number, level))
        self.last_hl = (number, child, where)
        if level == "22":
            self.subscriber_birth, self.patient_birth, self.in_patient = None, None, False
            self.subscriber = self.patient = ("", "", "")
        elif level == "23":
            self.patient_birth, self.in_patient = None, True
            self.patient = ("", "", "")

    def _nm1(self, elements: list[str], loop: str) -> None:
        loop_id = loop.rpartition("/")[2]
        entity, last, first, qualifier, ident = _NM1(elements)
        if qualifier == "XX" and ident and not self._npi(ident):
            self._report(
                snip5.NPI,
                f"NPI {ident} ({entity} in loop {loop_id}) is not a valid NPI: its check digit "
                "is wrong or it is not 10 digits",
                element="NM109",
            )
        if loop_id == "2010BA":
            self.subscriber = (last, first, ident)
        elif loop_id == "2010CA":
            self.patient = (last, first, ident)
        elif loop_id == "2010AA":
            self.provider = (last, ident)
        elif loop_id == "1000A":
            self.submitter = (last, ident)
        elif loop_id == "2010BB":
            self.payer = (last, ident)

    def _n4(self, elements: list[str], loop: str) -> None:
        loop_id = loop.rpartition("/")[2]
        (postal,) = _N403(elements)
        if loop_id in ZIP4_LOOPS and not (len(postal) == 9 and identifiers.zip_is_valid(postal)):
            self._report(
                snip4.ZIP4,
                f"the ZIP code in loop {loop_id} ({postal or 'empty'}) must be the nine-digit "
                "ZIP+4 there",
                element="N403",
            )

    def _prv(self, elements: list[str], loop: str) -> None:
        qualifier, code = _PRV(elements)
        if qualifier == "PXC" and code and not identifiers.taxonomy_is_valid(code):
            self._report(
                snip5.TAXONOMY,
                f"taxonomy {code} is not shaped like a NUCC taxonomy code (3 digits, 6 letters "
                "or digits, X)",
                element="PRV03",
            )

    def _dmg(self, elements: list[str], loop: str) -> None:
        kind, text = _DMG(elements)
        born = _date(text) if kind == "D8" else None
        if born is None:
            return
        loop_id = loop.rpartition("/")[2]
        if loop_id == "2010BA":
            self.subscriber_birth = (born, self._where(loop, "DMG"))
        elif loop_id == "2010CA":
            self.patient_birth = (born, self._where(loop, "DMG"))

    def _clm(self, elements: list[str], loop: str) -> None:
        self._close_claim()
        claim_id, charge, facility = _CLM(elements)
        place, frequency = _CLM05(facility.split(self._component()))
        birth = self.patient_birth if self.in_patient else self.subscriber_birth
        self.claim = _Claim(
            claim_id,
            self._where(loop, "CLM"),
            _decimal(charge),
            charge,
            place,
            frequency,
            birth,
        )
        self.context.claim = claim_id
        if frequency and frequency not in FREQUENCIES:
            self._report(
                snip5.FREQUENCY,
                f"claim frequency {frequency} is not one a professional claim uses: 1 original, "
                "7 replacement, 8 void",
                element="CLM05-3",
            )

    def _ref(self, elements: list[str], loop: str) -> None:
        if loop.endswith("2300") and self.claim is not None and _REF01(elements)[0] == "F8":
            self.claim.has_f8 = True

    def _hi(self, elements: list[str], loop: str) -> None:
        claim = self.claim
        if claim is None:
            return
        where = self._where(loop, "HI")
        key = _HI(elements)
        codes = self._his.get(key)
        if codes is None:
            codes = self._diagnosis_codes(key)
        claim.diagnoses.extend((code, ref, where) for code, ref in codes)

    def _diagnosis_codes(self, composites: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """(code, refdes) of each diagnosis an HI carries, normalized; "" for a code of another
        qualifier, which is not checked but counts for the pointers. Remembered by HI."""
        component = self._component()
        found = []
        for ref, text in zip(_HI_REFS, composites, strict=True):
            qualifier, code = _HI_CODES[ref](text.split(component))
            if code:
                known = icd10cm.normalize(code) if qualifier in ICD10_QUALIFIERS else ""
                found.append((known, f"{ref}-2"))
        if len(self._his) >= _MEMO_LIMIT:
            self._his.clear()
        codes = self._his[composites] = tuple(found)
        return codes

    def _lx(self, elements: list[str], loop: str) -> None:
        if self.claim is not None:
            c = self.context
            self.line = _Line(c.position, c.set_position, loop)
            self.claim.lines.append(self.line)

    def _sv1(self, elements: list[str], loop: str) -> None:
        line = self.line
        if line is None:
            return
        c = self.context
        line.position, line.set_position = c.position, c.set_position
        key = _SV1.fetch(elements) if len(elements) >= _SV1.width else _SV1(elements)
        known = self._lines.get(key)
        if known is None:  # a line seen before (the same code, charge, pointers) is not redone
            known = self._line_values(key, self._component())
        line.charge, line.place, line.pointers = known

    def _line_values(
        self, key: tuple[str, ...], component: str
    ) -> tuple[Decimal | None, str, tuple[str, ...]]:
        procedure, charge, place, pointers = key
        qualifier, code, *modifiers = _SV101(procedure.split(component))
        clean = True
        if qualifier == "HC":
            if code and not identifiers.hcpcs_is_valid(code):
                clean = False
                self._report(
                    snip5.HCPCS,
                    f"{code} is not shaped like a HCPCS (a letter and 4 digits) or CPT code",
                    element="SV101-2",
                )
            for number, modifier in enumerate(modifiers, 3):
                if modifier and not identifiers.modifier_is_valid(modifier):
                    clean = False
                    self._report(
                        snip5.HCPCS,
                        f"modifier {modifier} is not two letters or digits",
                        element=f"SV101-{number}",
                    )
        values = (
            _decimal(charge),
            place,
            tuple(p for p in _SV107(pointers.split(component)) if p),
        )
        if clean:
            if len(self._lines) >= _MEMO_LIMIT:
                self._lines.clear()
            self._lines[key] = values
        return values

    def _dtp(self, elements: list[str], loop: str) -> None:
        qualifier, kind, text = (
            _DTP.fetch(elements) if len(elements) >= _DTP.width else _DTP(elements)
        )
        if kind == "RD8":
            start_text, _, end_text = text.partition("-")
            start, end = _date(start_text), _date(end_text)
        elif kind == "D8":
            start = end = _date(text)
        else:
            return
        if start is None or end is None:
            return
        if end < start:
            self._report(
                snip4.SPAN_ORDER,
                f"DTP*{qualifier} {text}: the span ends before it begins",
                element="DTP03",
            )
        if qualifier != "472" or self.line is None or not loop.endswith("2400"):
            return
        self.line.dates = (start, end)
        if self.created is not None and end > self.created:
            self._report(
                snip4.SERVICE_FUTURE,
                f"the service date {end.isoformat()} is after the file's creation date "
                f"{self.created.isoformat()} (BHT04)",
                element="DTP03",
            )

    def _npi(self, npi: str) -> bool:
        valid = self._npis.get(npi)
        if valid is None:
            if len(self._npis) >= _MEMO_LIMIT:
                self._npis.clear()
            valid = self._npis[npi] = identifiers.npi_is_valid(npi)
        return valid

    # -- the claim as a whole -------------------------------------------------------------------
    def _component(self) -> str:
        return self.context.component

    def _close_claim(self) -> None:
        claim = self.claim
        if claim is None:
            return
        # the first date of service of each line that has one, each date once, in order
        starts = sorted({line.dates[0] for line in claim.lines if line.dates})
        first = starts[0] if starts else None
        self._totals(claim)
        self._diagnoses(claim, starts)
        self._places(claim, first)
        self._birth(claim, first)
        if claim.frequency in ("7", "8") and not claim.has_f8:
            self._report(
                snip4.FREQUENCY_REF,
                f"claim {claim.claim_id} is a {'replacement' if claim.frequency == '7' else 'void'} "
                "(CLM05-3 " + claim.frequency + ") without REF*F8: add the payer's claim number "
                "of the claim it replaces",
                claim.where,
                "CLM05-3",
            )
        on_claim = self.context.on_claim
        if on_claim is not None:
            dates = [d for line in claim.lines if line.dates for d in line.dates]
            person = self.patient if self.in_patient else self.subscriber
            on_claim(
                ClaimOutcome(
                    claim.claim_id,
                    claim.charge_text,
                    min(dates) if dates else None,
                    max(dates) if dates else None,
                    person[0],
                    person[1],
                    person[2],
                    self.provider[0],
                    self.provider[1],
                    tuple(claim.rules),
                    claim.where.position,
                    self.submitter,
                    self.payer,
                )
            )
        self.claim = None
        self.line = None
        self.context.claim = ""

    def _totals(self, claim: _Claim) -> None:
        if claim.charge is None:
            return
        if claim.charge == 0:
            self._report(
                snip3.CLAIM_ZERO,
                f"claim {claim.claim_id} charges nothing (CLM02 0)",
                claim.where,
                "CLM02",
            )
        charges = [line.charge for line in claim.lines]
        if not charges or None in charges:
            return
        total = sum(charges, Decimal(0))  # type: ignore[type-var]  # no None: tested
        if total != claim.charge:
            self._report(
                snip3.CLAIM_TOTAL,
                f"CLM02 is {claim.charge_text}; the {len(charges)} line(s) charge {total} (SV102)",
                claim.where,
                "CLM02",
            )

    def _diagnoses(self, claim: _Claim, dates: list[date]) -> None:
        count = len(claim.diagnoses)
        pointers = _POINTERS[min(count, len(_POINTERS) - 1)]
        for line in claim.lines:
            if pointers.issuperset(line.pointers):
                continue  # the common case: every pointer within the claim's diagnoses
            for number, pointer in enumerate(line.pointers, 1):
                if pointer not in pointers:
                    self._report(
                        snip4.POINTER,
                        f"diagnosis pointer {pointer} points past the claim's {count} diagnosis "
                        "code(s)",
                        line.where,
                        f"SV107-{number}",
                    )
        seen: set[str] = set()
        for normal, ref, where in claim.diagnoses:
            if not normal:
                continue
            if normal in seen:
                self._report(
                    snip4.DUPLICATE_DIAGNOSIS,
                    f"{icd10cm.dotted(normal)} is given twice on claim {claim.claim_id}",
                    where,
                    ref,
                )
                continue
            seen.add(normal)
            billable_on = self._billable_on.get(normal)
            if billable_on is not None and billable_on.issuperset(dates):
                continue  # the common case: billable on every date, each answer remembered
            for on in dates:
                if self._is_billable(normal, on):
                    continue
                verdict = icd10cm.check(normal, on)
                if verdict.billable is False:
                    self._report(
                        snip5.ICD10_BILLABLE,
                        f"{verdict.reason}: {verdict.use_instead}",
                        where,
                        ref,
                    )
                    break
                if verdict.billable is None:
                    self._report(snip5.ICD10_UNCHECKED, verdict.reason, where, ref)
                    break

    def _is_billable(self, code: str, on: date) -> bool:
        """The common answer, remembered: a batch bills a few codes on a few dates."""
        key = (code, on)
        known = self._billable.get(key)
        if known is None:
            if len(self._billable) >= _MEMO_LIMIT:
                self._billable.clear()
                self._billable_on.clear()
            known = self._billable[key] = icd10cm.is_billable(code, on) is True
            if known:
                self._billable_on.setdefault(code, set()).add(on)
        return known

    def _places(self, claim: _Claim, first: date | None) -> None:
        """A place of service in force on the date of service. (One CMS never assigned is
        already a SNIP 2 code finding: the TR3 names the same list.)"""
        dated = _dated_places()
        if claim.place not in dated and dated.isdisjoint(map(_PLACE, claim.lines)):
            return  # the common case: no code CMS created within the dates we check
        places = [(claim.place, first, claim.where, "CLM05-1")]
        places += [
            (line.place, line.dates[0] if line.dates else first, line.where, "SV105")
            for line in claim.lines
        ]
        for code, on, where, ref in places:
            known = pos.place_of_service(code) if code else None
            if known is None or on is None or pos.is_valid(code, on):
                continue
            self._report(
                snip5.PLACE_OF_SERVICE,
                f"place of service {code} ({known.name}) is in use only from "
                f"{known.billable_from}; the service is on {on.isoformat()}",
                where,
                ref,
            )

    def _birth(self, claim: _Claim, first: date | None) -> None:
        if claim.patient_birth is None:
            return
        born, where = claim.patient_birth
        if first is not None and born > first:
            self._report(
                snip4.BIRTH_AFTER_SERVICE,
                f"the patient's birth date is after the first date of service on claim "
                f"{claim.claim_id} ({first.isoformat()})",
                where,
                "DMG02",
            )
