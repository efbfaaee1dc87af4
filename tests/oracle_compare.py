"""Compare our engine's SNIP 1-2 findings with pyx12's, like with like.

Each finding becomes a key: ``("SEG", position, segment ID, code)`` for a segment finding,
``("ELE", position, segment ID, refdes, code)`` for an element finding, and for an envelope
finding the envelope it concerns, by ordinal (``("ISA", 1, "025")``, ``("GS", 1, 1, "6")``,
``("ST", 1, 1, 2, "4")``): pyx12 locates those at the trailer, or wherever the envelope was when
it noticed, so positions would not compare. Our rules name pyx12's code (``Rule.pyx12``); rules
pyx12 has no counterpart for are not compared.

Where we differ from pyx12 on purpose, :func:`differences` sorts the keys one side has and the
other lacks into named reasons (docs/decisions/0009-our-own-conformance-engine.md gives each):

- ``envelope-elements``: pyx12 leaves out of its JSON the element and segment findings of the
  envelope segments (ISA, GS, ST, SE, GE, IEA) that it logs; we report them.
- ``unreadable-segment-id``: pyx12 reports a segment whose ID cannot be read twice (as not
  found, and again on the next segment it places), and files that segment's other findings
  (trailing separators, empty) on the next segment too; we report each once, on the segment.
- ``hl-cascade``: after a wrong HL02 pyx12 closes every open HL, so each later HL02 naming one is
  reported too; we report the wrong one.
- ``no-transaction-set``: pyx12 drops findings it makes while no transaction set is open (a TA1
  interchange, an ST with no GS); we report them.
- ``interchange-delimiters``: pyx12 reads every interchange of a file with the first one's
  delimiters; we read each with its own, so pyx12's findings in a later interchange that
  declares others are not compared.
- ``isa-not-fixed-width``: pyx12 takes an ISA's delimiters from the fixed offsets of a
  106-character ISA; an ISA of another length (an eight-digit ISA13) makes it misread the whole
  interchange. We read the delimiters from the ISA's 16 elements, report the width
  (SNIP1-ISA-WIDTH) and validate the interchange; pyx12's findings in it are not compared.
- ``guide-not-validated``: a transaction set of a guide we do not validate (an 837I, say) is
  reported as such (SNIP2-GUIDE) and not checked; pyx12 checks it against its own map.

Anything else is a real difference, and fails the tests.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any

from edi837.conformance.engine import Result
from edi837.oracle.pyx12_validator import Validation

Key = tuple[Any, ...]
ENVELOPE_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
REASONS = (
    "envelope-elements",
    "unreadable-segment-id",
    "hl-cascade",
    "no-transaction-set",
    "guide-not-validated",
    "interchange-delimiters",
    "isa-not-fixed-width",
)


class Envelopes:
    """Which interchange, group and set a file position falls in, from our result."""

    def __init__(self, result: Result) -> None:
        self.isa = [i.position for i in result.interchanges]
        self.gs = [(g.position, g.interchange, g.group) for g in result.groups]
        self.st = [(s.position, s.interchange, s.group, s.transaction) for s in result.sets]

    def interchange(self, position: int) -> int:
        return bisect.bisect_right(self.isa, position)

    def group(self, position: int) -> tuple[int, int]:
        found = [g for g in self.gs if g[0] <= position]
        return found[-1][1:] if found else (0, 0)

    def transaction(self, position: int) -> tuple[int, int, int]:
        found = [s for s in self.st if s[0] <= position]
        return found[-1][1:] if found else (0, 0, 0)


def pyx12_keys(validation: Validation, result: Result) -> Counter[Key]:
    """pyx12's findings (from the oracle module's issues) as keys."""
    where = Envelopes(result)
    keys: Counter[Key] = Counter()
    for issue in validation.issues:
        rule = issue.rule_id
        at = issue.location.segment or 0
        if rule.startswith("X12-ISA-"):
            keys[("ISA", where.interchange(at), rule[8:])] += 1
        elif rule.startswith("X12-GS-"):
            keys[("GS", *where.group(at), rule[7:])] += 1
        elif "-ST" in rule and rule.startswith("IG-") and rule.rpartition("-ST")[2].isdigit():
            keys[("ST", *where.transaction(at), rule.rpartition("-ST")[2])] += 1
        elif "-SEG" in rule:
            keys[("SEG", at, issue.location.segment_id, rule.rpartition("-SEG")[2])] += 1
        elif "-ELE" in rule:
            code = rule.rpartition("-ELE")[2]
            keys[("ELE", at, issue.location.segment_id, issue.location.element, code)] += 1
        else:  # IG-VALIDATOR: pyx12 could not run
            keys[("VALIDATOR",)] += 1
    return keys


def our_keys(result: Result) -> Counter[Key]:
    keys: Counter[Key] = Counter()
    for f in result.findings.kept:
        code = f.rule.pyx12
        if not code:
            continue
        if code.startswith("ISA"):
            keys[("ISA", f.interchange, code[3:])] += 1
        elif code.startswith("GS"):
            keys[("GS", f.interchange, f.group, code[2:])] += 1
        elif code.startswith("ST"):
            keys[("ST", f.interchange, f.group, f.transaction, code[2:])] += 1
        elif code.startswith("SEG"):
            keys[("SEG", f.position, f.segment_id, code[3:])] += 1
        else:
            keys[("ELE", f.position, f.segment_id, f.element, code[3:])] += 1
    return keys


def differences(
    validation: Validation, result: Result
) -> tuple[Counter[str], Counter[Key], Counter[Key]]:
    """(explained differences by reason, pyx12's unexplained keys, ours unexplained)."""
    theirs, ours = pyx12_keys(validation, result), our_keys(result)
    only_theirs, only_ours = theirs - ours, ours - theirs
    explained: Counter[str] = Counter()
    unreadable = {f.position for f in result.findings.kept if f.rule.id == "SNIP1-SEG-ID"}
    hl_parents = {f.position for f in result.findings.kept if f.rule.id == "SNIP2-HL-PARENT"}
    outside = {
        f.position
        for f in result.findings.kept
        if f.transaction == 0 and f.rule.pyx12.startswith(("SEG", "ELE"))
    }
    first = result.interchanges[0].delimiters if result.interchanges else ""
    other = min((i.position for i in result.interchanges if i.delimiters != first), default=None)
    for key in list(only_ours):
        if other is not None and key[0] in ("SEG", "ELE") and key[1] >= other:
            explained["interchange-delimiters"] += only_ours.pop(key)
        elif key[0] in ("SEG", "ELE") and key[2] in ENVELOPE_SEGMENTS:
            explained["envelope-elements"] += only_ours.pop(key)
        elif key[0] in ("SEG", "ELE") and key[1] in outside:
            explained["no-transaction-set"] += only_ours.pop(key)
    unchecked = [(s.position, s.position + s.segments) for s in result.sets if not s.kind]
    misread = [
        (i.position, _next_isa(result, i.position))
        for i in result.interchanges
        if any(
            f.rule.id == "SNIP1-ISA-WIDTH" and f.position == i.position
            for f in result.findings.kept
        )
    ]
    for key in list(only_ours):  # an unreadable segment's findings pyx12 files on the next one
        if key[0] == "SEG" and key[1] in unreadable and key[3] in ("SEG1", "8"):
            moved = [
                k for k in only_theirs if k[0] == "SEG" and k[1] == key[1] + 1 and k[3] == key[3]
            ]
            if moved:
                only_theirs[moved[0]] -= 1
                only_ours[key] -= 1
                explained["unreadable-segment-id"] += 1
                only_theirs, only_ours = +only_theirs, +only_ours
    for key in list(only_theirs):
        if key[0] in ("SEG", "ELE") and any(a <= key[1] < b for a, b in misread):
            explained["isa-not-fixed-width"] += only_theirs.pop(key)
        elif other is not None and key[0] in ("SEG", "ELE") and key[1] >= other:
            explained["interchange-delimiters"] += only_theirs.pop(key)
        elif key[0] in ("SEG", "ELE") and any(a <= key[1] <= b for a, b in unchecked):
            explained["guide-not-validated"] += only_theirs.pop(key)
        elif (
            key[0] == "SEG" and key[3] == "1" and (key[1] in unreadable or key[1] - 1 in unreadable)
        ):
            explained["unreadable-segment-id"] += only_theirs.pop(key)
        elif key[0] == "SEG" and key[3] == "HL2" and hl_parents and key[1] > min(hl_parents):
            explained["hl-cascade"] += only_theirs.pop(key)
    return explained, only_theirs, only_ours


def _next_isa(result: Result, position: int) -> int:
    later = [i.position for i in result.interchanges if i.position > position]
    return min(later) if later else 1 << 62
