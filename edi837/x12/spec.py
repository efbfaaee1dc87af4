"""The segment dictionary, ``segments/elements.toml``, loaded once: element types and lengths.

The writer formats and checks elements from it (:func:`formatter`, used by the serializer's
templates); readers take element values by reference designator (:func:`picker`); limits (a
name's length, how many diagnoses fit) are read from it, never restated. The loop trees of the
transactions are in :mod:`edi837.x12.declarations`. See tools/gen_segments.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol, cast

import attrs

from edi837.errors import SpecError
from edi837.resources import segment_file
from edi837.x12 import datatypes, parsed
from edi837.x12.datatypes import Formatter


@attrs.frozen(slots=True)
class ElementSpec:
    ref: str
    ele: str
    name: str
    type: str = "AN"
    min: int = 1
    max: int = 1
    components: tuple[ElementSpec, ...] = ()


@attrs.define(slots=True, eq=False)
class SegmentSpec:
    """One segment of the dictionary: its elements by position and reference designator."""

    id: str
    elements: tuple[ElementSpec, ...]
    positions: dict[str, int] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        for number, element in enumerate(self.elements, 1):
            self.positions[element.ref] = number

    def position(self, ref: str) -> int:
        try:
            return self.positions[ref]
        except KeyError:
            raise SpecError(f"{self.id} has no element {ref}") from None

    def element(self, ref: str) -> ElementSpec:
        return self.elements[self.position(ref) - 1]

    def refs(self, type: str | None = None) -> tuple[str, ...]:
        """The reference designators of the segment's elements (of one type, say ``"R"``)."""
        return tuple(e.ref for e in self.elements if type is None or e.type == type)


def _element(raw: Mapping[str, Any]) -> ElementSpec:
    components = tuple(_element(c) for c in raw.get("components", ()))
    return ElementSpec(
        ref=raw["ref"],
        ele=raw["ele"],
        name=raw["name"],
        type=raw.get("type", "AN"),
        min=int(raw.get("min", 1)),
        max=int(raw.get("max", 1)),
        components=components,
    )


def load_toml(name: str) -> dict[str, Any]:
    """The declaration ``segments/<name>`` as tomllib parses it (kept parsed between runs by
    :mod:`edi837.x12.parsed`, so a start parses it only when it changed)."""
    path = segment_file(name)
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot load {path}: {exc}") from None
    return cast(dict[str, Any], parsed.parsed(name, source, lambda raw: _parse(path, raw)))


def _parse(path: Path, source: bytes) -> dict[str, Any]:
    import tomllib  # only when the declaration is not in the cache: the import is 70 M

    try:
        return tomllib.loads(source.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"cannot load {path}: {exc}") from None


@cache
def dictionary() -> dict[str, SegmentSpec]:
    data = load_toml("elements.toml")
    return {
        seg_id: SegmentSpec(seg_id, tuple(_element(e) for e in body["elements"]))
        for seg_id, body in data.items()
    }


def segment_of(ref: str) -> str:
    """The segment ID of a reference designator: ``NM103`` -> ``NM1``, ``SV101-2`` -> ``SV1``."""
    return ref.partition("-")[0][:-2]


def segment(seg_id: str) -> SegmentSpec:
    try:
        return dictionary()[seg_id]
    except KeyError:
        raise SpecError(f"segment {seg_id} is not declared in segments/elements.toml") from None


def formatter(element: ElementSpec) -> Formatter:
    """The codec's formatter for one element: typed value -> text, its length checked against
    the dictionary (see :func:`edi837.x12.datatypes.formatter`)."""
    return datatypes.formatter(element.type, element.min, element.max, element.ref, element.name)


class Picker(Protocol):
    """The element values of one segment shape, by reference designator: the mirror of the
    writer's :class:`~edi837.x12.serializer.Template`. Built once by :func:`picker`.

    ``NM1 = picker("NM1", "NM101", "NM103", "NM109")`` then ``role, name, ident = NM1(elements)``:
    the values in the order named, ``""`` for an element the segment does not carry (X12 drops
    trailing empty elements, so a short segment is an ordinary one). The same for the components
    of a composite once split: ``picker("SVC01", "SVC01-1", "SVC01-2")(text.split(component))``.
    This is the only place a reference designator becomes a list index.
    """

    refs: tuple[str, ...]  # the reference designators, in the order the values come
    width: int  # how many elements (ID included) a segment needs for no padding
    # the same values of a segment of at least ``width`` elements, picked in C with no call of
    # a Python function: for the hottest loops (``fetch(e) if len(e) >= width else pick(e)``)
    fetch: Callable[[list[str]], tuple[str, ...]]
    # pads[n]: the empty values a segment of n (< width) elements lacks, so that a hot loop can
    # pick a short segment inline too: ``fetch(e if len(e) >= width else e + pads[len(e)])``
    pads: list[list[str]]
    # the longest segment (ID included) whose elements after the ID are the first values picked,
    # in order, the rest empty: a segment of 2 to ``plain`` elements may be unpacked instead of
    # picked (``_, first, second = e``); 1 when the first value is not the first element
    plain: int

    def __call__(self, elements: list[str], /) -> tuple[str, ...]: ...


def _compile(refs: tuple[str, ...], indexes: tuple[int, ...]) -> Picker:
    # A plain function with its tables bound as defaults: readers call pickers once per
    # segment, and a closure call costs half of a class's __call__.
    width = max(indexes) + 1
    # pads[n]: what a segment of n elements lacks, so padding is one concatenation
    pads = [[""] * (width - n) for n in range(width)]
    if len(indexes) > 1:
        get: Callable[[list[str]], tuple[str, ...]] = itemgetter(*indexes)

        def pick(
            elements: list[str], width: int = width, get: Any = get, pads: list[list[str]] = pads
        ) -> tuple[str, ...]:
            if len(elements) < width:
                elements = elements + pads[len(elements)]
            return get(elements)  # type: ignore[no-any-return]

    else:
        (index,) = indexes

        def pick(
            elements: list[str], width: int = width, get: Any = None, pads: list[list[str]] = pads
        ) -> tuple[str, ...]:
            return (elements[index],) if len(elements) > index else ("",)

    picked = cast(Picker, pick)
    picked.refs = refs
    picked.width = width
    picked.fetch = get if len(indexes) > 1 else pick
    picked.pads = pads
    leading = 0
    while leading < len(indexes) and indexes[leading] == leading + 1:
        leading += 1
    picked.plain = 1 + leading if all(i > leading for i in indexes[leading:]) else 1
    return picked


def picker(owner: str, *refs: str) -> Picker:
    """A :class:`Picker` for segment ``owner`` (``"CLP"``), or for the components of the
    composite element ``owner`` (``"SVC01"``: components ``"SVC01-1"``...)."""
    if not refs:
        raise SpecError(f"a picker for {owner} needs at least one element")
    if owner in dictionary():
        seg = segment(owner)
        return _compile(refs, tuple(seg.position(ref) for ref in refs))
    composite = segment(segment_of(owner)).element(owner)
    names = [c.ref for c in composite.components]
    indexes = []
    for ref in refs:
        if ref not in names:
            raise SpecError(f"{owner} has no component {ref}")
        indexes.append(names.index(ref))
    return _compile(refs, tuple(indexes))
