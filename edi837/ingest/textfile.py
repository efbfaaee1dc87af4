"""An input file's bytes as text, or one clear refusal: empty, UTF-16, not UTF-8, or not text at
all (a workbook, a PDF) said by name, so nobody reads "byte 0x50 on line 1" for an .xlsx."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TextIO

from edi837.errors import InputError

SAVE_AS_CSV = "save it as 'CSV UTF-8 (comma delimited)' (Excel: File > Save As) and try again"
# The first bytes of the files people give by mistake, and what to call them.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"SQLite format 3\x00", "an SQLite database (the ledger?)"),
)
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # xlsx/xlsm/ods (zip), xls


def read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def is_workbook(raw: bytes) -> bool:
    return raw.startswith(WORKBOOK_MAGIC)


def decode(path: Path, raw: bytes, what: str) -> str:
    """``raw`` as UTF-8 text (a byte-order mark is dropped), or :class:`InputError`."""
    if not raw.strip():
        raise InputError(f"{what} {path} is empty", hint="export it with a header row")
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            raise InputError(f"{what} {path} is {kind}, not CSV or JSON text", hint=SAVE_AS_CSV)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{what} {path} is UTF-16 text", hint=SAVE_AS_CSV)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{what} {path} is not UTF-8 text: byte 0x{raw[exc.start]:02X} on line {line} cannot be read",
            hint="save the file as 'CSV UTF-8 (comma delimited)' (Excel) or re-encode it as UTF-8",
        ) from None


HEAD_BYTES = 1 << 16  # enough to tell a workbook, JSON or CSV apart
CHUNK_BYTES = 1 << 20


def read_head(path: Path, what: str) -> bytes:
    """The file's first bytes, or :class:`InputError` when it cannot be read."""
    try:
        with path.open("rb") as stream:
            return stream.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def check_text(path: Path, shown: Path, what: str, head: bytes) -> int:
    """What :func:`decode` would refuse, judged as the file streams past (never held whole):
    empty, a known binary kind, UTF-16, not UTF-8. Returns the number of line breaks (for a
    progress bar). ``shown`` is what messages call the file, ``head`` its :func:`read_head`."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"{what} {shown} is {kind}, not CSV or JSON text", hint=SAVE_AS_CSV)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{what} {shown} is UTF-16 text", hint=SAVE_AS_CSV)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines = 0
    blank = True
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                lines += chunk.count(b"\n")
                blank = blank and not chunk.strip()
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        decode(shown, read_bytes(path, what), what)  # the exact byte and line, on this path only
        raise  # (decode raises first; this is never reached)
    except OSError as exc:
        raise InputError(f"cannot read {what} {shown}: {exc.strerror or exc}") from None
    if blank:
        raise InputError(f"{what} {shown} is empty", hint="export it with a header row")
    return lines


def open_text(path: Path) -> TextIO:
    """The file as UTF-8 text (a byte-order mark dropped), lines as CSV wants them (after
    :func:`check_text`)."""
    return path.open(encoding="utf-8-sig", newline="")
