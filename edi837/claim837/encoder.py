"""Model -> 837P segments. The only place that decides which 837P segments carry which values.

Segments are built from typed values through the segment dictionary (segments/elements.toml),
which formats them (R, DT, N0...) and checks their lengths; any problem is collected with the
claim it belongs to. The text goes out one segment at a time, so a large batch never sits in
memory as text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby

import attrs

from edi837.claim837 import VERSION
from edi837.model.claims import Claim, ClaimBatch, Member, RenderingProvider
from edi837.model.common import Address
from edi837.x12 import spec
from edi837.x12.datatypes import DT, N0, TM, ElementProblem
from edi837.x12.delimiters import Delimiters
from edi837.x12.serializer import Serializer, Template, isa_segment, isa_width


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
        t = self.serializer.template
        p = self._element_problems
        # One compiled template per segment shape; those whose values repeat are memoised.
        self._st = t("ST", p, "ST02", ST01="837", ST03=VERSION)
        self._bht = t("BHT", p, "BHT03", "BHT04", "BHT05", BHT01="0019", BHT02="00", BHT06="CH")
        self._nm1_org = t("NM1", p, "NM101", "NM103", "NM108", "NM109", NM102="2")
        self._per = t("PER", p, "PER02", "PER03", "PER04", "PER05", "PER06", PER01="IC")
        self._hl = t("HL", p, "HL01", "HL02", "HL03", "HL04")
        self._prv = t("PRV", p, "PRV03", PRV01="BI", PRV02="PXC")
        self._n3 = t("N3", p, "N301", "N302", memo=True)
        self._n4 = t("N4", p, "N401", "N402", "N403", memo=True)
        self._ref = t("REF", p, "REF01", "REF02")
        self._sbr = t("SBR", p, SBR01="P", SBR02="18", SBR09="MC")
        self._nm1_person = t(
            "NM1", p, "NM101", "NM103", "NM104", "NM108", "NM109", NM102="1", memo=True
        )
        self._dmg = t("DMG", p, "DMG02", "DMG03", DMG01="D8", memo=True)
        self._clm = t(
            "CLM", p, "CLM01", "CLM02", "CLM05", CLM06="Y", CLM07="A", CLM08="Y", CLM09="Y"
        )
        self._hi_width = len(spec.segment("HI").elements)  # 12 diagnosis composites
        self._hi = t("HI", p, *spec.segment("HI").refs(), memo=True)
        self._lx = t("LX", p, "LX01", memo=True)
        self._sv1 = t("SV1", p, "SV101", "SV102", "SV104", "SV105", "SV107", SV103="UN", memo=True)
        self._dtp_d8 = t("DTP", p, "DTP03", DTP01="472", DTP02="D8", memo=True)
        self._dtp_rd8 = t("DTP", p, "DTP03", DTP01="472", DTP02="RD8", memo=True)
        self._se = t("SE", p, "SE01", "SE02")

    def _put(self, template: Template, *values: object) -> str:
        text = template(*values)
        self._count += 1
        if self._element_problems:
            for problem in self._element_problems:
                self.problems.append(
                    EncodingProblem(template.seg_id, problem, self._claim_id, self._line)
                )
            self._element_problems.clear()
        return text

    # -- the file ------------------------------------------------------------------------------
    def segments(self) -> Iterator[str]:
        """The whole file of a batch held in memory (a void, a replacement, the tests)."""
        yield from self.header()
        transactions = 0
        for st02, claims in self.batch.transactions():
            transactions += 1
            yield from self.transaction(st02, claims)
        yield from self.trailer(transactions)

    def header(self) -> Iterator[str]:
        """ISA and GS. A build streams its claims: header, then each transaction set as it fills
        (:meth:`transaction`), then :meth:`trailer`; the batch's claims are never all held."""
        b = self.batch
        ic = b.interchange
        t = self.serializer.template
        p = self._element_problems
        yield isa_segment(
            [
                "00",
                " " * isa_width("ISA02"),
                "00",
                " " * isa_width("ISA04"),
                ic.sender_qualifier,
                ic.sender_id.ljust(isa_width("ISA06")),
                ic.receiver_qualifier,
                ic.receiver_id.ljust(isa_width("ISA08")),
                DT.format(b.created.date(), isa_width("ISA09")),
                TM.format(b.created),
                self.delimiters.repetition or "^",
                "00501",
                N0.format(ic.control_number, isa_width("ISA13")),
                "1" if ic.ack_requested else "0",
                ic.usage.value,
                self.delimiters.component,
            ],
            self.delimiters,
            line_breaks=self.line_breaks,
        )
        gs = t("GS", p, "GS02", "GS03", "GS04", "GS05", "GS06", GS01="HC", GS07="X", GS08=VERSION)
        yield self._put(
            gs, ic.gs_sender, ic.gs_receiver, b.created.date(), b.created.time(), ic.group_number
        )

    def trailer(self, transactions: int) -> Iterator[str]:
        """GE and IEA, once ``transactions`` sets were written."""
        ic = self.batch.interchange
        t = self.serializer.template
        p = self._element_problems
        yield self._put(t("GE", p, "GE01", "GE02"), transactions, ic.group_number)
        yield self._put(t("IEA", p, "IEA01", "IEA02"), 1, ic.control_number)

    def transaction(self, st02: int, claims: Sequence[Claim]) -> Iterator[str]:
        """One transaction set (ST to SE) of ``claims``, ordered by member."""
        b = self.batch
        self._count = 0
        control = f"{st02:04d}"
        out: list[str] = []
        put = out.append
        put(self._put(self._st, control))
        # BHT03 names this transaction set (ISA13 then ST02): unique within and across batches,
        # so a 277CA that echoes it ties its answer to the set
        put(self._put(self._bht, b.reference(st02), b.created.date(), b.created.time()))
        # 1000A submitter, 1000B receiver
        put(self._put(self._nm1_org, "41", b.submitter.name, "46", b.submitter.id))
        contact = b.submitter.contact
        numbers = [(q, n) for q, n in (("TE", contact.phone), ("EM", contact.email)) if n]
        flat: list[str | None] = [q_or_n for pair in numbers for q_or_n in pair]
        flat += [None] * (4 - len(flat))
        put(self._put(self._per, contact.name or None, *flat))
        put(self._put(self._nm1_org, "40", b.receiver.name, "46", b.receiver.id))
        # 2000A / 2010AA billing provider
        bp = b.billing_provider
        put(self._put(self._hl, "1", None, "20", "1"))
        put(self._put(self._prv, bp.taxonomy))
        put(self._put(self._nm1_org, "85", bp.name, "XX", bp.npi))
        self._address(out, bp.address)
        put(self._put(self._ref, "EI", bp.ein))
        yield "".join(out)

        hl = 1
        for _member_id, member_claims in groupby(claims, key=lambda c: c.member.member_id):
            group = list(member_claims)
            hl += 1
            out = []
            self._subscriber(out, hl, group[0].member)
            for claim in group:
                self._claim(out, claim)
            yield "".join(out)
        self._claim_id = self._line = None
        yield self._put(self._se, self._count + 1, control)

    def _address(self, out: list[str], address: Address) -> None:
        out.append(self._put(self._n3, address.line1, address.line2 or None))
        out.append(self._put(self._n4, address.city, address.state, address.zip))

    def _subscriber(self, out: list[str], hl: int, member: Member) -> None:
        self._claim_id = self._line = None
        put = out.append
        put(self._put(self._hl, str(hl), "1", "22", "0"))
        put(self._put(self._sbr))
        put(
            self._put(
                self._nm1_person, "IL", member.last_name, member.first_name, "MI", member.member_id
            )
        )
        self._address(out, member.address)
        put(self._put(self._dmg, member.birth_date, member.sex.value))
        payer = self.batch.payer
        put(self._put(self._nm1_org, "PR", payer.name, "PI", payer.id))

    def _claim(self, out: list[str], claim: Claim) -> None:
        """The 2300 loop and its lines. The hot path: 100,000 lines make half a million
        segments, so it appends to one list and counts segments once per claim."""
        self._claim_id, self._line = claim.claim_id, None
        put = out.append
        start = len(out)
        problems = self._element_problems
        put(
            self._clm(
                claim.claim_id,
                claim.total_charge,
                (claim.place_of_service, "B", claim.frequency.value),
            )
        )
        if claim.tar_number:
            put(self._ref("G1", claim.tar_number))
        if claim.payer_claim_number:
            put(self._ref("F8", claim.payer_claim_number))
        diagnoses = [("ABK" if i == 0 else "ABF", code) for i, code in enumerate(claim.diagnoses)]
        put(self._hi(*diagnoses, *([None] * (self._hi_width - len(diagnoses)))))
        if claim.rendering is not None:
            put(self._rendering_segment(claim.rendering))
        if problems:
            self._locate(problems)
        lx, sv1, d8, rd8, ref = self._lx, self._sv1, self._dtp_d8, self._dtp_rd8, self._ref
        for number, line in enumerate(claim.lines, 1):
            put(lx(number))
            put(
                sv1(
                    ("HC", line.procedure, *line.modifiers),
                    line.charge,
                    line.units,
                    line.place_of_service,
                    line.diagnosis_pointers,
                )
            )
            end = line.end_date
            if end is not None and end != line.service_date:
                put(rd8(DT.format_range(line.service_date, end)))
            else:
                put(d8(line.service_date))
            if line.tar_number:
                put(ref("G1", line.tar_number))
            if line.control_number:
                put(ref("6R", line.control_number))
            if line.rendering is not None:
                put(self._rendering_segment(line.rendering))
            if problems:
                self._line = line.control_number or str(number)
                self._locate(problems)
        self._count += len(out) - start

    def _locate(self, problems: list[ElementProblem]) -> None:
        for problem in problems:
            self.problems.append(
                EncodingProblem(spec.segment_of(problem.ref), problem, self._claim_id, self._line)
            )
        problems.clear()

    def _rendering_segment(self, provider: RenderingProvider) -> str:
        return self._nm1_person(
            "82", provider.last_name, provider.first_name or None, "XX", provider.npi
        )
