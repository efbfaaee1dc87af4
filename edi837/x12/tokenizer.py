"""Stream the segments of an X12 file, one at a time, with flat memory.

The delimiters come from each ISA's fixed positions. What real files do is accepted: a byte-order
mark, UTF-16, leading whitespace and indentation, line breaks (LF or CRLF) after each terminator
or as the terminator, several interchanges in one file, each with its own delimiters. Anything
that is not an X12 interchange raises :class:`X12ParseError` naming the segment position; no other
exception escapes for any input bytes (a property test holds us to that).

Time is linear in the file and memory flat, whatever the bytes: no X12 segment is longer than
:data:`MAX_SEGMENT_LENGTH` characters, so text that runs on longer without a terminator (a file
with none, or one other than its ISA declares) is refused at that segment's position as soon as
it is seen, rather than gathered into one ever-growing string.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from edi837 import catalogue, phi
from edi837.errors import X12ParseError
from edi837.issues import Code, IssueList, Location, Sink
from edi837.x12.delimiters import Delimiters, read_isa

CHUNK_SIZE = 1 << 20
# The longest segment in 174 public X12 files is 291 characters (an 837I HI); the longest any
# 5010 guide we read allows (HI with twelve full composites) is under 2,000. Past this, the text
# is not a segment.
MAX_SEGMENT_LENGTH = 8192
_BINARY = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
)  # control characters but line breaks and tabs
Source = bytes | bytearray | BinaryIO | Path | str  # what a reader reads: data, a stream or a path


def _closed_lane(segment: tuple[int, list[str]]) -> None:  # pragma: no cover - never called
    raise AssertionError("a segment went down a lane no consumer opened")


def detect_encoding(head: bytes) -> tuple[str, int]:
    """(codec, bytes to skip) from a byte-order mark, or from the NULs of an unmarked UTF-16 'ISA'."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    stripped = head.lstrip(b" \t\r\n")
    if stripped.startswith(b"I\x00S\x00A\x00"):
        return "utf-16-le", 0
    if stripped.startswith(b"\x00I\x00S\x00A"):
        return "utf-16-be", 0
    return "utf-8", 0


