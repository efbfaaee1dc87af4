"""837P file -> model. The same loop walker as every reader; used for round trips and to read
back what was sent. It reads what the encoder writes exactly, and reads other senders' 837Ps
as far as the model goes (one billing provider per interchange, the subscriber as the patient),
warning where it has to leave something out."""

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
from edi837.x12.datatypes import parse_date, parse_decimal
from edi837.x12.envelope import walk_envelopes
from edi837.x12.loops import LoopWalker, Placement
from edi837.x12.tokenizer import SegmentReader

Categorize = Callable[[str, tuple[str, ...]], str]


def _el(elements: list[str], index: int) -> str:
    return elements[index] if len(elements) > index else ""


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


class _Builder:
    """Collects one interchange's parts as its segments stream by."""

    def __init__(self, name: str | None, component: str, categorize: Categorize | None) -> None:
        self.name = name
        self.component = component
        self.categorize = categorize
        self.issues = IssueList()
        self.isa: list[str] = []
        self.gs: list[str] = []
        self.st_numbers: list[int] = []
        self.bht: list[str] = []
        self.submitter = Submitter("", "", Contact(""))
        self.receiver = Receiver("", "")
        self.billing: BillingProvider | None = None
        self.payer = Payer("", "")
        self.claims: list[Claim] = []
        self._bp: dict[str, object] = {}
        self._member_fields: dict[str, object] = {}
        self._member_obj: Member | None = None
        self._claim: _ClaimParts | None = None
        self._line: _LineParts | None = None

    def warn(self, code: Code, message: str, position: int, loop: str | None = None) -> None:
        self.issues.add(code, message, Location(file=self.name, segment=position, loop=loop))

    # -- assembling ----------------------------------------------------------------------------
    def segment(self, e: list[str], loop_path: str, loop_id: str, position: int) -> None:
        seg = e[0]
        if loop_id == "1000A":
            if seg == "NM1":
                self.submitter = Submitter(_el(e, 3), _el(e, 9), Contact(""))
            elif seg == "PER":
                numbers = {_el(e, 3): _el(e, 4), _el(e, 5): _el(e, 6), _el(e, 7): _el(e, 8)}
                self.submitter = attrs.evolve(
                    self.submitter,
                    contact=Contact(_el(e, 2), numbers.get("TE", ""), numbers.get("EM", "")),
                )
        elif loop_id == "1000B" and seg == "NM1":
            self.receiver = Receiver(_el(e, 3), _el(e, 9))
        elif loop_id == "2000A" and seg == "HL" and self.billing is not None:
            self.warn(
                catalogue.BILLING,
                "a second billing provider (2000A); edi837 keeps the first",
                position,
                loop_path,
            )
        elif loop_id == "2000A" and seg == "PRV":
            self._bp["taxonomy"] = _el(e, 3)
        elif loop_id == "2010AA":
            self._billing_segment(e)
        elif loop_id == "2000C" and seg == "HL":
            self.warn(
                catalogue.PATIENT,
                "a patient loop (2000C): edi837 bills the subscriber as the patient",
                position,
                loop_path,
            )
        elif loop_id == "2010BA":
            self._member_segment(e)
        elif loop_id == "2010BB" and seg == "NM1":
            self.payer = Payer(_el(e, 3), _el(e, 9))
        elif loop_id == "2300":
            self._claim_segment(e, position)
        elif loop_id == "2310B" and seg == "NM1" and self._claim is not None:
            self._claim.rendering = RenderingProvider(_el(e, 9), _el(e, 3), _el(e, 4))
        elif loop_id == "2400":
            self._line_segment(e, position)
        elif loop_id == "2420A" and seg == "NM1" and self._line is not None:
            self._line.rendering = RenderingProvider(_el(e, 9), _el(e, 3), _el(e, 4))

    def _billing_segment(self, e: list[str]) -> None:
        seg = e[0]
        if seg == "NM1":
            self._bp.update(name=_el(e, 3), npi=_el(e, 9))
        elif seg == "N3":
            self._bp.update(line1=_el(e, 1), line2=_el(e, 2))
        elif seg == "N4":
            self._bp.update(city=_el(e, 1), state=_el(e, 2), zip=_el(e, 3))
        elif seg == "REF" and _el(e, 1) == "EI":
            self._bp["ein"] = _el(e, 2)
        if self.billing is None and "name" in self._bp and "zip" in self._bp and "ein" in self._bp:
            self.billing = BillingProvider(
                name=str(self._bp["name"]),
                npi=str(self._bp["npi"]),
                ein=str(self._bp["ein"]),
                taxonomy=str(self._bp.get("taxonomy", "")),
                address=Address(
                    str(self._bp["line1"]),
                    str(self._bp["city"]),
                    str(self._bp["state"]),
                    str(self._bp["zip"]),
                    str(self._bp.get("line2", "")),
                ),
            )

    def _member_segment(self, e: list[str]) -> None:
        seg = e[0]
        m = self._member_fields
        if seg == "NM1":
            self._finish_claim()
            m.clear()
            m.update(last=_el(e, 3), first=_el(e, 4), id=_el(e, 9))
            self._member_obj = None
        elif seg == "N3":
            m.update(line1=_el(e, 1), line2=_el(e, 2))
        elif seg == "N4":
            m.update(city=_el(e, 1), state=_el(e, 2), zip=_el(e, 3))
        elif seg == "DMG":
            m.update(dob=_el(e, 2), sex=_el(e, 3))

    def _member(self) -> Member:
        if self._member_obj is None:
            m = self._member_fields
            try:
                dob = parse_date(str(m.get("dob", "")))
            except ValueError:
                dob = date.min
            sex_code = str(m.get("sex", "U"))
            self._member_obj = Member(
                member_id=str(m.get("id", "")),
                last_name=str(m.get("last", "")),
                first_name=str(m.get("first", "")),
                birth_date=dob,
                sex=Sex(sex_code) if sex_code in ("F", "M", "U") else Sex.UNKNOWN,
                address=Address(
                    str(m.get("line1", "")),
                    str(m.get("city", "")),
                    str(m.get("state", "")),
                    str(m.get("zip", "")),
                    str(m.get("line2", "")),
                ),
            )
        return self._member_obj

    def _claim_segment(self, e: list[str], position: int) -> None:
        seg = e[0]
        if seg == "CLM":
            self._finish_claim()
            self._claim = _ClaimParts(e, position, self._member())
            return
        claim = self._claim
        if claim is None:
            return
        if seg == "REF" and _el(e, 1) == "G1":
            claim.tar = _el(e, 2)
        elif seg == "REF" and _el(e, 1) == "F8":
            claim.payer_claim_number = _el(e, 2)
        elif seg == "HI":
            for composite in e[1:]:
                parts = composite.split(self.component)
                if len(parts) > 1 and parts[1]:
                    claim.diagnoses.append(parts[1])

    def _line_segment(self, e: list[str], position: int) -> None:
        seg = e[0]
        if seg == "LX":
            self._finish_line()
            return
        if seg == "SV1":
            self._line = _LineParts(e)
            return
        line = self._line
        if line is None:
            return
        if seg == "DTP" and _el(e, 1) == "472":
            value = _el(e, 3)
            try:
                if _el(e, 2) == "RD8" and "-" in value:
                    start, end = value.split("-", 1)
                    line.service_date, line.end_date = parse_date(start), parse_date(end)
                else:
                    line.service_date = parse_date(value)
            except ValueError:
                self.warn(catalogue.DATE_837, f"DTP*472 {value!r} is not a date", position, "2400")
        elif seg == "REF" and _el(e, 1) == "G1":
            line.tar = _el(e, 2)
        elif seg == "REF" and _el(e, 1) == "6R":
            line.control = _el(e, 2)

    def _finish_line(self) -> None:
        line, claim = self._line, self._claim
        self._line = None
        if line is None or claim is None:
            return
        sv1 = line.sv1
        procedure = _el(sv1, 1).split(self.component)
        pointers = tuple(int(p) for p in _el(sv1, 7).split(self.component) if p.isdigit())
        claim.lines.append(
            ServiceLine(
                procedure=_el(procedure, 1),
                modifiers=tuple(m for m in procedure[2:6] if m),
                service_date=line.service_date or date.min,
                end_date=line.end_date,
                units=_decimal(_el(sv1, 4)),
                charge=_decimal(_el(sv1, 2)),
                diagnosis_pointers=pointers,
                place_of_service=_el(sv1, 5) or None,
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
        clm = claim.clm
        place = _el(clm, 5).split(self.component)
        frequency = _el(place, 2)
        first = claim.lines[0] if claim.lines else None
        category = (
            self.categorize(first.procedure, first.modifiers) if first and self.categorize else ""
        )
        built = Claim(
            claim_id=_el(clm, 1),
            member=claim.member,
            category=category,
            place_of_service=_el(place, 0),
            diagnoses=tuple(claim.diagnoses),
            lines=tuple(claim.lines),
            tar_number=claim.tar,
            rendering=claim.rendering,
            frequency=Frequency(frequency) if frequency in ("1", "7", "8") else Frequency.ORIGINAL,
            payer_claim_number=claim.payer_claim_number,
        )
        declared = _decimal(_el(clm, 2))
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
        isa, gs, bht = self.isa, self.gs, self.bht
        created = datetime.combine(_date_or_min(_el(gs, 4)), _time_or_midnight(_el(gs, 5)))
        return ClaimBatch(
            interchange=Interchange(
                sender_qualifier=_el(isa, 5),
                sender_id=_el(isa, 6).strip(),
                receiver_qualifier=_el(isa, 7),
                receiver_id=_el(isa, 8).strip(),
                gs_sender=_el(gs, 2),
                gs_receiver=_el(gs, 3),
                usage=Usage(_el(isa, 15)) if _el(isa, 15) in ("T", "P") else Usage.TEST,
                control_number=int(_el(isa, 13)) if _el(isa, 13).isdigit() else 0,
                group_number=int(_el(gs, 6)) if _el(gs, 6).isdigit() else 0,
                transaction_numbers=tuple(self.st_numbers),
                ack_requested=_el(isa, 14) == "1",
            ),
            created=created,
            reference=_el(bht, 3),
            submitter=self.submitter,
            receiver=self.receiver,
            billing_provider=self.billing
            or BillingProvider("", "", "", "", Address("", "", "", "")),
            payer=self.payer,
            claims=tuple(self.claims),
        )


def _decimal(text: str) -> Decimal:
    try:
        return parse_decimal(text) if text else Decimal(0)
    except ValueError:
        return Decimal(0)


def _date_or_min(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError:
        return date.min


def _time_or_midnight(text: str) -> time:
    if len(text) >= 4 and text[:4].isdigit():
        return time(int(text[:2]) % 24, int(text[2:4]) % 60)
    return time(0, 0)


def read_claim_file(
    path: Path | bytes, *, categorize: Categorize | None = None, name: str | None = None
) -> ClaimFile:
    """Read an 837P. Raises X12ParseError when it is not a readable interchange."""
    reader = SegmentReader(path, name=name)
    issues = IssueList()
    batches: list[ClaimBatch] = []
    txn = spec.transaction("837p")
    builder: _Builder | None = None
    walker: LoopWalker | None = None
    for position, elements, env in walk_envelopes(reader, issues):
        seg = elements[0]
        if seg == "ISA":
            builder = _Builder(reader.name, reader.delimiters.component, categorize)
            builder.isa = elements
            continue
        if builder is None:
            continue
        if seg == "GS":
            builder.gs = builder.gs or elements
        elif seg == "ST":
            if _el(elements, 1) != "837":
                builder.warn(
                    catalogue.NOT_837,
                    f"transaction set {_el(elements, 1)} is not an 837; skipped",
                    position,
                )
                walker = None
                continue
            if _el(elements, 3) and not _el(elements, 3).startswith(VERSION[:10]):
                builder.warn(
                    catalogue.VERSION_837,
                    f"version {_el(elements, 3)} is not {VERSION}; read as such",
                    position,
                )
            builder.st_numbers.append(int(_el(elements, 2)) if _el(elements, 2).isdigit() else 0)
            walker = LoopWalker(txn, position)
        elif seg == "BHT":
            builder.bht = builder.bht or elements
        elif seg == "SE":
            builder._finish_claim()
            walker = None
        elif seg == "IEA":
            batches.append(builder.batch())
            builder.issues, issues_of_batch = IssueList(), builder.issues
            issues.extend(issues_of_batch)
            builder = None
        elif walker is not None and env.st is not None:
            instance, placement = walker.place(elements, position)
            if placement is Placement.UNKNOWN:
                builder.warn(
                    catalogue.SEGMENT_837,
                    f"{seg} is not expected in loop {instance.path or 'ST'}",
                    position,
                    instance.path,
                )
            builder.segment(elements, instance.path, instance.id, position)
    return ClaimFile(batches, issues + reader.warnings)
