"""The transaction declarations in ``segments/<txn>.toml`` (and the envelope's in
``segments/interchange.toml``), loaded once: loop trees and the segments in each loop.

A loop (:class:`LoopSpec`) has its trigger (the segment that opens it, and the qualifier codes
that tell sibling loops apart) and its segments in TR3 order, each a :class:`SegmentUse`: usage
(R required, S situational, N not used), maximum use, syntax notes, and per element in that
context its usage and its codes. The loop walker (:mod:`edi837.x12.loops`) assembles loops from
the tree; the writer's segment order is held to it in tests; a validator checks against it.
See tools/gen_segments.py, which derives the files from pyx12's maps.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache
from typing import Any

import attrs

from edi837.errors import SpecError
from edi837.x12.spec import Picker, load_toml, picker

USAGES = frozenset({"R", "S", "N"})
_NOTE = re.compile(r"([PRCLE])((?:\d\d)+)")


@attrs.frozen(slots=True)
class ElementUse:
    """An element in one segment use: its usage there, and the codes allowed there (empty: any
    value of its type; ``codes_from`` names an external list instead: states, country...)."""

    ref: str
    usage: str
    codes: frozenset[str] = frozenset()
    codes_from: str = ""
    pattern: str = ""  # a regular expression the value must contain a match of


@attrs.frozen(slots=True)
class SyntaxNote:
    """An X12 syntax note on a segment, as the standard writes it (``P0809``), with its elements.

    P paired (all or none), R required (at least one), C conditional (if the first, then all the
    others), L list conditional (if the first, then at least one other), E exclusion (at most one).
    """

    text: str
    kind: str
    refs: tuple[str, ...]

    def holds(self, present: Collection[str]) -> bool:
        """Does a segment with these elements present (non-empty) satisfy the note?"""
        given = [ref in present for ref in self.refs]
        first, others = given[0], given[1:]
        if self.kind == "P":
            return all(given) or not any(given)
        if self.kind == "R":
            return any(given)
        if self.kind == "C":
            return not first or all(others)
        if self.kind == "L":
            return not first or any(others)
        return sum(given) <= 1  # E


@attrs.frozen(slots=True)
class SegmentUse:
    """One segment in one loop, as the TR3 declares it there."""

    id: str
    name: str
    usage: str
    max_use: int | None  # None: unbounded (">1")
    position: str  # the TR3's position number ("0200")
    syntax: tuple[SyntaxNote, ...] = ()
    elements: tuple[ElementUse, ...] = ()
    wrapper: str = ""  # the HEADER / DETAIL / FOOTER pseudo-loop of pyx12's map it sits in

    def element(self, ref: str) -> ElementUse | None:
        return next((e for e in self.elements if e.ref == ref), None)

    @property
    def qualifier(self) -> ElementUse | None:
        """The first required element with codes: what tells this use apart from another use of
        the same segment in the loop (REF*G1 and REF*F8 in 2300)."""
        return next((e for e in self.elements if e.usage == "R" and e.codes), None)


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
    segments: tuple[SegmentUse, ...]  # the loop's segments in TR3 order, its trigger first
    parent: LoopSpec | None = None
    pos: str = ""  # its position in its parent, as the map numbers it (not always its trigger's)
    wrapper: str = ""  # the HEADER / DETAIL / FOOTER pseudo-loop of pyx12's map it sits in
    children: list[LoopSpec] = attrs.field(factory=list)
    # segment ID -> the child loops it can open, in declaration order
    openers: dict[str, list[LoopSpec]] = attrs.field(factory=dict)
    # the IDs of the loop's own segments but its trigger: what stays in an open instance
    segment_ids: frozenset[str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.segment_ids = frozenset(use.id for use in self.segments) - {self.trigger}

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

    def uses(self, seg_id: str) -> tuple[SegmentUse, ...]:
        return tuple(use for use in self.segments if use.id == seg_id)

    def use_of(self, elements: list[str], component: str = ":") -> SegmentUse | None:
        """The declared use a segment stands for here: among the uses of its ID, the first whose
        qualifier it carries, else the first (None when the loop has no such segment).
        ``component`` is the interchange's component separator (ISA16)."""
        uses = self.uses(elements[0])
        if len(uses) > 1:
            for use in uses:
                qualifier = use.qualifier
                if qualifier is not None and _value(use.id, qualifier.ref, elements, component) in (
                    qualifier.codes
                ):
                    return use
        return uses[0] if uses else None


