"""Delimiters, read from the ISA segment's fixed positions, never guessed."""

from __future__ import annotations

import attrs

from edi837.errors import X12ParseError

ISA_LENGTH = 106
# Offsets of the 16 element separators in a fixed-width ISA (ISA01 starts at offset 4).
ISA_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
ISA_COMPONENT_OFFSET = 104  # ISA16; the segment terminator follows it


@attrs.frozen(slots=True)
class Delimiters:
    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    segment: str = "~"

    def __attrs_post_init__(self) -> None:
        chars = [self.element, self.component, self.segment]
        if self.repetition is not None:
            chars.append(self.repetition)
        for ch in chars:
            if len(ch) != 1:
                raise X12ParseError(f"a delimiter must be one character, not {ch!r}")
            if ch.isalnum() or (ch.isspace() and ch not in "\r\n"):
                raise X12ParseError(
                    f"{ch!r} cannot be a delimiter (letters, digits and spaces are data)"
                )
        if len(set(chars)) != len(chars):
            raise X12ParseError(f"the delimiters are not distinct: {chars!r}")

    @property
    def all(self) -> str:
        return "".join(
            c for c in (self.element, self.component, self.repetition, self.segment) if c
        )


@attrs.frozen(slots=True)
class IsaDelimiters:
    """What reading an ISA tells us: the delimiters, and whether the ISA was fixed width."""

    delimiters: Delimiters
    fixed_width: bool
    length: int  # characters of the ISA including its terminator


def read_isa(text: str, position: int | None = 1) -> IsaDelimiters:
    """Read the delimiters from an ISA segment at the start of ``text``.

    A conforming ISA is exactly 106 characters, so the separators sit at fixed offsets. Some
    senders pad nothing (``ISA*00* *00* *ZZ*NVMED *...``); such an ISA still has exactly 16
    element separators, so ISA16 (the component separator) is the character after the 16th and
    the segment terminator the one after that. That is reading, not guessing; it is reported.
    """
    if not text.startswith("ISA"):
        raise X12ParseError("expected an ISA segment", position=position)
    if len(text) < 4:
        raise X12ParseError("the file ends inside the ISA segment", position=position)
    element = text[3]
    fixed = len(text) >= ISA_LENGTH and all(text[i] == element for i in ISA_SEPARATOR_OFFSETS)
    if fixed:
        comp_at = ISA_COMPONENT_OFFSET
    else:
        seen = 0
        comp_at = -1
        for i in range(3, min(len(text), 400)):
            if text[i] == element:
                seen += 1
                if seen == 16:
                    comp_at = i + 1
                    break
        if comp_at < 0 or comp_at + 1 >= len(text):
            raise X12ParseError(
                "the ISA segment is incomplete: it needs 16 elements and a terminator",
                position=position,
                hint="an X12 file starts with a 106-character ISA segment",
            )
    component = text[comp_at]
    terminator = text[comp_at + 1]
    elements = text[: comp_at + 1].split(element)
    isa11 = elements[11] if len(elements) > 11 else ""
    # Before version 00501 ISA11 was the standards identifier ("U"), not a repetition separator.
    repetition: str | None = None
    if len(isa11) == 1 and not isa11.isalnum() and isa11 not in (element, component, terminator):
        repetition = isa11
    try:
        delims = Delimiters(element, component, repetition, terminator)
    except X12ParseError as exc:
        raise X12ParseError(
            f"the ISA declares unusable delimiters: {exc.message}", position=position
        ) from None
    return IsaDelimiters(delims, fixed, comp_at + 2)
