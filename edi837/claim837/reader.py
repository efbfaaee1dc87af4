"""837P file -> model, on the transaction stream every reader stands on; used for round trips and
to read back what was sent. It reads what the encoder writes exactly, and reads other senders' 837Ps
as far as the model goes (one billing provider per interchange, the subscriber as the patient),
warning where it has to leave something out.

The reader is a table: ``HANDLERS[(loop ID, segment ID)]`` names the method that reads that
segment in that loop; a segment with no entry is not part of the model and is passed over.
Element values are taken by reference designator (the pickers below) and typed by the codec
(:mod:`edi837.x12.datatypes`); a value that is not of its type is reported, never silently zero.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import attrs

from edi837 import catalogue
from edi837.claim837 import VERSION
from edi837.issues import Code, Issue, IssueList, Location
from edi837.model.claims import (
    BillingProvider,
    Claim,
    ClaimBatch,
    Interchange,
    Member,
    Payer,
    Receiver,
    RenderingProvider,
    ServiceLine,
    Submitter,
)
from edi837.model.common import Address, Contact, Frequency, Sex, Usage
from edi837.x12 import spec
from edi837.x12.datatypes import DT, N0, TM, R
from edi837.x12.log import shown, shown_set_id, shown_version
from edi837.x12.loops import Placement
from edi837.x12.spec import picker
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import CLAIM_837P, Placed, TransactionStream

Categorize = Callable[[str, tuple[str, ...]], str]

ISA = picker("ISA", "ISA05", "ISA06", "ISA07", "ISA08", "ISA13", "ISA14", "ISA15")
GS = picker("GS", "GS02", "GS03", "GS04", "GS05", "GS06")
ST = picker("ST", "ST01", "ST02", "ST03")
NAME = picker("NM1", "NM103", "NM104", "NM109")  # last (or organisation) name, first name, ID
PER = picker("PER", *(f"PER{n:02d}" for n in range(2, 9)))
N3 = picker("N3", "N301", "N302")
N4 = picker("N4", "N401", "N402", "N403")
REF = picker("REF", "REF01", "REF02")
PRV03 = picker("PRV", "PRV03")
DMG = picker("DMG", "DMG02", "DMG03")
CLM = picker("CLM", "CLM01", "CLM02", "CLM05")
CLM05 = picker("CLM05", "CLM05-1", "CLM05-3")  # place of service, frequency
HI = picker("HI", *spec.segment("HI").refs())
HI_CODE = picker("HI01", "HI01-2")  # every HI composite is a C022: the code is its second part
SV1 = picker("SV1", "SV101", "SV102", "SV104", "SV105", "SV107")
SV101 = picker("SV101", *(f"SV101-{n}" for n in range(2, 7)))  # the code, four modifiers
SV107 = picker("SV107", *(f"SV107-{n}" for n in range(1, 5)))  # the diagnosis pointers
DTP = picker("DTP", "DTP01", "DTP02", "DTP03")


@attrs.define
class _ClaimParts:
    clm: list[str]
    position: int
    member: Member
    tar: str | None = None
    payer_claim_number: str | None = None
    diagnoses: list[str] = attrs.field(factory=list)
    rendering: RenderingProvider | None = None
    lines: list[ServiceLine] = attrs.field(factory=list)


@attrs.define
class _LineParts:
    sv1: list[str]
    position: int
    service_date: date | None = None
    end_date: date | None = None
    tar: str | None = None
    control: str = ""
    rendering: RenderingProvider | None = None


@attrs.define
class ClaimFile:
    batches: list[ClaimBatch]
    issues: list[Issue]

    @property
    def claims(self) -> list[Claim]:
        return [claim for batch in self.batches for claim in batch.claims]


Handler = Callable[["_Builder", list[str], int, str], None]


class _Builder:
    """Collects one interchange's parts as its segments stream by."""

    def __init__(self, name: str | None, component: str, categorize: Categorize | None) -> None:
        self.name = name
        self.component = component
        self.categorize = categorize
        self.issues = IssueList()
        self.isa: list[str] = []
        self.gs: list[str] = []
        self.gs_position = 0
        self.st_numbers: list[int] = []
        self.submitter = Submitter("", "", Contact(""))
        self.receiver = Receiver("", "")
        self.billing: BillingProvider | None = None
        self.payer = Payer("", "")
        self.claims: list[Claim] = []
        self._bp: dict[str, str] = {}
        self._member_fields: dict[str, str] = {}
        self._birth_date = date.min
        self._member_obj: Member | None = None
        self._claim: _ClaimParts | None = None
        self._line: _LineParts | None = None

    def warn(self, code: Code, message: str, position: int, loop: str | None = None) -> None:
        self.issues.add(code, message, Location(file=self.name, segment=position, loop=loop))

    # -- typed values: a value that is not of its type is reported ---------------------------------
    def amount(self, text: str, ref: str, position: int, loop: str) -> Decimal:
        """An R element that the model needs as a non-negative amount; 0 when it is not one."""
        if not text:
            return Decimal(0)
        try:
            value = R.parse(text)
        except ValueError:
            self.warn(
                catalogue.AMOUNT_837,
                f"{ref} {shown(text)} is not a decimal number",
                position,
                loop,
            )
            return Decimal(0)
        if value < 0:
            self.warn(catalogue.AMOUNT_837, f"{ref} {text} is negative", position, loop)
            return Decimal(0)
        return value

    def date(self, text: str, ref: str, position: int, loop: str | None) -> date | None:
        if not text:
            return None
        try:
            return DT.parse(text)
        except ValueError:
            self.warn(catalogue.DATE_837, f"{ref} {shown(text)} is not a date", position, loop)
            return None

    # -- assembling ----------------------------------------------------------------------------
    def segment(self, e: list[str], loop_path: str, loop_id: str, position: int) -> None:
        handler = HANDLERS.get((loop_id, e[0]))
        if handler is not None:
            handler(self, e, position, loop_path)

    def _submitter(self, e: list[str], position: int, loop: str) -> None:
        name, _, ident = NAME(e)
        self.submitter = Submitter(name, ident, Contact(""))

    def _submitter_contact(self, e: list[str], position: int, loop: str) -> None:
        name, q1, n1, q2, n2, q3, n3 = PER(e)
        numbers = {q1: n1, q2: n2, q3: n3}
        self.submitter = attrs.evolve(
            self.submitter,
            contact=Contact(name, numbers.get("TE", ""), numbers.get("EM", "")),
        )

    def _receiver(self, e: list[str], position: int, loop: str) -> None:
        name, _, ident = NAME(e)
        self.receiver = Receiver(name, ident)

    def _billing_level(self, e: list[str], position: int, loop: str) -> None:
        if self.billing is not None:
            message = "a second billing provider (2000A); edi837 keeps the first"
            self.warn(catalogue.BILLING, message, position, loop)

    def _taxonomy(self, e: list[str], position: int, loop: str) -> None:
        (self._bp["taxonomy"],) = PRV03(e)

    def _billing_name(self, e: list[str], position: int, loop: str) -> None:
        name, _, npi = NAME(e)
        self._bp.update(name=name, npi=npi)
        self._billing_complete()

    def _billing_street(self, e: list[str], position: int, loop: str) -> None:
        line1, line2 = N3(e)
        self._bp.update(line1=line1, line2=line2)

    def _billing_city(self, e: list[str], position: int, loop: str) -> None:
        city, state, zip_code = N4(e)
        self._bp.update(city=city, state=state, zip=zip_code)
        self._billing_complete()

    def _billing_ref(self, e: list[str], position: int, loop: str) -> None:
        qualifier, value = REF(e)
        if qualifier == "EI":
            self._bp["ein"] = value
            self._billing_complete()

    def _billing_complete(self) -> None:
        bp = self._bp
        if self.billing is None and "name" in bp and "zip" in bp and "ein" in bp:
            self.billing = BillingProvider(
                name=bp["name"],
                npi=bp["npi"],
                ein=bp["ein"],
                taxonomy=bp.get("taxonomy", ""),
                address=Address(
                    bp.get("line1", ""),  # a sender may leave out the N3
                    bp["city"],
                    bp["state"],
                    bp["zip"],
                    bp.get("line2", ""),
                ),
            )

    def _patient_level(self, e: list[str], position: int, loop: str) -> None:
        message = "a patient loop (2000C): edi837 bills the subscriber as the patient"
        self.warn(catalogue.PATIENT, message, position, loop)

    def _member_name(self, e: list[str], position: int, loop: str) -> None:
        self._finish_claim()
        last, first, ident = NAME(e)
        self._member_fields = {"last": last, "first": first, "id": ident}
        self._birth_date = date.min
        self._member_obj = None

    def _member_street(self, e: list[str], position: int, loop: str) -> None:
        line1, line2 = N3(e)
        self._member_fields.update(line1=line1, line2=line2)

    def _member_city(self, e: list[str], position: int, loop: str) -> None:
        city, state, zip_code = N4(e)
        self._member_fields.update(city=city, state=state, zip=zip_code)

    def _demographics(self, e: list[str], position: int, loop: str) -> None:
        birth, sex = DMG(e)
        self._birth_date = self.date(birth, "DMG02", position, loop) or date.min
        self._member_fields["sex"] = sex

    def _payer(self, e: list[str], position: int, loop: str) -> None:
        name, _, ident = NAME(e)
        self.payer = Payer(name, ident)

    def _member(self) -> Member:
        if self._member_obj is None:
            m = self._member_fields
            sex_code = m.get("sex", "U")
            self._member_obj = Member(
                member_id=m.get("id", ""),
                last_name=m.get("last", ""),
                first_name=m.get("first", ""),
                birth_date=self._birth_date,
                sex=Sex(sex_code) if sex_code in ("F", "M", "U") else Sex.UNKNOWN,
                address=Address(
                    m.get("line1", ""),
                    m.get("city", ""),
                    m.get("state", ""),
                    m.get("zip", ""),
                    m.get("line2", ""),
                ),
            )
        return self._member_obj

    def _claim_start(self, e: list[str], position: int, loop: str) -> None:
        self._finish_claim()
        self._claim = _ClaimParts(e, position, self._member())

    def _claim_ref(self, e: list[str], position: int, loop: str) -> None:
        claim = self._claim
        if claim is None:
            return
        qualifier, value = REF(e)
        if qualifier == "G1":
            claim.tar = value
        elif qualifier == "F8":
            claim.payer_claim_number = value

    def _diagnoses(self, e: list[str], position: int, loop: str) -> None:
        claim = self._claim
        if claim is None:
            return
        for composite in HI(e):
            if composite:
                (code,) = HI_CODE(composite.split(self.component))
                if code:
                    claim.diagnoses.append(code)

    def _claim_rendering(self, e: list[str], position: int, loop: str) -> None:
        if self._claim is not None:
            last, first, npi = NAME(e)
            self._claim.rendering = RenderingProvider(npi, last, first)

    def _line_number(self, e: list[str], position: int, loop: str) -> None:
        self._finish_line()

    def _service(self, e: list[str], position: int, loop: str) -> None:
        self._line = _LineParts(e, position)

    def _service_date(self, e: list[str], position: int, loop: str) -> None:
        line = self._line
        qualifier, form, value = DTP(e)
        if line is None or qualifier != "472":
            return
        try:
            if form == "RD8" and "-" in value:
                line.service_date, line.end_date = DT.parse_range(value)
            else:
                line.service_date = DT.parse(value)
        except ValueError:
            message = f"DTP*472 {shown(value)} is not a date"
            self.warn(catalogue.DATE_837, message, position, "2400")

    def _line_ref(self, e: list[str], position: int, loop: str) -> None:
        line = self._line
        if line is None:
            return
        qualifier, value = REF(e)
        if qualifier == "G1":
            line.tar = value
        elif qualifier == "6R":
            line.control = value

    def _line_rendering(self, e: list[str], position: int, loop: str) -> None:
        if self._line is not None:
            last, first, npi = NAME(e)
            self._line.rendering = RenderingProvider(npi, last, first)

    def _finish_line(self) -> None:
        line, claim = self._line, self._claim
        self._line = None
        if line is None or claim is None:
            return
        procedure, charge, units, place, pointers = SV1(line.sv1)
        code, *modifiers = SV101(procedure.split(self.component))
        at, loop = line.position, "2400"
        claim.lines.append(
            ServiceLine(
                procedure=code,
                modifiers=tuple(m for m in modifiers if m),
                service_date=line.service_date or date.min,
                end_date=line.end_date,
                units=self.amount(units, "SV104", at, loop),
                charge=self.amount(charge, "SV102", at, loop),
                diagnosis_pointers=tuple(
                    number
                    for p in SV107(pointers.split(self.component))
                    if len(p) <= 2 and (number := _count(p)) is not None  # N0 1/2: 1 to 12
                ),
                place_of_service=place or None,
                tar_number=line.tar,
                rendering=line.rendering,
                control_number=line.control,
            )
        )

    def _finish_claim(self) -> None:
        self._finish_line()
        claim, self._claim = self._claim, None
        if claim is None:
            return
        claim_id, total, place = CLM(claim.clm)
        place_of_service, frequency = CLM05(place.split(self.component))
        first = claim.lines[0] if claim.lines else None
        category = (
            self.categorize(first.procedure, first.modifiers) if first and self.categorize else ""
        )
        built = Claim(
            claim_id=claim_id,
            member=claim.member,
            category=category,
            place_of_service=place_of_service,
            diagnoses=tuple(claim.diagnoses),
            lines=tuple(claim.lines),
            tar_number=claim.tar,
            rendering=claim.rendering,
            frequency=Frequency(frequency) if frequency in ("1", "7", "8") else Frequency.ORIGINAL,
            payer_claim_number=claim.payer_claim_number,
        )
        try:
            declared = R.parse(total) if total else Decimal(0)
        except ValueError:
            message = f"CLM02 {shown(total)} is not a decimal number"
            self.warn(catalogue.AMOUNT_837, message, claim.position, "2300")
        else:
            if declared != built.total_charge:
                self.warn(
                    catalogue.CLAIM_TOTAL,
                    f"CLM02 {declared} differs from the sum of its lines' charges {built.total_charge}",
                    claim.position,
                    "2300",
                )
        self.claims.append(built)

    def batch(self) -> ClaimBatch:
        self._finish_claim()
        sender_q, sender, receiver_q, receiver, control, ack, usage = ISA(self.isa)
        gs_sender, gs_receiver, gs_date, gs_time, group = GS(self.gs)
        return ClaimBatch(
            interchange=Interchange(
                sender_qualifier=sender_q,
                sender_id=sender.strip(),
                receiver_qualifier=receiver_q,
                receiver_id=receiver.strip(),
                gs_sender=gs_sender,
                gs_receiver=gs_receiver,
                usage=Usage(usage) if usage in ("T", "P") else Usage.TEST,
                control_number=_whole(control),
                group_number=_whole(group),
                transaction_numbers=tuple(self.st_numbers),
                ack_requested=ack == "1",
            ),
            created=datetime.combine(
                self.date(gs_date, "GS04", self.gs_position, None) or date.min,
                self._time(gs_time),
            ),
            submitter=self.submitter,
            receiver=self.receiver,
            billing_provider=self.billing
            or BillingProvider("", "", "", "", Address("", "", "", "")),
            payer=self.payer,
            claims=tuple(self.claims),
        )

    def _time(self, text: str) -> time:
        """GS05, to the minute (what the encoder writes); midnight when absent or unreadable."""
        if not text:
            return time(0, 0)
        try:
            return TM.parse_minutes(text)
        except ValueError:
            self.warn(catalogue.DATE_837, f"GS05 {shown(text)} is not a time", self.gs_position)
            return time(0, 0)


