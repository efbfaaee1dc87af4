"""The file as the validator reads it: raw segments, exactly as sent.

Unlike the readers' tokenizer (:mod:`edi837.x12.tokenizer`), which forgives what it can, a
validator must see what a payer's front end sees: a segment is the text between two terminators
with only the line breaks after the previous terminator taken off; spaces before a segment, or a
carriage return left at the end of one, are findings. Decoding still follows the byte-order mark
(UTF-8, UTF-16) so that such a file is validated rather than refused; a file that is not X12 at
all is named for what it looks like (a PDF, a workbook...).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

from edi837.errors import X12ParseError
from edi837.x12.delimiters import Delimiters, IsaDelimiters, read_isa
from edi837.x12.tokenizer import detect_encoding

CHUNK_SIZE = 1 << 20
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook or a Word .docx document, perhaps)"),
    (b"\xd0\xcf\x11\xe0", "an Office document of the old binary kind (.xls, .doc)"),
    (b"\x1f\x8b", "a gzip-compressed file: uncompress it first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
)


def looks_like(head: bytes) -> str:
    """What a file that is not an X12 interchange looks like, for the message that refuses it."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "JSON"
    if text[:1] == b"<":
        return "XML or HTML"
    if not text:
        return "an empty file"
    if b"\x00" in text[:64] or any(b < 9 for b in text[:64]):
        return "binary data, not text"
    first_line = text.split(b"\n", 1)[0]
    if first_line.count(b",") >= 3 or first_line.count(b"\t") >= 3:
        return "a spreadsheet exported as CSV or tab-separated text (records go to `edi837 build`)"
    return "text that is not an X12 interchange"


class Source:
    """The decoded text of one file and the delimiters of its first ISA.

    ``encoding`` is the codec used (and ``marked`` whether a byte-order mark said so);
    ``replaced`` becomes True when bytes that are not valid in it were read.
    """

    def __init__(
        self, source: bytes | Path | str | BinaryIO, *, chunk_size: int = CHUNK_SIZE
    ) -> None:
        self._source = source
        self._chunk_size = chunk_size
        self.encoding = "utf-8"
        self.marked = False
        self.replaced = False
        self.size: int | None = None
        self.read_bytes = 0
        self.unterminated = False
        self.isa: IsaDelimiters | None = None

    @property
    def delimiters(self) -> Delimiters:
        return self.isa.delimiters if self.isa is not None else Delimiters()

    def _open(self) -> BinaryIO:
        src = self._source
        if isinstance(src, bytes):
            self.size = len(src)
            return io.BytesIO(src)
        if isinstance(src, Path | str):
            try:
                stream = open(src, "rb")  # noqa: SIM115 - closed by the caller
            except OSError as exc:
                raise X12ParseError(f"cannot open {src}: {exc.strerror or exc}") from None
            try:
                self.size = Path(src).stat().st_size
            except OSError:
                self.size = None
            return stream
        return src

    def pieces(self) -> Iterator[list[str]]:
        """The text between segment terminators, a chunk at a time: each piece with the line
        breaks after the previous terminator removed, empty pieces left out."""
        stream = self._open()
        try:
            head = stream.read(self._chunk_size)
            self.read_bytes = len(head)
            codec, skip = detect_encoding(head[:8])
            self.encoding, self.marked = codec, skip > 0 or codec != "utf-8"
            decoder = codecs.getincrementaldecoder(codec)(errors="replace")
            text = decoder.decode(head[skip:])
            start = len(text) - len(text.lstrip())
            if not text[start:].startswith("ISA"):
                raise X12ParseError(
                    f"this is {looks_like(head)}, not an X12 interchange (an X12 file starts "
                    "with an ISA segment)"
                )
            self.isa = read_isa(text[start:], position=1)
            terminator = self.isa.delimiters.segment
            buffer = text[start:]
            while True:
                chunk = stream.read(self._chunk_size)
                self.read_bytes += len(chunk)
                buffer += decoder.decode(chunk, final=not chunk)
                if "\ufffd" in buffer:
                    self.replaced = True
                pieces = buffer.split(terminator)
                buffer = pieces.pop()  # the text after the last terminator: read on
                if not chunk and buffer.strip():
                    self.unterminated = True  # a last segment with no terminator
                    pieces.append(buffer)
                # (in C, with no Python step per segment: map and filter over the chunk)
                yield list(filter(None, map(str.lstrip, pieces, repeat("\r\n", len(pieces)))))
                if not chunk:
                    return
        except OSError as exc:
            raise X12ParseError(f"cannot read the file: {exc}") from None
        finally:
            if stream is not self._source:
                stream.close()
