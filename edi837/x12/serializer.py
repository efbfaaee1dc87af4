"""Join elements into segment text. The only place where delimiters are written."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from edi837.errors import SpecError
from edi837.x12 import spec
from edi837.x12.datatypes import ElementProblem, Formatter
from edi837.x12.delimiters import ISA_LENGTH, Delimiters
from edi837.x12.spec import formatter


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

    def template(
        self,
        seg_id: str,
        problems: list[ElementProblem],
        *variables: str,
        memo: bool = False,
        **constants: str | tuple[str, ...],
    ) -> Template:
        """A compiled writer for segments of this shape (see :class:`Template`)."""
        return Template(self, seg_id, constants, variables, problems, memo=memo)


def isa_width(ref: str) -> int:
    """The fixed width of an ISA element (``ISA06`` -> 15), from the dictionary."""
    return spec.segment("ISA").element(ref).max


def isa_segment(values: Sequence[str], delimiters: Delimiters, *, line_breaks: bool = True) -> str:
    """The fixed-width ISA from its 16 element values (already padded to their widths)."""
    elements = spec.segment("ISA").elements
    if len(values) != len(elements):
        raise SpecError(f"the ISA has exactly {len(elements)} elements")
    for element, value in zip(elements, values, strict=True):
        if len(value) != element.max:
            raise SpecError(f"{element.ref} must be {element.max} characters, got {value!r}")
    text = "ISA" + delimiters.element + delimiters.element.join(values)
    if len(text) != ISA_LENGTH - 1:
        raise SpecError(f"the ISA must be {ISA_LENGTH} characters with its terminator")
    return text + delimiters.segment + ("\n" if line_breaks else "")


class Template:
    """A compiled writer for one segment shape: constants rendered once, variables formatted by
    their element types on each call. Built by :meth:`Serializer.template`.

    ``Template(...)(v1, v2, ...)`` returns the segment text with its terminator. A variable may
    be a composite (pass a tuple of components). Element problems (too long, too short) go to
    ``problems`` for the caller to locate. With ``memo=True`` the text is remembered per
    argument tuple, for segments whose values repeat (DTP dates, LX numbers, common SV1s).
    """

    __slots__ = (
        "_cache",
        "_comp",
        "_forbidden",
        "_parts",
        "_slots",
        "_term",
        "el",
        "problems",
        "seg_id",
    )

    def __init__(
        self,
        serializer: Serializer,
        seg_id: str,
        constants: Mapping[str, str | tuple[str, ...]],
        variables: Sequence[str],
        problems: list[ElementProblem],
        *,
        memo: bool = False,
    ) -> None:
        segment = spec.segment(seg_id)
        d = serializer.delimiters
        self.seg_id = seg_id
        self.el = d.element
        self._comp = d.component
        self._term = serializer.terminator
        self._forbidden = re.compile(
            "["
            + re.escape("".join(c for c in (d.element, d.component, d.segment, d.repetition) if c))
            + "]"
        )
        self.problems = problems
        refs = [*constants, *variables]
        width = max(segment.position(ref) for ref in refs) if refs else 0
        parts = [seg_id] + [""] * width
        scratch: list[ElementProblem] = []
        for ref, value in constants.items():
            element = segment.element(ref)
            if element.components:
                assert isinstance(value, tuple)
                parts[segment.position(ref)] = d.component.join(
                    formatter(c)(v, scratch)
                    for c, v in zip(element.components, value, strict=False)
                )
            else:
                parts[segment.position(ref)] = formatter(element)(value, scratch)
        if scratch:
            raise SpecError(f"{seg_id}: a constant does not fit: {scratch[0].message}")
        for part in parts[1:]:
            if self._forbidden.search(part):
                raise SpecError(f"{seg_id}: a constant contains a delimiter")
        self._parts = parts
        slots: list[tuple[int, Formatter | None, tuple[Formatter, ...]]] = []
        for ref in variables:
            element = segment.element(ref)
            if element.components:
                slots.append(
                    (segment.position(ref), None, tuple(formatter(c) for c in element.components))
                )
            else:
                slots.append((segment.position(ref), formatter(element), ()))
        self._slots = tuple(slots)
        self._cache: dict[tuple[object, ...], tuple[str, tuple[ElementProblem, ...]]] | None = (
            {} if memo else None
        )

    def __call__(self, *values: object) -> str:
        cache = self._cache
        if cache is not None:
            hit = cache.get(values)
            if hit is not None:
                if hit[1]:
                    self.problems.extend(hit[1])
                return hit[0]
            mark = len(self.problems)
            text = self._render(values)
            if len(cache) < 8192:
                cache[values] = (text, tuple(self.problems[mark:]))
            return text
        return self._render(values)

    def _render(self, values: tuple[object, ...]) -> str:
        parts = self._parts.copy()
        problems = self.problems
        bad = self._forbidden.search
        for (index, fmt, components), value in zip(self._slots, values, strict=True):
            if value is None or value == "":
                continue
            if fmt is not None:
                text = fmt(value, problems)
                if value.__class__ is str and bad(text):
                    raise SpecError(f"{self.seg_id}: {text!r} contains a delimiter")
            else:
                assert isinstance(value, tuple)
                texts = []
                for component_fmt, component in zip(components, value, strict=False):
                    if component is None or component == "":
                        texts.append("")
                        continue
                    piece = component_fmt(component, problems)
                    if component.__class__ is str and bad(piece):
                        raise SpecError(f"{self.seg_id}: {piece!r} contains a delimiter")
                    texts.append(piece)
                while texts and not texts[-1]:
                    texts.pop()
                text = self._comp.join(texts)
            parts[index] = text
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return self.el.join(parts) + self._term