def _count(text: str) -> int | None:
    try:
        return N0.count(text)
    except ValueError:
        return None


def _whole(text: str) -> int:
    """A control number, or 0 when it is not one (the model keeps numbers, not text)."""
    return _count(text) or 0


# (loop ID, segment ID) -> how the segment is read. 2300 and its loops sit under 2000B or 2000C:
# their IDs are the same either way.
HANDLERS: dict[tuple[str, str], Handler] = {
    ("1000A", "NM1"): _Builder._submitter,
    ("1000A", "PER"): _Builder._submitter_contact,
    ("1000B", "NM1"): _Builder._receiver,
    ("2000A", "HL"): _Builder._billing_level,
    ("2000A", "PRV"): _Builder._taxonomy,
    ("2010AA", "NM1"): _Builder._billing_name,
    ("2010AA", "N3"): _Builder._billing_street,
    ("2010AA", "N4"): _Builder._billing_city,
    ("2010AA", "REF"): _Builder._billing_ref,
    ("2000C", "HL"): _Builder._patient_level,
    ("2010BA", "NM1"): _Builder._member_name,
    ("2010BA", "N3"): _Builder._member_street,
    ("2010BA", "N4"): _Builder._member_city,
    ("2010BA", "DMG"): _Builder._demographics,
    ("2010BB", "NM1"): _Builder._payer,
    ("2300", "CLM"): _Builder._claim_start,
    ("2300", "REF"): _Builder._claim_ref,
    ("2300", "HI"): _Builder._diagnoses,
    ("2310B", "NM1"): _Builder._claim_rendering,
    ("2400", "LX"): _Builder._line_number,
    ("2400", "SV1"): _Builder._service,
    ("2400", "DTP"): _Builder._service_date,
    ("2400", "REF"): _Builder._line_ref,
    ("2420A", "NM1"): _Builder._line_rendering,
}


