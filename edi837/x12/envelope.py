"""Interchange (ISA/IEA), group (GS/GE) and transaction (ST/SE) envelopes, as read.

``walk_envelopes`` streams the segments of a file with the envelope each one sits in, and checks
the counts and control numbers as envelopes close. Wrong counts are warnings (the content is still
readable); a file that ends inside an envelope is truncated, which is fatal: the last transaction
cannot be trusted.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import attrs

from edi837 import catalogue
from edi837.errors import X12ParseError
from edi837.issues import Capped, Code, IssueList, Location, Sink
from edi837.x12.datatypes import N0
from edi837.x12.log import shown, shown_number
from edi837.x12.spec import picker
from edi837.x12.tokenizer import SegmentReader, Source, detect_encoding

TAIL_BYTES = 4096
# the end of a complete interchange: IEA, two numbers, the terminator (already stripped)
_IEA_AT_END = re.compile(r"IEA[^A-Za-z0-9\s]\s*\d+\s*[^A-Za-z0-9\s]\s*\d+\s*\Z")


@attrs.define(slots=True)
class Envelope:
    """The envelopes around the current segment (None where not open)."""

    isa: list[str] | None = None
    isa_position: int = 0
    gs: list[str] | None = None
    gs_position: int = 0
    st: list[str] | None = None
    st_position: int = 0
    # segments of the transaction set, worked out at its SE from the positions (every segment
    # counted from the ST on, less the junk the reader skipped: ``SegmentReader.skipped``)
    st_segments: int = 0
    st_skipped: int = 0
    gs_transactions: int = 0
    isa_groups: int = 0

    @property
    def control_number(self) -> str:
        return _ST(self.st)[0] if self.st else ""

    @property
    def version(self) -> str:
        """ST03, or GS08 where ST03 is absent (allowed before 5010)."""
        st03 = _ST(self.st)[1] if self.st else ""
        if st03:
            return st03
        return _GS(self.gs)[1] if self.gs else ""


# the segments this layer checks; every other segment of a transaction set passes through
ENVELOPE_IDS = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
_ST = picker("ST", "ST02", "ST03")
_GS = picker("GS", "GS06", "GS08")
_ISA13 = picker("ISA", "ISA13")
# each trailer: the count it declares, and the control number it repeats from its header
_TRAILERS = {seg_id: picker(seg_id, f"{seg_id}01", f"{seg_id}02") for seg_id in ("SE", "GE", "IEA")}


def _trailer(elements: list[str]) -> tuple[str, str]:
    declared, control = _TRAILERS[elements[0]](elements)
    return declared.strip(), control.strip()


_COUNTS = {"SE": catalogue.SE_COUNT, "GE": catalogue.GE_COUNT, "IEA": catalogue.IEA_COUNT}


def walk_envelopes(reader: SegmentReader, sink: Sink) -> Iterator[tuple[int, list[str], Envelope]]:
    """Yield ``(position, elements, envelope)`` for every segment, ISA to IEA included.

    Envelope problems go to ``sink`` as the envelopes close.
    """
    env = Envelope()
    name = reader.name

    def warn(code: Code, message: str, position: int, seg_id: str) -> None:
        sink.add(code, message, Location(file=name, segment=position, segment_id=seg_id))

    for elements in reader:
        seg_id = elements[0]
        if seg_id not in ENVELOPE_IDS and env.st is not None:
            # The common case, kept lean: a segment inside a transaction set. Nothing to check,
            # nothing to count (SE's count comes from the positions), and the segments the
            # transaction stream takes down the reader's lane never come here.
            yield reader.count, elements, env
            continue
        position = reader.count
        if seg_id == "ISA":
            if env.isa is not None:
                warn(
                    catalogue.IEA_MISSING,
                    "a new ISA starts before the previous interchange's IEA",
                    position,
                    seg_id,
                )
            env = Envelope(isa=elements, isa_position=position)
        elif seg_id == "GS":
            if env.isa is None:
                warn(
                    catalogue.ISA_MISSING,
                    "GS outside an interchange (no ISA before it)",
                    position,
                    seg_id,
                )
            if env.gs is not None:
                warn(
                    catalogue.GE_MISSING,
                    "a new GS starts before the previous group's GE",
                    position,
                    seg_id,
                )
            env.gs, env.gs_position, env.gs_transactions = elements, position, 0
            env.isa_groups += 1
        elif seg_id == "ST":
            if env.st is not None:
                warn(
                    catalogue.SE_MISSING,
                    "a new ST starts before the previous transaction's SE",
                    position,
                    seg_id,
                )
            if env.gs is None:
                warn(
                    catalogue.GS_MISSING,
                    "ST outside a functional group (no GS before it)",
                    position,
                    seg_id,
                )
            env.st, env.st_position, env.st_skipped = elements, position, reader.skipped
            env.gs_transactions += 1
        elif env.st is None and seg_id not in ("GE", "IEA", "TA1"):
            warn(
                catalogue.OUTSIDE,
                f"{seg_id} is outside any transaction (ST ... SE)",
                position,
                seg_id,
            )

        yield position, elements, env

        if seg_id == "SE" and env.st is not None:
            env.st_segments = position - env.st_position + 1 - (reader.skipped - env.st_skipped)
            _check_count(warn, "SE", elements, env.st_segments, "segments", position)
            control, opened = _trailer(elements)[1], env.control_number.strip()
            if control != opened:
                warn(
                    catalogue.SE_CONTROL,
                    f"SE02 {shown_number(control, quoted=True)} does not match ST02 {shown_number(opened, quoted=True)}",
                    position,
                    seg_id,
                )
            env.st = None
        elif seg_id == "GE" and env.gs is not None:
            _check_count(warn, "GE", elements, env.gs_transactions, "transactions", position)
            control, opened = _trailer(elements)[1], _GS(env.gs)[0].strip()
            if control.lstrip("0") != opened.lstrip("0"):
                warn(
                    catalogue.GE_CONTROL,
                    f"GE02 {shown_number(control, quoted=True)} does not match GS06 {shown_number(opened, quoted=True)}",
                    position,
                    seg_id,
                )
            env.gs = None
        elif seg_id == "IEA" and env.isa is not None:
            if env.gs is not None:
                warn(
                    catalogue.GE_MISSING,
                    "the interchange ends (IEA) before its group's GE",
                    position,
                    seg_id,
                )
                env.gs = None
            _check_count(warn, "IEA", elements, env.isa_groups, "functional groups", position)
            control, opened = _trailer(elements)[1], _ISA13(env.isa)[0].strip()
            if control.lstrip("0") != opened.lstrip("0"):
                warn(
                    catalogue.IEA_CONTROL,
                    f"IEA02 {shown_number(control, quoted=True)} does not match ISA13 {shown_number(opened, quoted=True)}",
                    position,
                    seg_id,
                )
            env.isa = None

    last = reader.count
    if env.st is not None:
        control = env.control_number
        raise X12ParseError(
            f"the file ends inside transaction {shown_number(control) if control else '?'} (ST at segment "
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
    warn: Callable[[Code, str, int, str], None],
    seg_id: str,
    elements: list[str],
    counted: int,
    what: str,
    position: int,
) -> None:
    declared = _trailer(elements)[0]
    # Compared as digits, never through int(): a count of more than 4,300 digits is more than
    # Python converts from text (and any count that long is wrong anyway).
    if N0.says(declared, counted):
        return
    if not declared:
        says = f"{seg_id}01 is empty"
    elif not N0.digits(declared):
        says = f"{seg_id}01 {shown(declared, 12)} is not a number of {what}"
    elif len(declared) > 10:
        says = f"{seg_id}01 is a {len(declared):,}-digit number of {what}"
    else:
        says = f"{seg_id}01 says {declared} {what}"
    warn(_COUNTS[seg_id], f"{says}; there are {counted}", position, seg_id)


# -- refusing a truncated file before anything is read ------------------------------------------


def ensure_complete(source: Source, name: str | None = None) -> None:
    """Raise :class:`X12ParseError` when the file does not end with its IEA.

    The tail of a seekable input is read first (cheap). When it does not end with an IEA, the
    whole file's envelopes are walked without decoding anything: that either raises the precise
    error (where the file breaks off) or shows the file is readable after all (say, trailing
    junk after the IEA, which the reader then reports as a warning). Streams that cannot seek
    are not checked here; the reader still raises at the point of truncation.
    """
    tail = _tail_text(source)
    if tail is None:
        return
    body = tail.rstrip()
    if body and not body[-1].isalnum():
        body = body[:-1].rstrip()  # the segment terminator
    if _IEA_AT_END.search(body[-200:]):
        return
    start = None if isinstance(source, bytes | bytearray | Path | str) else source.tell()
    ignored = Capped(IssueList(), 0)  # only the error matters here; warnings come on reading
    for _ in walk_envelopes(SegmentReader(source, name=name, sink=ignored), ignored):
        pass
    if start is not None:
        source.seek(start)  # type: ignore[union-attr]


def _tail_text(source: Source) -> str | None:
    """The last few KB of the input as text, or None when the input cannot be read twice."""
    if isinstance(source, bytes | bytearray):
        stream: BinaryIO = io.BytesIO(bytes(source))
    elif isinstance(source, Path | str):
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError:
            return None  # the reader reports it
    else:
        try:
            if not source.seekable():
                return None
            start = source.tell()
        except (OSError, ValueError):
            return None
        stream = source
    try:
        head = stream.read(8)
        codec, skip = detect_encoding(head)
        size = stream.seek(0, io.SEEK_END)
        begin = max(skip, size - TAIL_BYTES)
        if codec.startswith("utf-16") and (begin - skip) % 2:
            begin += 1  # stay on a code unit boundary
        stream.seek(begin)
        return stream.read().decode(codec, errors="replace")
    except OSError:
        return None
    finally:
        if stream is not source:
            stream.close()
        else:
            source.seek(start)
