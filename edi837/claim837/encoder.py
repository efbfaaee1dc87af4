"""Model -> 837P segments. The only place that decides which 837P segments carry which values.

Segments are built from typed values through the segment dictionary (segments/elements.toml),
which formats them (R, DT, N0...) and checks their lengths; any problem is collected with the
claim it belongs to. The text goes out one segment at a time, so a large batch never sits in
memory as text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import groupby

import attrs

from edi837.claim837 import VERSION
from edi837.model.claims import Claim, ClaimBatch, Member, RenderingProvider, ServiceLine
from edi837.model.common import Address
from edi837.x12 import spec
from edi837.x12.datatypes import format_date_range
from edi837.x12.delimiters import Delimiters
from edi837.x12.serializer import Serializer, isa_segment
from edi837.x12.spec import CompositeValue, ElementProblem, Value


@attrs.frozen(slots=True)
class EncodingProblem:
    """An element the dictionary refuses, with the claim (and line) it belongs to."""

    segment: str
    problem: ElementProblem
    claim_id: str | None = None
    line: str | None = None


class Encoder:
    def __init__(self, batch: ClaimBatch, *, line_breaks: bool = True) -> None:
        self.batch = batch
        self.delimiters = Delimiters()
        self.serializer = Serializer(self.delimiters, line_breaks=line_breaks)
        self.line_breaks = line_breaks
        self.problems: list[EncodingProblem] = []
        self._element_problems: list[ElementProblem] = []
        self._claim_id: str | None = None
        self._line: str | None = None
        self._count = 0  # segments in the current transaction set

    # -- helpers -------------------------------------------------------------------------------
    def _seg(self, seg_id: str, values: Mapping[str, Value | CompositeValue]) -> str:
        elements = spec.segment(seg_id).make(values, self._element_problems)
        if self._element_problems:
            for problem in self._element_problems:
                self.problems.append(EncodingProblem(seg_id, problem, self._claim_id, self._line))
            self._element_problems.clear()
        self._count += 1
        return self.serializer.segment(elements)

    # -- the file ------------------------------------------------------------------------------
    def segments(self) -> Iterator[str]:
        b = self.batch
        ic = b.interchange
        yield isa_segment(
            [
                "00",
                " " * 10,
                "00",
                " " * 10,
                ic.sender_qualifier,
                ic.sender_id.ljust(15),
                ic.receiver_qualifier,
                ic.receiver_id.ljust(15),
                b.created.strftime("%y%m%d"),
                b.created.strftime("%H%M"),
                self.delimiters.repetition or "^",
                "00501",
                f"{ic.control_number:09d}",
                "1" if ic.ack_requested else "0",
                ic.usage.value,
                self.delimiters.component,
            ],
            self.delimiters,
            line_breaks=self.line_breaks,
        )
        yield self._seg(
            "GS",
            {
                "GS01": "HC",
                "GS02": ic.gs_sender,
                "GS03": ic.gs_receiver,
                "GS04": b.created.date(),
                "GS05": b.created.time(),
                "GS06": ic.group_number,
                "GS07": "X",
                "GS08": VERSION,
            },
        )
        transactions = 0
        for st02, claims in b.transactions():
            transactions += 1
            yield from self._transaction(st02, claims)
        yield self._seg("GE", {"GE01": transactions, "GE02": ic.group_number})
        yield self._seg("IEA", {"IEA01": 1, "IEA02": ic.control_number})

    def _transaction(self, st02: int, claims: tuple[Claim, ...]) -> Iterator[str]:
        b = self.batch
        self._count = 0
        control = f"{st02:04d}"
        yield self._seg("ST", {"ST01": "837", "ST02": control, "ST03": VERSION})
        yield self._seg(
            "BHT",
            {
                "BHT01": "0019",
                "BHT02": "00",
                "BHT03": b.reference,
                "BHT04": b.created.date(),
                "BHT05": b.created.time(),
                "BHT06": "CH",
            },
        )
        # 1000A submitter, 1000B receiver
        yield self._seg(
            "NM1",
            {
                "NM101": "41",
                "NM102": "2",
                "NM103": b.submitter.name,
                "NM108": "46",
                "NM109": b.submitter.id,
            },
        )
        contact = b.submitter.contact
        per: dict[str, Value | CompositeValue] = {"PER01": "IC", "PER02": contact.name or None}
        numbers = [("TE", contact.phone), ("EM", contact.email)]
        for (qualifier, number), (q_ref, n_ref) in zip(
            [n for n in numbers if n[1]], [("PER03", "PER04"), ("PER05", "PER06")], strict=False
        ):
            per[q_ref], per[n_ref] = qualifier, number
        yield self._seg("PER", per)
        yield self._seg(
            "NM1",
            {
                "NM101": "40",
                "NM102": "2",
                "NM103": b.receiver.name,
                "NM108": "46",
                "NM109": b.receiver.id,
            },
        )
        # 2000A / 2010AA billing provider
        bp = b.billing_provider
        yield self._seg("HL", {"HL01": "1", "HL03": "20", "HL04": "1"})
        yield self._seg("PRV", {"PRV01": "BI", "PRV02": "PXC", "PRV03": bp.taxonomy})
        yield self._seg(
            "NM1", {"NM101": "85", "NM102": "2", "NM103": bp.name, "NM108": "XX", "NM109": bp.npi}
        )
        yield from self._address(bp.address)
        yield self._seg("REF", {"REF01": "EI", "REF02": bp.ein})

        hl = 1
        for _member_id, member_claims in groupby(claims, key=lambda c: c.member.member_id):
            group = list(member_claims)
            hl += 1
            yield from self._subscriber(hl, group[0].member)
            for claim in group:
                yield from self._claim(claim)
        self._claim_id = self._line = None
        yield self._seg("SE", {"SE01": self._count + 1, "SE02": control})

    def _address(self, address: Address) -> Iterator[str]:
        yield self._seg("N3", {"N301": address.line1, "N302": address.line2 or None})
        yield self._seg("N4", {"N401": address.city, "N402": address.state, "N403": address.zip})

    def _subscriber(self, hl: int, member: Member) -> Iterator[str]:
        self._claim_id = self._line = None
        yield self._seg("HL", {"HL01": str(hl), "HL02": "1", "HL03": "22", "HL04": "0"})
        yield self._seg("SBR", {"SBR01": "P", "SBR02": "18", "SBR09": "MC"})
        yield self._seg(
            "NM1",
            {
                "NM101": "IL",
                "NM102": "1",
                "NM103": member.last_name,
                "NM104": member.first_name,
                "NM108": "MI",
                "NM109": member.member_id,
            },
        )
        yield from self._address(member.address)
        yield self._seg(
            "DMG", {"DMG01": "D8", "DMG02": member.birth_date, "DMG03": member.sex.value}
        )
        payer = self.batch.payer
        yield self._seg(
            "NM1",
            {"NM101": "PR", "NM102": "2", "NM103": payer.name, "NM108": "PI", "NM109": payer.id},
        )

    def _claim(self, claim: Claim) -> Iterator[str]:
        self._claim_id, self._line = claim.claim_id, None
        yield self._seg(
            "CLM",
            {
                "CLM01": claim.claim_id,
                "CLM02": claim.total_charge,
                "CLM05": (claim.place_of_service, "B", claim.frequency.value),
                "CLM06": "Y",
                "CLM07": "A",
                "CLM08": "Y",
                "CLM09": "Y",
            },
        )
        if claim.tar_number:
            yield self._seg("REF", {"REF01": "G1", "REF02": claim.tar_number})
        if claim.payer_claim_number:
            yield self._seg("REF", {"REF01": "F8", "REF02": claim.payer_claim_number})
        hi = {}
        for index, code in enumerate(claim.diagnoses):
            hi[f"HI{index + 1:02d}"] = ("ABK" if index == 0 else "ABF", code)
        yield self._seg("HI", hi)
        if claim.rendering is not None:
            yield from self._rendering(claim.rendering)
        for number, line in enumerate(claim.lines, 1):
            yield from self._service_line(number, line)

    def _rendering(self, provider: RenderingProvider) -> Iterator[str]:
        yield self._seg(
            "NM1",
            {
                "NM101": "82",
                "NM102": "1",
                "NM103": provider.last_name,
                "NM104": provider.first_name or None,
                "NM108": "XX",
                "NM109": provider.npi,
            },
        )

    def _service_line(self, number: int, line: ServiceLine) -> Iterator[str]:
        self._line = line.control_number or str(number)
        yield self._seg("LX", {"LX01": number})
        yield self._seg(
            "SV1",
            {
                "SV101": ("HC", line.procedure, *line.modifiers),
                "SV102": line.charge,
                "SV103": "UN",
                "SV104": line.units,
                "SV105": line.place_of_service,
                "SV107": tuple(line.diagnosis_pointers),
            },
        )
        if line.end_date is not None and line.end_date != line.service_date:
            yield self._seg(
                "DTP",
                {
                    "DTP01": "472",
                    "DTP02": "RD8",
                    "DTP03": format_date_range(line.service_date, line.end_date),
                },
            )
        else:
            yield self._seg("DTP", {"DTP01": "472", "DTP02": "D8", "DTP03": line.service_date})
        if line.tar_number:
            yield self._seg("REF", {"REF01": "G1", "REF02": line.tar_number})
        if line.control_number:
            yield self._seg("REF", {"REF01": "6R", "REF02": line.control_number})
        if line.rendering is not None:
            yield from self._rendering(line.rendering)
