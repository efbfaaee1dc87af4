"""A 277CA-style preview: what the payer's claim acknowledgment would say of each claim, from
the engine's findings.

The engine hands every claim of an 837P to :meth:`Preview.claim` as it closes
(:class:`~edi837.conformance.claims.ClaimOutcome`); :meth:`Preview.text` then writes one 277
(005010X214) for the file: the payer (2000A), the submitter with the batch's totals (2000B: how
many claims and how much charge were accepted and rejected), each billing provider with its own
(2000C), and each claim (2000D, TRN02 = CLM01):

- a claim with no error: ``STC*A2:20`` (accepted into adjudication), action ``WQ``;
- a claim with errors: ``STC*A7:<status>`` (rejected for invalid information), action ``U``,
  the status codes of its first three kinds of error in STC01, STC10 and STC11 (178 submitted
  charges, 255 diagnosis code, 562 NPI...; 21 "missing or invalid information" otherwise).

It is a preview: a real 277CA comes only for transaction sets the 999 accepted, and the payer adds
its own edits. Claims are spooled to a temporary file (0600, removed after), so a large batch
does not hold them all in memory. Like the 837 it answers, the preview names the patients: it is
written 0600 and never printed.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import attrs

from edi837.conformance.claims import ClaimOutcome
from edi837.conformance.engine import Result
from edi837.x12.datatypes import N0, R
from edi837.x12.delimiters import Delimiters
from edi837.x12.serializer import Serializer, isa_segment

GUIDE = "005010X214"
DELIMITERS = Delimiters("*", ":", "^", "~")
_UNSAFE = re.compile(r"[*:^~\r\n]")
ACCEPTED, REJECTED = "A2:20", "A7"
# the claim status code (code source 508) a rule's finding stands for
STATUS = {
    "SNIP3-CLM02-TOTAL": "178",
    "SNIP3-CLM02-ZERO": "178",
    "SNIP4-DX-POINTER": "255",
    "SNIP4-DX-DUPLICATE": "255",
    "SNIP5-ICD10-BILLABLE": "255",
    "SNIP5-HCPCS": "454",
    "SNIP5-POS": "249",
    "SNIP4-SPAN-ORDER": "187",
    "SNIP4-SERVICE-FUTURE": "187",
    "SNIP4-BIRTH-AFTER-SERVICE": "158",
    "SNIP5-NPI": "562",
    "SNIP5-TAXONOMY": "145",
    "SNIP4-ZIP4": "500",
    "SNIP4-FREQUENCY-REF": "464",
    "SNIP5-FREQUENCY": "535",
}
MISSING_OR_INVALID = "21"


def _safe(text: str, limit: int = 60) -> str:
    return _UNSAFE.sub(" ", text).strip()[:limit]


def _amount(text: str) -> Decimal:
    try:
        return R.parse(text) if text else Decimal(0)
    except ValueError:
        return Decimal(0)  # not a number: a SNIP 1 finding already


def _control(text: str) -> str:
    """The batch's ISA13, echoed as the preview's references: nine digits."""
    try:
        number = N0.count(text.strip())
    except ValueError:
        number = 1
    return N0.format(number % 10**9, 9)


def statuses(rules: tuple[str, ...]) -> list[str]:
    """The status codes of a claim's errors: the first three kinds, in the order found."""
    codes: list[str] = []
    for rule_id in rules:
        code = STATUS.get(rule_id, MISSING_OR_INVALID)
        if code not in codes:
            codes.append(code)
    return codes[:3]


@attrs.define(slots=True)
class _Totals:
    accepted: int = 0
    rejected: int = 0
    accepted_amount: Decimal = Decimal(0)
    rejected_amount: Decimal = Decimal(0)

    def add(self, outcome: ClaimOutcome) -> None:
        amount = _amount(outcome.charge)
        if outcome.errors:
            self.rejected += 1
            self.rejected_amount += amount
        else:
            self.accepted += 1
            self.accepted_amount += amount