class SegmentReader:
    """Iterate over the segments of one file as lists of element strings (index 0 is the ID).

    ``delimiters`` always holds the delimiters of the interchange being read, so a consumer can
    split composites (``element.split(reader.delimiters.component)``). Recoverable oddities
    (unpadded ISA, invalid UTF-8, a missing final terminator) go to ``sink``, by default the
    reader's own list ``warnings``.

    ``skipped`` counts the segments counted but not yielded (printable junk), so a consumer
    can tell how many segments it was given between two positions.

    A consumer may open a *lane*: ``lane_ids``, segment IDs that are never envelope segments,
    and ``lane_keep``, which takes ``(position, elements)``. A segment with one of those IDs met
    on the lean path below (a chunk that needs no checks) goes straight to ``lane_keep``
    instead of being yielded, whether its ID was seen before or not (a lane's IDs are declared
    segment IDs, which the checks of an unseen ID would pass; only ISA could change anything,
    and it is never a lane's): the transaction stream opens the lane for the
    segments that stay in the gathered loop it holds, which it would only append there (most
    segments of a large file), so they skip the envelope and stream generators. The lane is
    read again after every yield: the consumer changes it only while the reader is suspended.
    """

    # slots: the lean path below reads and bumps ``count`` once per segment of large files
    __slots__ = (
        "_chunk_size",
        "_known_ids",
        "_sink",
        "_source",
        "_valid_ids",
        "count",
        "delimiters",
        "lane_ids",
        "lane_keep",
        "name",
        "skipped",
        "warnings",
    )

    def __init__(
        self,
        source: Source,
        *,
        name: str | None = None,
        chunk_size: int = CHUNK_SIZE,
        sink: Sink | None = None,
    ) -> None:
        self._source = source
        self.name = name or (str(source) if isinstance(source, Path | str) else None)
        self._chunk_size = chunk_size
        self.delimiters = Delimiters()
        self.warnings = IssueList()
        self._sink: Sink = self.warnings if sink is None else sink
        self.count = 0  # segments counted so far: the position of the last one
        self.skipped = 0  # of which not yielded (junk that is not a segment)
        self.lane_ids: frozenset[str] = frozenset()
        self.lane_keep: Callable[[tuple[int, list[str]]], object] = _closed_lane
        self._valid_ids: set[str] = set()
        self._known_ids: set[str] = set()  # valid IDs the fast path may take (never ISA)

    # -- input ---------------------------------------------------------------------------------
    def _open(self) -> BinaryIO:
        src = self._source
        if isinstance(src, bytes | bytearray):
            return io.BytesIO(bytes(src))
        if isinstance(src, Path | str):
            try:
                return open(src, "rb")
            except OSError as exc:
                raise X12ParseError(f"cannot open {src}: {exc.strerror or exc}") from None
        return src

    def _text_chunks(self) -> Iterator[str]:
        stream = self._open()
        try:
            head = stream.read(self._chunk_size)
            if not head or not head.strip():
                raise X12ParseError("the file is empty")
            codec, skip = detect_encoding(head[:8])
            decoder = codecs.getincrementaldecoder(codec)(errors="replace")
            text = decoder.decode(head[skip:])
            replaced = "\ufffd" in text
            yield text
            while chunk := stream.read(self._chunk_size):
                text = decoder.decode(chunk)
                replaced = replaced or "\ufffd" in text
                yield text
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            if replaced:
                self._warn(
                    catalogue.ENCODING,
                    f"bytes that are not valid {codec} were replaced by '\ufffd'",
                )
        except OSError as exc:
            raise X12ParseError(f"cannot read {self.name or 'the input'}: {exc}") from None
        finally:
            if not isinstance(self._source, bytes | bytearray) and stream is not self._source:
                stream.close()

    def _warn(self, code: Code, message: str, position: int | None = None) -> None:
        self._sink.add(code, message, Location(file=self.name, segment=position))

    # -- segments ------------------------------------------------------------------------------
    def _start(self, text: str) -> str:
        """Find the first ISA, read its delimiters; return the text from the ISA on."""
        text = text.lstrip()
        if not text.startswith("ISA"):
            if text[:3] in ("ST*", "GS*"):
                raise X12ParseError(
                    f"the file starts with {text[:2]} instead of ISA: the interchange envelope is missing",
                    position=1,
                    hint="edi837 reads complete interchanges (ISA ... IEA)",
                )
            raise X12ParseError(
                "this is not an X12 interchange: it does not start with an ISA segment",
                position=1,
            )
        isa = read_isa(text, position=1)
        if not isa.fixed_width:
            self._warn(
                catalogue.ISA_WIDTH,
                "the ISA is not fixed width (106 characters); its delimiters were read from its 16 elements",
                1,
            )
        self.delimiters = isa.delimiters
        return text

    def _new_interchange(self, piece: str) -> None:
        # A later ISA may declare other delimiters; the terminator we split on is checked here.
        isa = read_isa(piece + self.delimiters.segment, position=self.count)
        if isa.delimiters.segment != self.delimiters.segment:
            raise X12ParseError(
                "this interchange uses a different segment terminator from the first one",
                position=self.count,
            )
        if not isa.fixed_width:
            self._warn(
                catalogue.ISA_WIDTH, "the ISA is not fixed width (106 characters)", self.count
            )
        self.delimiters = isa.delimiters

    def _check_id(self, seg_id: str, piece: str) -> bool:
        """True when ``seg_id`` is a segment ID. Printable junk is skipped with a warning (real
        files carry stray template lines); anything binary means this is not X12."""
        if (
            2 <= len(seg_id) <= 3
            and seg_id.isascii()
            and seg_id.isalnum()
            and seg_id.upper() == seg_id
        ):
            self._valid_ids.add(seg_id)
            if seg_id != "ISA":  # an ISA always takes the full path: it may change delimiters
                self._known_ids.add(seg_id)
            return True
        # A damaged segment is quoted only behind --show-phi: a lost terminator or element
        # separator leaves member data (N M1*QC*1*DOE*JANE...) where its ID should be.
        shown = phi.described(piece, limit=24)
        if not _BINARY.search(piece):
            self._warn(
                catalogue.SEGMENT_ID,
                "text that is not a segment (it does not start with a segment ID of 2 or 3 "
                f"capital letters or digits): {shown}; skipped",
                self.count,
            )
            return False
        raise X12ParseError(
            "this is not a segment: it holds binary data",
            position=self.count,
            hint="the file is damaged or is not an X12 text file",
        )

    def _too_long(self, position: int) -> X12ParseError:
        return X12ParseError(
            f"more than {MAX_SEGMENT_LENGTH:,} characters without a segment terminator "
            f"({self.delimiters.segment!r}): no X12 segment is that long",
            position=position,
            hint="the file is damaged, or its segments do not end with the terminator its ISA "
            "declares (the character after ISA16)",
        )

    def _remainder(self, buffer: str) -> str:
        """The unterminated text after the last terminator, once it is longer than any segment:
        padding is reduced to a token of itself, anything else that long is refused."""
        content = buffer.lstrip()  # leading line breaks belong to no segment
        if not content.replace("\x00", "").strip():
            return "\x00" if "\x00" in content else ""  # NUL padding, or only blank lines
        if len(content) > MAX_SEGMENT_LENGTH:
            raise self._too_long(self.count + 1)
        return content

    def __iter__(self) -> Iterator[list[str]]:
        chunks = self._text_chunks()
        buffer = ""
        for text in chunks:
            buffer += text
            if len(buffer) >= 512:  # enough to hold the ISA even after leading whitespace
                break
        buffer = self._start(buffer)
        terminator = self.delimiters.segment
        for text in chunks:
            pieces = (buffer + text).split(terminator)
            buffer = pieces.pop()
            if (
                "\x00" in text
                or "\x00" in buffer
                or max(map(len, pieces), default=0) > MAX_SEGMENT_LENGTH
            ):
                yield from self._segments(pieces, final=False)
            else:
                # The common case, kept lean because it runs once per segment: a segment whose
                # ID was seen before (and is not ISA) needs no check. Anything else takes the
                # full path in _segment, which behaves exactly as for every segment of a NUL
                # chunk (or of a chunk holding a segment too long to be one).
                # The count is kept in a local and stored before anything that may read it
                # (a yield, the full path, the end of the chunk).
                known = self._known_ids
                element = self.delimiters.element
                lane, lane_keep = self.lane_ids, self.lane_keep
                count = self.count
                for raw in pieces:
                    piece = raw.strip()
                    if not piece:
                        continue
                    count += 1
                    elements = piece.split(element)
                    seg_id = elements[0]
                    if seg_id in lane:  # a declared ID (never ISA): its checks cannot fail
                        lane_keep((count, elements))
                        continue
                    if seg_id not in known:
                        self.count = count
                        unusual = self._segment(piece, final=False, last=False)
                        element = self.delimiters.element
                        if unusual is None:
                            continue
                        elements = unusual
                    self.count = count
                    yield elements
                    lane, lane_keep = self.lane_ids, self.lane_keep
                self.count = count
            if len(buffer) > MAX_SEGMENT_LENGTH:
                buffer = self._remainder(buffer)
        yield from self._segments(buffer.split(terminator), final=True)

    def _segments(self, pieces: list[str], *, final: bool) -> Iterator[list[str]]:
        last = len(pieces) - 1
        for index, raw in enumerate(pieces):
            piece = raw.strip()
            if not piece:
                continue
            if final and index == last and not piece.replace("\x00", "").strip():
                # Some transfer tools pad a file to a block size with NULs after the final IEA.
                self._warn(
                    catalogue.PADDING, "NUL bytes after the last segment were ignored", self.count
                )
                continue
            self.count += 1
            if len(piece) > MAX_SEGMENT_LENGTH:
                raise self._too_long(self.count)
            elements = self._segment(piece, final=final, last=index == last)
            if elements is not None:
                yield elements

    def _segment(self, piece: str, *, final: bool, last: bool) -> list[str] | None:
        """Split one segment (already counted) with every check; None when it is skipped."""
        valid = self._valid_ids
        elements = piece.split(self.delimiters.element)
        seg_id = elements[0]
        if self.count > 1 and (
            seg_id == "ISA" or (seg_id not in valid and piece.startswith("ISA"))
        ):
            self._new_interchange(piece)
            elements = piece.split(self.delimiters.element)
            seg_id = elements[0]
        if seg_id not in valid and not self._check_id(seg_id, piece):
            self.skipped += 1
            return None  # still counted: positions are those a person sees in the file
        if "\x00" in piece:
            raise X12ParseError("the segment holds binary data (NUL bytes)", position=self.count)
        if final and last:
            self._warn(
                catalogue.TERMINATOR,
                f"the last segment ({seg_id}) has no segment terminator",
                self.count,
            )
        return elements


def read_segments(
    source: bytes | Path | str | BinaryIO, name: str | None = None
) -> list[list[str]]:
    """All segments of a small file at once (tests and tools; readers stream)."""
    return list(SegmentReader(source, name=name))