def read_claim_file(
    path: Path | bytes, *, categorize: Categorize | None = None, name: str | None = None
) -> ClaimFile:
    """Read an 837P. Raises X12ParseError when it is not a readable interchange."""
    reader = SegmentReader(path, name=name)
    issues = IssueList()
    batches: list[ClaimBatch] = []
    builder: _Builder | None = None
    for item in TransactionStream(reader, issues, kinds=(CLAIM_837P,)):
        assert isinstance(item, Placed)  # nothing is gathered
        seg, elements, position = item.seg_id, item.elements, item.position
        if seg == "ISA":
            builder = _Builder(reader.name, reader.delimiters.component, categorize)
            builder.isa = elements
            continue
        if builder is None:
            continue
        if seg == "GS":
            if not builder.gs:
                builder.gs, builder.gs_position = elements, position
        elif seg == "ST":
            set_id, control, version = ST(elements)
            if item.loop is None:
                builder.warn(
                    catalogue.NOT_837,
                    f"transaction set {shown_set_id(set_id)} is not an 837; skipped",
                    position,
                )
                continue
            if version and not CLAIM_837P.reads(version):
                builder.warn(
                    catalogue.VERSION_837,
                    f"version {shown_version(version)} is not {VERSION}; read as such",
                    position,
                )
            builder.st_numbers.append(_whole(control))
        elif seg == "SE":
            builder._finish_claim()
        elif seg == "IEA":
            batches.append(builder.batch())
            builder.issues, issues_of_batch = IssueList(), builder.issues
            issues.extend(issues_of_batch)
            builder = None
        elif item.loop is not None:
            if item.how is Placement.UNKNOWN:
                builder.warn(
                    catalogue.SEGMENT_837,
                    f"{seg} is not expected in loop {item.path or 'ST'}",
                    position,
                    item.path,
                )
            builder.segment(elements, item.path, item.loop_id, position)
    return ClaimFile(batches, issues + reader.warnings)
