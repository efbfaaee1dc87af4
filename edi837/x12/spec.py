"""The segment and loop declarations in ``segments/``, loaded once.

``elements.toml`` is the segment dictionary (element types and lengths); ``<txn>.toml`` holds one
transaction's loop tree. The writer formats and checks elements from the dictionary; the generic
loop walker (:mod:`edi837.x12.loops`) assembles loops from the tree. See tools/gen_segments.py.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

import attrs

from edi837.errors import SpecError
from edi837.resources import segment_file
from edi837.x12.datatypes import format_decimal


@attrs.frozen(slots=True)
class ElementSpec:
    ref: str
    ele: str
    name: str
    type: str = "AN"
    min: int = 1
    max: int = 1
    components: tuple[ElementSpec, ...] = ()


@attrs.frozen(slots=True)
class ElementProblem:
    ref: str
    message: str


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


def _load_toml(name: str) -> dict[str, Any]:
    path = segment_file(name)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"cannot load {path}: {exc}") from None


@cache
def dictionary() -> dict[str, SegmentSpec]:
    data = _load_toml("elements.toml")
    return {
        seg_id: SegmentSpec(seg_id, tuple(_element(e) for e in body["elements"]))
        for seg_id, body in data.items()
    }


def segment(seg_id: str) -> SegmentSpec:
    try:
        return dictionary()[seg_id]
    except KeyError:
        raise SpecError(f"segment {seg_id} is not declared in segments/elements.toml") from None


@attrs.define(slots=True, eq=False)
class LoopSpec:
    """One loop of a transaction. Read-only once loaded (children are filled in by the loader)."""

    id: str
    path: str
    name: str
    usage: str
    repeat: str
    trigger: str
    qualifier_element: int | None
    qualifier_codes: frozenset[str]
    segments: frozenset[str]  # the loop's own segments, its trigger excluded
    parent: LoopSpec | None = None
    children: list[LoopSpec] = attrs.field(factory=list)
    # segment ID -> the child loops it can open, in declaration order
    openers: dict[str, list[LoopSpec]] = attrs.field(factory=dict)

    def opens(self, elements: list[str]) -> bool:
        """Does this segment open this loop (trigger ID already matched)?"""
        index = self.qualifier_element
        if index is None:
            return True
        return index < len(elements) and elements[index] in self.qualifier_codes

    def ancestors(self) -> list[LoopSpec]:
        out = []
        node = self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@attrs.frozen(slots=True)
class TransactionSpec:
    id: str
    version: str
    name: str
    root: LoopSpec
    loops: tuple[LoopSpec, ...]

    def loop(self, path: str) -> LoopSpec:
        for spec in self.loops:
            if spec.path == path:
                return spec
        raise SpecError(f"the {self.id} declaration has no loop {path}")


@cache
def transaction(stem: str) -> TransactionSpec:
    """Load ``segments/<stem>.toml`` (``837p``, ``835``, ``999``)."""
    data = _load_toml(f"{stem}.toml")
    head = data["transaction"]
    root = LoopSpec(
        id="ST",
        path="",
        name=head["name"],
        usage="R",
        repeat="1",
        trigger="ST",
        qualifier_element=None,
        qualifier_codes=frozenset(),
        segments=frozenset(head["segments"]) - {"ST"},
    )
    by_path: dict[str, LoopSpec] = {"": root}
    loops: list[LoopSpec] = []
    for raw in data.get("loop", []):
        path = raw["path"]
        parent_path = path.rpartition("/")[0]
        parent = by_path.get(parent_path)
        if parent is None:
            raise SpecError(f"{stem}.toml: loop {path} comes before its parent")
        qualifier = raw.get("qualifier") or {}
        spec = LoopSpec(
            id=raw["id"],
            path=path,
            name=raw["name"],
            usage=raw["usage"],
            repeat=raw["repeat"],
            trigger=raw["trigger"],
            qualifier_element=qualifier.get("element"),
            qualifier_codes=frozenset(qualifier.get("codes", ())),
            segments=frozenset(raw["segments"]) - {raw["trigger"]},
            parent=parent,
        )
        parent.children.append(spec)
        parent.openers.setdefault(spec.trigger, []).append(spec)
        by_path[path] = spec
        loops.append(spec)
    return TransactionSpec(head["id"], head["version"], head["name"], root, tuple(loops))


Formatter = Callable[[Any, list[ElementProblem]], str]


def formatter(spec: ElementSpec) -> Formatter:
    """A fast formatter for one element: typed value -> text, length checked.

    The same conversions as :meth:`SegmentSpec.make`, specialised once per element so that the
    writer's hot path does no type dispatch it can avoid.
    """
    low, high, kind, ref, name = spec.min, spec.max, spec.type, spec.ref, spec.name

    def long_or_short(length: int, problems: list[ElementProblem]) -> None:
        if length > high:
            problems.append(
                ElementProblem(
                    ref, f"{ref} ({name}) is {length} characters; at most {high} allowed"
                )
            )
        elif length < low:
            problems.append(
                ElementProblem(ref, f"{ref} ({name}) is {length} characters; at least {low} needed")
            )

    if kind == "R":

        def fmt_r(value: Any, problems: list[ElementProblem]) -> str:
            if value.__class__ is not Decimal and not isinstance(value, Decimal | int):
                raise SpecError(f"{ref} is a decimal (R): pass Decimal, not {type(value).__name__}")
            text = str(value)
            if "E" in text or "e" in text:
                text = format_decimal(Decimal(value))
            elif "." in text:
                text = text.rstrip("0").rstrip(".") or "0"
                if text == "-0":
                    text = "0"
            length = len(text) - text.startswith("-") - ("." in text)
            if length > high or length < low:
                long_or_short(length, problems)
            return text

        return fmt_r
    if kind.startswith("N"):

        def fmt_n(value: Any, problems: list[ElementProblem]) -> str:
            if value.__class__ is not int:
                raise SpecError(f"{ref} is a number ({kind}): pass int, not {type(value).__name__}")
            text = str(value)
            if len(text) < low:
                text = text.zfill(low)
            if len(text) > high:
                long_or_short(len(text), problems)
            return text

        return fmt_n
    if kind == "DT":
        eight = high != 6

        def fmt_dt(value: Any, problems: list[ElementProblem]) -> str:
            if not isinstance(value, date):
                raise SpecError(f"{ref} is a date (DT): pass date, not {type(value).__name__}")
            return (
                f"{value.year:04d}{value.month:02d}{value.day:02d}"
                if eight
                else value.strftime("%y%m%d")
            )

        return fmt_dt
    if kind == "TM":

        def fmt_tm(value: Any, problems: list[ElementProblem]) -> str:
            if not isinstance(value, time | datetime):
                raise SpecError(f"{ref} is a time (TM): pass time, not {type(value).__name__}")
            return f"{value.hour:02d}{value.minute:02d}"

        return fmt_tm

    def fmt_text(value: Any, problems: list[ElementProblem]) -> str:
        if value.__class__ is str:
            text = value
        elif isinstance(value, date):  # DTP03 and its kin are AN: a single date is CCYYMMDD (D8)
            text = f"{value.year:04d}{value.month:02d}{value.day:02d}"
        else:
            raise SpecError(f"{ref} is text ({kind}): pass str, not {type(value).__name__}")
        length = len(text)
        if length > high or length < low:
            long_or_short(length, problems)
        return text

    return fmt_text
