"""Our own 999 (with a TA1 where one is due), written from the engine's findings.

It answers a file the way a payer's front end would, one 999 interchange per interchange read and
one 999 transaction set per functional group:

- AK1 names the group (GS01, GS06, GS08); per transaction set, AK2 names it (ST01, ST02, its
  guide) and IK5 accepts it (A) only when it has no error finding at all, at any SNIP level;
  otherwise IK5 rejects it (R) with the set-level codes (IK502...: 5 when segments are in error,
  4 for a wrong SE01...);
- each segment in error gets an IK3 (its ID, its position in the set, its loop, the IK304 code
  of its rule), a CTX naming the claim (CLM01) when it is in one, and an IK4 per element finding
  (its position, data element number, IK403 code). The bad value itself (IK404) is left out: it
  may be member data;
- AK9 accepts the group when every set is accepted, partly (P) when some are, else rejects it,
  with the group-level codes (AK905...: 4 for a wrong GE02...);
- a TA1 follows when the interchange asked for one (ISA14 1) or has interchange-level errors, with
  the TA105 note code of the first.

Findings past the engine's keep limit are counted, not kept: the acceptance codes are still right
(they come from counts), the IK3 list is then the first ones. Output is deterministic: the
999's control numbers repeat the ones it answers, its date and time are those given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime

from edi837.conformance.context import GroupSummary
from edi837.conformance.engine import Result
from edi837.conformance.findings import Finding
from edi837.conformance.snip1 import ISA_NOTES
from edi837.issues import Severity
from edi837.x12.datatypes import N0
from edi837.x12.delimiters import Delimiters
from edi837.x12.serializer import Serializer, isa_segment
from edi837.x12.spec import dictionary

GUIDE = "005010X231A1"
DELIMITERS = Delimiters("*", ":", "^", "~")
_UNSAFE = re.compile(r"[*:^~\r\n]")
_SEGMENT_ID = re.compile(r"[A-Z0-9]{2,3}")
# the IK502 code of an element problem in ST or SE, the AK905 code of one in GS or GE
_SET_ELEMENT_CODES = {"ST01": "6", "ST02": "7", "ST03": "I6", "SE01": "4", "SE02": "7"}
_GROUP_ELEMENT_CODES = {"GS01": "1", "GS06": "6", "GS08": "2", "GE02": "6"}
_ENVELOPE_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})


def _safe(text: str, limit: int = 35) -> str:
    """A value copied into the 999: no delimiter of ours, not longer than its element."""
    return _UNSAFE.sub(" ", text).strip()[:limit] or "0"


def _count(text: str) -> int | None:
    try:
        return N0.count(text.strip())
    except ValueError:
        return None


def _position(finding: Finding) -> tuple[int, int, str]:
    """Where the finding's element is, from the dictionary: (element position, component
    position or 0, data element number or "") for IK401 and IK402; (0, 0, "") when unknown."""
    spec = dictionary().get(finding.segment_id)
    element_ref = finding.element.partition("-")[0]
    if spec is None or element_ref not in spec.positions:
        return 0, 0, ""
    element = spec.element(element_ref)
    component = 0
    for number, part in enumerate(element.components, 1):
        if part.ref == finding.element:
            component, element = number, part
    number_text = finding.data_element or element.ele
    return spec.position(element_ref), component, number_text if _count(number_text) else ""


class _Envelope:
    """The errors found at one level, by the codes the acknowledgment carries."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.errors = 0

    def add(self, code: str) -> None:
        if code and code not in self.codes:
            self.codes.append(code)


