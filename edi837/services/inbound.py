"""What kind of X12 file this is, before a command records anything from it: the transaction
sets it holds (ST01, and ST03 or GS08), or a TA1. ``remit`` and ``reconcile`` read 835s, ``ack``
reads TA1, 999 and 277CA, ``validate`` any of them: given the wrong file, each says what the file
is and which command reads it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from edi837.errors import InputError
from edi837.x12.log import shown_set_id
from edi837.x12.tokenizer import SegmentReader

NAMES = {
    "835": ("an 835 remittance", "`edi837 remit` or `edi837 reconcile`"),
    "837": ("an 837 claim file", "`edi837 validate`"),
    "999": ("a 999 acknowledgment", "`edi837 ack`"),
    "997": ("a 997 acknowledgment", "`edi837 ack`"),
    "277": ("a 277 claim status (277CA) file", "`edi837 ack`"),
    "TA1": ("a TA1 interchange acknowledgment", "`edi837 ack`"),
}


KINDS_CHUNK = 1 << 16


def kinds(
    path: Path, *, enough: set[str] | None = None, limit: int = 200_000, name: str | None = None
) -> set[str]:
    """The transaction set IDs in the file (``TA1`` for an interchange acknowledgment). Reads
    segment IDs only; stops at the first of ``enough``, or after ``limit`` segments (a large file
    has said what it is by then)."""
    found: set[str] = set()
    # small chunks: the answer is mostly in the first segments, and the reader's own 1 MiB
    # chunks had it split and scan the first 2 MiB of every file first (issue 12)
    reader = SegmentReader(path, name=name or str(path), chunk_size=KINDS_CHUNK)
    for count, elements in enumerate(reader):
        seg_id = elements[0]
        if seg_id == "ST" and len(elements) > 1:
            found.add(elements[1].strip())
        elif seg_id == "TA1":
            found.add("TA1")
        if (enough and found & enough) or count >= limit:
            break
    return found


def describe(found: Iterable[str]) -> str:
    names = [
        NAMES.get(kind, (f"a {shown_set_id(kind)} transaction set", ""))[0]
        for kind in sorted(found)
    ]
    return " and ".join(names) if names else "an interchange with no transaction set"


def require(path: Path, wanted: set[str], command: str, *, name: str | None = None) -> set[str]:
    """Refuse (exit 2, nothing recorded) a file holding none of the ``wanted`` transaction sets,
    saying what it is and which command reads it. An unreadable file raises X12ParseError.
    ``name`` is what the message calls the file when it is not its path (``<stdin>``)."""
    found = kinds(path, enough=wanted, name=name)
    if found & wanted:
        return found
    readers = sorted({NAMES[k][1] for k in found if k in NAMES and NAMES[k][1]})
    hint = f"read it with {' or '.join(readers)}" if readers else None
    raise InputError(
        f"{name or path} is {describe(found)}, not what `edi837 {command}` reads; nothing was "
        "recorded",
        hint=hint,
    )
