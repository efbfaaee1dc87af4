"""Interchange (ISA/IEA), group (GS/GE) and transaction (ST/SE) envelopes, as read.

``walk_envelopes`` streams the segments of a file with the envelope each one sits in, and checks
the counts and control numbers as envelopes close. Wrong counts are warnings (the content is still
readable); a file that ends inside an envelope is truncated, which is fatal: the last transaction
cannot be trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from edi837.errors import X12ParseError
from edi837.issues import Issue, Location, Severity
from edi837.x12.tokenizer import SegmentReader


@attrs.define(slots=True)
class Envelope:
    """The envelopes around the current segment (None where not open)."""

    isa: list[str] | None = None
    isa_position: int = 0
    gs: list[str] | None = None
    gs_position: int = 0
    st: list[str] | None = None
    st_position: int = 0
    st_segments: int = 0
    gs_transactions: int = 0
    isa_groups: int = 0

    @property
    def control_number(self) -> str:
        return self.st[2] if self.st and len(self.st) > 2 else ""

    @property
    def version(self) -> str:
        """ST03, or GS08 where ST03 is absent (allowed before 5010)."""
        if self.st and len(self.st) > 3 and self.st[3]:
            return self.st[3]
        return self.gs[8] if self.gs and len(self.gs) > 8 else ""


_ENVELOPE_IDS = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})


def _element(elements: list[str], index: int) -> str:
    return elements[index].strip() if len(elements) > index else ""


def walk_envelopes(
    reader: SegmentReader, issues: list[Issue]
) -> Iterator[tuple[int, list[str], Envelope]]:
    """Yield ``(position, elements, envelope)`` for every segment, ISA to IEA included."""
    env = Envelope()
    name = reader.name

    def warn(rule: str, message: str, position: int, seg_id: str) -> None:
        issues.append(
            Issue(
                rule,
                Severity.WARN,
                message,
                Location(file=name, segment=position, segment_id=seg_id),
            )
        )

    for elements in reader:
        seg_id = elements[0]
        if seg_id not in _ENVELOPE_IDS and env.st is not None:
            # The common case, kept lean: a segment inside a transaction set. Nothing to check.
            env.st_segments += 1
            yield reader.count, elements, env
            continue
        position = reader.count
        if seg_id == "ISA":
            if env.isa is not None:
                warn(
                    "X12-IEA-MISSING",
                    "a new ISA starts before the previous interchange's IEA",
                    position,
                    seg_id,
                )
            env = Envelope(isa=elements, isa_position=position)
        elif seg_id == "GS":
            if env.isa is None:
                warn(
                    "X12-ISA-MISSING",
                    "GS outside an interchange (no ISA before it)",
                    position,
                    seg_id,
                )
            if env.gs is not None:
                warn(
                    "X12-GE-MISSING",
                    "a new GS starts before the previous group's GE",
                    position,
                    seg_id,
                )
            env.gs, env.gs_position, env.gs_transactions = elements, position, 0
            env.isa_groups += 1
        elif seg_id == "ST":
            if env.st is not None:
                warn(
                    "X12-SE-MISSING",
                    "a new ST starts before the previous transaction's SE",
                    position,
                    seg_id,
                )
            if env.gs is None:
                warn(
                    "X12-GS-MISSING",
                    "ST outside a functional group (no GS before it)",
                    position,
                    seg_id,
                )
            env.st, env.st_position, env.st_segments = elements, position, 0
            env.gs_transactions += 1
        elif env.st is None and seg_id not in ("GE", "IEA", "TA1"):
            warn(
                "X12-OUTSIDE", f"{seg_id} is outside any transaction (ST ... SE)", position, seg_id
            )

        if env.st is not None:
            env.st_segments += 1
        yield position, elements, env

        if seg_id == "SE" and env.st is not None:
            _check_count(warn, "SE", elements, env.st_segments, "segments", position)
            if _element(elements, 2) != _element(env.st, 2):
                warn(
                    "X12-SE-CONTROL",
                    f"SE02 {_element(elements, 2)!r} does not match ST02 {_element(env.st, 2)!r}",
                    position,
                    seg_id,
                )
            env.st = None
        elif seg_id == "GE" and env.gs is not None:
            _check_count(warn, "GE", elements, env.gs_transactions, "transactions", position)
            if _element(elements, 2).lstrip("0") != _element(env.gs, 6).lstrip("0"):
                warn(
                    "X12-GE-CONTROL",
                    f"GE02 {_element(elements, 2)!r} does not match GS06 {_element(env.gs, 6)!r}",
                    position,
                    seg_id,
                )
            env.gs = None
        elif seg_id == "IEA" and env.isa is not None:
            if env.gs is not None:
                warn(
                    "X12-GE-MISSING",
                    "the interchange ends (IEA) before its group's GE",
                    position,
                    seg_id,
                )
                env.gs = None
            _check_count(warn, "IEA", elements, env.isa_groups, "functional groups", position)
            if _element(elements, 2).lstrip("0") != _element(env.isa, 13).lstrip("0"):
                warn(
                    "X12-IEA-CONTROL",
                    f"IEA02 {_element(elements, 2)!r} does not match ISA13 {_element(env.isa, 13)!r}",
                    position,
                    seg_id,
                )
            env.isa = None

    last = reader.count
    if env.st is not None:
        raise X12ParseError(
            f"the file ends inside transaction {env.control_number or '?'} (ST at segment "
            f"{env.st_position}) without its SE: it is truncated",
            position=last,
            hint="ask the sender for the complete file",
        )
    if env.isa is not None:
        missing = "GE and IEA" if env.gs is not None else "IEA"
        raise X12ParseError(
            f"the file ends without the {missing} that closes the interchange begun at segment "
            f"{env.isa_position}: it is truncated",
            position=last,
            hint="ask the sender for the complete file",
        )


def _check_count(
    warn: Callable[[str, str, int, str], None],
    seg_id: str,
    elements: list[str],
    counted: int,
    what: str,
    position: int,
) -> None:
    declared = _element(elements, 1)
    if declared != str(counted) and (not declared.isdigit() or int(declared) != counted):
        warn(
            f"X12-{seg_id}-COUNT",
            f"{seg_id}01 says {declared or 'nothing'} {what}; there are {counted}",
            position,
            seg_id,
        )