@attrs.frozen(slots=True)
class Wrapper:
    """One of the pseudo-loops pyx12's maps group a transaction's tables in (HEADER, DETAIL,
    FOOTER). The TR3 does not name them and readers ignore them; a validator that walks a
    transaction as pyx12 does needs their positions and usage."""

    id: str
    name: str
    pos: str
    usage: str
    repeat: str


@attrs.frozen(slots=True)
class TransactionSpec:
    id: str
    version: str
    name: str
    root: LoopSpec
    loops: tuple[LoopSpec, ...]
    wrappers: tuple[Wrapper, ...] = ()

    def loop(self, path: str) -> LoopSpec:
        for spec in self.loops:
            if spec.path == path:
                return spec
        raise SpecError(f"the {self.id} declaration has no loop {path}")


def _value(seg_id: str, ref: str, elements: list[str], component: str) -> str:
    """The value of element or component ``ref`` in a segment."""
    composite, dash, _ = ref.partition("-")
    if not dash:
        return _picker(seg_id, ref)(elements)[0]
    return _picker(composite, ref)(_picker(seg_id, composite)(elements)[0].split(component))[0]


@cache
def _picker(owner: str, ref: str) -> Picker:
    return picker(owner, ref)


def _syntax(seg_id: str, text: str) -> SyntaxNote:
    match = _NOTE.fullmatch(text)
    if match is None:
        raise SpecError(f"{seg_id}: {text!r} is not an X12 syntax note")
    digits = match.group(2)
    refs = tuple(f"{seg_id}{digits[i : i + 2]}" for i in range(0, len(digits), 2))
    return SyntaxNote(text, match.group(1), refs)


def _element_use(ref: str, raw: str | Mapping[str, Any]) -> ElementUse:
    if isinstance(raw, str):
        return ElementUse(ref, raw)
    return ElementUse(
        ref,
        raw["usage"],
        frozenset(raw.get("codes", ())),
        raw.get("codes_from", ""),
        raw.get("pattern", ""),
    )


def _segment_uses(where: str, raw: list[Mapping[str, Any]]) -> tuple[SegmentUse, ...]:
    uses = []
    for body in raw:
        seg_id = body["id"]
        if body["usage"] not in USAGES:
            raise SpecError(f"{where}: {seg_id} has usage {body['usage']!r}")
        max_use = body["max_use"]
        uses.append(
            SegmentUse(
                id=seg_id,
                name=body["name"],
                usage=body["usage"],
                max_use=max_use if isinstance(max_use, int) else None,
                position=body["pos"],
                syntax=tuple(_syntax(seg_id, note) for note in body.get("syntax", ())),
                elements=tuple(
                    _element_use(ref, value) for ref, value in body.get("elements", {}).items()
                ),
                wrapper=body.get("wrapper", ""),
            )
        )
    return tuple(uses)


@cache
def transaction(stem: str) -> TransactionSpec:
    """Load ``segments/<stem>.toml`` (``837p``, ``835``, ``999``, ``277ca``)."""
    data = load_toml(f"{stem}.toml")
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
        segments=_segment_uses(f"{stem}.toml", head["segment"]),
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
            segments=_segment_uses(f"{stem}.toml loop {path}", raw["segment"]),
            parent=parent,
            pos=raw.get("pos", ""),
            wrapper=raw.get("wrapper", ""),
        )
        parent.children.append(spec)
        parent.openers.setdefault(spec.trigger, []).append(spec)
        by_path[path] = spec
        loops.append(spec)
    wrappers = tuple(
        Wrapper(w["id"], w["name"], w["pos"], w["usage"], w["repeat"])
        for w in head.get("wrapper", [])
    )
    return TransactionSpec(head["id"], head["version"], head["name"], root, tuple(loops), wrappers)


@cache
def interchange() -> tuple[SegmentUse, ...]:
    """The envelope segments as ``segments/interchange.toml`` declares them: ISA, GS, GE, TA1,
    IEA (the codes of TA104 and TA105, say)."""
    data = load_toml("interchange.toml")
    return _segment_uses("interchange.toml", data["interchange"]["segment"])
