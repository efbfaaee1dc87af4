"""Join elements into segment text. The only place where delimiters are written."""

from __future__ import annotations

from collections.abc import Sequence

from edi837.errors import SpecError
from edi837.x12.delimiters import Delimiters


class Serializer:
    """Serialize segments with fixed delimiters, refusing any value that contains one.

    Trailing empty elements are dropped, as X12 requires. ``line_breaks`` adds a newline after
    each terminator, which most payers accept and people can read. The ISA is fixed width and
    carries the delimiters themselves, so it is built by :func:`isa_segment`, not here.
    """

    def __init__(self, delimiters: Delimiters | None = None, *, line_breaks: bool = True) -> None:
        self.delimiters = delimiters or Delimiters()
        self.terminator = self.delimiters.segment + ("\n" if line_breaks else "")
        self._forbidden = tuple(
            c for c in (self.delimiters.segment, self.delimiters.repetition) if c is not None
        )

    def segment(self, elements: Sequence[str | Sequence[str]]) -> str:
        d = self.delimiters
        comp = d.component
        parts: list[str] = []
        for element in elements:
            if isinstance(element, str):
                if comp in element:
                    raise SpecError(
                        f"{elements[0]}: {element!r} contains the component separator {comp!r}"
                    )
                parts.append(element)
            else:
                for component in element:
                    if comp in component:
                        raise SpecError(
                            f"{elements[0]}: {component!r} contains the component separator {comp!r}"
                        )
                parts.append(comp.join(element))
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        text = d.element.join(parts)
        if text.count(d.element) != len(parts) - 1:
            raise SpecError(
                f"an element of {elements[0]} contains the element separator {d.element!r}"
            )
        for ch in self._forbidden:
            if ch in text:
                raise SpecError(f"an element of {elements[0]} contains the delimiter {ch!r}")
        return text + self.terminator


def isa_segment(values: Sequence[str], delimiters: Delimiters, *, line_breaks: bool = True) -> str:
    """The fixed-width ISA from its 16 element values (already padded to their widths)."""
    if len(values) != 16:
        raise SpecError("the ISA has exactly 16 elements")
    widths = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
    for number, (value, width) in enumerate(zip(values, widths, strict=True), 1):
        if len(value) != width:
            raise SpecError(f"ISA{number:02d} must be {width} characters, got {value!r}")
    text = "ISA" + delimiters.element + delimiters.element.join(values)
    if len(text) != 105:
        raise SpecError("the ISA must be 106 characters with its terminator")
    return text + delimiters.segment + ("\n" if line_breaks else "")