def _sort(findings: list[Finding]) -> tuple[
    dict[int, _Envelope], dict[tuple[int, int], _Envelope], dict[tuple[int, int, int], _Envelope],
    dict[tuple[int, int, int], list[Finding]],
]:  # fmt: skip
    interchanges: dict[int, _Envelope] = defaultdict(_Envelope)
    groups: dict[tuple[int, int], _Envelope] = defaultdict(_Envelope)
    sets: dict[tuple[int, int, int], _Envelope] = defaultdict(_Envelope)
    segments: dict[tuple[int, int, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.severity is not Severity.ERROR:
            continue
        rule = finding.rule
        kind, code = rule.ack_kind, rule.ack_code
        seg_id = finding.segment_id
        if finding.transaction and seg_id in ("ST", "SE") and kind == "IK403":
            kind, code = "IK502", _SET_ELEMENT_CODES.get(finding.element, "I6")
        elif seg_id in ("GS", "GE") and kind == "IK403":
            kind, code = "AK905", _GROUP_ELEMENT_CODES.get(finding.element, "1")
        elif seg_id in ("ISA", "IEA") and kind == "IK403":
            number = _position(finding)[0]
            kind = "TA105"
            code = (
                ISA_NOTES.get(number, "024") if seg_id == "ISA" else "021" if number == 1 else "001"
            )
        key = (finding.interchange, finding.group, finding.transaction)
        if kind == "TA105" or not finding.group:
            interchanges[finding.interchange].add(code if kind == "TA105" else "024")
        elif kind == "AK905" or not finding.transaction:
            groups[key[:2]].add(code if kind == "AK905" else "")
            groups[key[:2]].errors += 1
        elif kind == "IK502":
            sets[key].add(code)
        else:
            segments[key].append(finding)
    return interchanges, groups, sets, segments


def acknowledgment(result: Result, created: datetime) -> str:
    """The 999 text for a validated file (see the module docstring)."""
    interchanges, groups, sets, segments = _sort(result.findings.kept)
    writer = Serializer(DELIMITERS)
    out: list[str] = []
    for interchange in result.interchanges:
        number = interchange.interchange
        its_groups = [g for g in result.groups if g.interchange == number]
        out.append(
            isa_segment(
                [
                    "00",
                    " " * 10,
                    "00",
                    " " * 10,
                    _qualifier(interchange.receiver_qualifier),
                    _safe(interchange.receiver, 15).ljust(15),
                    _qualifier(interchange.sender_qualifier),
                    _safe(interchange.sender, 15).ljust(15),
                    created.strftime("%y%m%d"),
                    created.strftime("%H%M"),
                    "^",
                    "00501",
                    _control(interchange.control_number),
                    "0",
                    interchange.usage if interchange.usage in ("P", "T") else "P",
                    ":",
                ],
                DELIMITERS,
            )
        )
        for group in its_groups:
            out += _group(writer, result, group, groups, sets, segments, created)
        problems = interchanges.get(number)
        if interchange.ack_requested == "1" or problems is not None:
            note = problems.codes[0] if problems is not None and problems.codes else "000"
            out.append(
                writer.segment(
                    [
                        "TA1",
                        _control(interchange.control_number),
                        interchange.date
                        if len(interchange.date) == 6
                        else created.strftime("%y%m%d"),
                        interchange.time
                        if len(interchange.time) == 4
                        else created.strftime("%H%M"),
                        "R" if problems is not None else "A",
                        note,
                    ]
                )
            )
        out.append(
            writer.segment(["IEA", str(len(its_groups)), _control(interchange.control_number)])
        )
    return "".join(out)


def _group(
    writer: Serializer,
    result: Result,
    group: GroupSummary,
    groups: dict[tuple[int, int], _Envelope],
    sets: dict[tuple[int, int, int], _Envelope],
    segments: dict[tuple[int, int, int], list[Finding]],
    created: datetime,
) -> list[str]:
    key = (group.interchange, group.group)
    its_sets = [s for s in result.sets if (s.interchange, s.group) == key]
    control = str(group.group)
    body: list[str] = [
        writer.segment(["ST", "999", "0001", GUIDE]),
        writer.segment(
            [
                "AK1",
                _safe(group.functional_id, 2) or "HC",
                _digits(group.control_number),
                _safe(group.version, 12),
            ]
        ),
    ]
    accepted = 0
    for summary in its_sets:
        set_key = (summary.interchange, summary.group, summary.transaction)
        body.append(
            writer.segment(
                [
                    "AK2",
                    _safe(summary.set_id, 3),
                    _safe(summary.control_number, 9).rjust(4, "0"),
                    _safe(summary.version, 35),
                ]
            )
        )
        found = segments.get(set_key, [])
        body += _segment_errors(writer, found)
        codes = sets[set_key].codes if set_key in sets else []
        if summary.errors:
            if found and "5" not in codes:
                codes = ["5", *codes]
            body.append(writer.segment(["IK5", "R", *codes[:5]]))
        else:
            accepted += 1
            body.append(writer.segment(["IK5", "A"]))
    problems = groups.get(key)
    if problems is not None and problems.errors:
        verdict = "R"
    elif accepted == len(its_sets):
        verdict = "A"
    else:
        verdict = "P" if accepted else "R"
    codes = [c for c in (problems.codes if problems else []) if c]
    body.append(
        writer.segment(
            [
                "AK9",
                verdict,
                str(group.declared_sets if group.declared_sets is not None else len(its_sets)),
                str(len(its_sets)),
                str(accepted),
                *codes[:5],
            ]
        )
    )
    body.append(writer.segment(["SE", str(len(body) + 1), "0001"]))
    return [
        writer.segment(
            [
                "GS",
                "FA",
                _safe(group.receiver, 15) or "RECEIVER",
                _safe(group.sender, 15) or "SENDER",
                created.strftime("%Y%m%d"),
                created.strftime("%H%M"),
                control,
                "X",
                GUIDE,
            ]
        ),
        *body,
        writer.segment(["GE", "1", control]),
    ]


def _segment_errors(writer: Serializer, found: list[Finding]) -> list[str]:
    """IK3 (and its CTX and IK4s) for each segment in error, in the set's order."""
    by_segment: dict[tuple[int, str, str], list[Finding]] = {}
    for finding in found:
        code = finding.rule.ack_code if finding.rule.ack_kind == "IK304" else "8"
        by_segment.setdefault((finding.set_position, finding.segment_id, code), []).append(finding)
    out: list[str] = []
    for (position, seg_id, code), items in sorted(by_segment.items(), key=lambda kv: kv[0][0]):
        first = items[0]
        loop_id = first.loop_id
        out.append(
            writer.segment(
                [
                    "IK3",
                    seg_id if _SEGMENT_ID.fullmatch(seg_id) else "UNK",
                    str(max(position, 1)),
                    loop_id[:4],
                    code,
                ]
            )
        )
        if first.claim:
            out.append(writer.segment(["CTX", ("CLM01", _safe(first.claim, 35))]))
        for finding in items:
            if finding.rule.ack_kind != "IK403" or not finding.element:
                continue
            element, component, number = _position(finding)
            if not element:
                continue
            at = (str(element), str(component)) if component else str(element)
            out.append(writer.segment(["IK4", at, number, finding.rule.ack_code]))
    return out


def _qualifier(text: str) -> str:
    return text if len(text) == 2 and text.isalnum() else "ZZ"


def _control(text: str) -> str:
    """An interchange control number echoed (TA101, our ISA13): nine digits."""
    number = _count(text)
    return N0.format(number % 10**9 if number is not None else 0, 9)


def _digits(text: str) -> str:
    """A group control number echoed (AK102): a number of at most nine digits."""
    number = _count(text)
    return str(number % 10**9) if number is not None else "0"