class Preview:
    """See the module docstring. ``created`` dates the preview (its STC02, DTP and envelope)."""

    def __init__(self, created: datetime) -> None:
        self.created = created
        self.writer = Serializer(DELIMITERS)
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in text()
        self.providers: dict[tuple[str, str], _Totals] = {}
        self.total = _Totals()
        self.submitter = ("", "")
        self.payer = ("", "")

    def claim(self, outcome: ClaimOutcome) -> None:
        if not self.total.accepted and not self.total.rejected:
            self.submitter, self.payer = outcome.submitter, outcome.payer
        key = (outcome.provider_name, outcome.provider_npi)
        self.providers.setdefault(key, _Totals()).add(outcome)
        self.total.add(outcome)
        provider = list(self.providers).index(key)
        self.spool.write(f"{provider:09d}\t{self._claim(outcome)}\n")

    def _claim(self, outcome: ClaimOutcome) -> str:
        """The claim's 2100D and 2200D, without its HL (numbered when the preview is written)."""
        date = self.created.strftime("%Y%m%d")
        charge = outcome.charge or "0"
        stc: list[str | tuple[str, ...]]
        if outcome.errors:
            first, *more = statuses(outcome.errors)
            stc = ["STC", (REJECTED, first), date, "U", charge, "", "", "", "", ""]
            stc += [(REJECTED, code) for code in more]
        else:
            stc = ["STC", tuple(ACCEPTED.split(":")), date, "WQ", charge]
        start = outcome.first_date or self.created.date()
        end = outcome.last_date or start
        span = (
            ("D8", start.strftime("%Y%m%d"))
            if start == end
            else ("RD8", f"{start:%Y%m%d}-{end:%Y%m%d}")
        )
        segments: list[list[str | tuple[str, ...]]] = [
            [
                "NM1",
                "QC",
                "1",
                _safe(outcome.patient_last, 60) or "UNKNOWN",
                _safe(outcome.patient_first, 35),
                "",
                "",
                "",
                "MI",
                _safe(outcome.patient_id, 80) or "UNKNOWN",
            ],
            ["TRN", "2", _safe(outcome.claim_id, 50) or "0"],
            stc,
            ["DTP", "472", *span],
        ]
        return "".join(self.writer.segment(s) for s in segments).replace("\n", "\x1f")

    def _spooled(self, provider: int) -> Iterator[str]:
        self.spool.seek(0)
        wanted = f"{provider:09d}\t"
        for line in self.spool:
            if line.startswith(wanted):
                yield line[len(wanted) :].rstrip("\n").replace("\x1f", "\n")

    def text(self, result: Result) -> str:
        """The preview 277 for the file the engine validated."""
        try:
            return "".join(self._write(result))
        finally:
            self.spool.close()

    def _write(self, result: Result) -> Iterator[str]:
        w = self.writer.segment
        created = self.created
        date, time = created.strftime("%Y%m%d"), created.strftime("%H%M")
        first = result.interchanges[0] if result.interchanges else None
        group = result.groups[0] if result.groups else None
        control = _control(first.control_number if first else "")
        payer_name, payer_id = (_safe(v, 60) for v in self.payer)
        submitter_name, submitter_id = (_safe(v, 60) for v in self.submitter)
        yield isa_segment(
            [
                "00",
                " " * 10,
                "00",
                " " * 10,
                (first.receiver_qualifier if first else "ZZ") or "ZZ",
                _safe(first.receiver if first else "", 15).ljust(15),
                (first.sender_qualifier if first else "ZZ") or "ZZ",
                _safe(first.sender if first else "", 15).ljust(15),
                created.strftime("%y%m%d"),
                time,
                "^",
                "00501",
                control,
                "0",
                (first.usage if first else "P") or "P",
                ":",
            ],
            DELIMITERS,
        )
        yield w(
            [
                "GS",
                "HN",
                _safe(group.receiver if group else "", 15) or "RECEIVER",
                _safe(group.sender if group else "", 15) or "SENDER",
                date,
                time,
                "1",
                "X",
                GUIDE,
            ]
        )
        body: list[str] = [
            w(["ST", "277", "0001", GUIDE]),
            w(["BHT", "0085", "08", control, date, time, "TH"]),
            w(["HL", "1", "", "20", "1"]),
            w(["NM1", "PR", "2", payer_name or "PAYER", "", "", "", "", "PI", payer_id or "PAYER"]),
            w(["TRN", "1", control]),
            w(["DTP", "050", "D8", date]),
            w(["DTP", "009", "D8", date]),
            w(["HL", "2", "1", "21", "1"]),
            w(
                [
                    "NM1",
                    "41",
                    "2",
                    submitter_name or "SUBMITTER",
                    "",
                    "",
                    "",
                    "",
                    "46",
                    submitter_id or "SUBMITTER",
                ]
            ),
            w(["TRN", "2", control]),
            *self._status(("90", "AA"), self.total, date, dated=True),
        ]
        number = 2
        for index, ((name, npi), totals) in enumerate(self.providers.items()):
            number += 1
            provider_hl = number
            body += [
                w(["HL", str(provider_hl), "2", "19", "1"]),
                w(
                    [
                        "NM1",
                        "85",
                        "2",
                        _safe(name, 60) or "PROVIDER",
                        "",
                        "",
                        "",
                        "",
                        "XX",
                        _safe(npi, 80) or "0000000000",
                    ]
                ),
                w(["TRN", "1", control]),
                *self._status(("QA", "QC"), totals, date),
            ]
            for claim in self._spooled(index):
                number += 1
                body.append(w(["HL", str(number), str(provider_hl), "PT"]))
                body.append(claim)
        count = sum(text.count(DELIMITERS.segment) for text in body) + 1
        body.append(w(["SE", str(count), "0001"]))
        yield from body
        yield w(["GE", "1", "1"])
        yield w(["IEA", "1", control])

    def _status(
        self, quantities: tuple[str, str], totals: _Totals, date: str, *, dated: bool = False
    ) -> list[str]:
        """A receiver's or provider's STC and totals (QTY qualifiers differ: 90/AA for the
        receiver, QA/QC for a provider): acknowledged, unless every claim was rejected."""
        w = self.writer.segment
        charged = totals.accepted_amount + totals.rejected_amount
        code = ("A1", "19") if totals.accepted else ("A3", "21")
        when = date if dated else ""  # the provider's STC02 is Not Used
        out = [w(["STC", code, when, "WQ" if totals.accepted else "U", str(charged)])]
        if totals.accepted:
            out.append(w(["QTY", quantities[0], str(totals.accepted)]))
        if totals.rejected:
            out.append(w(["QTY", quantities[1], str(totals.rejected)]))
        if totals.accepted:
            out.append(w(["AMT", "YU", str(totals.accepted_amount)]))
        if totals.rejected:
            out.append(w(["AMT", "YY", str(totals.rejected_amount)]))
        return out
