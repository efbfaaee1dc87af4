"""Assemble loops from a segment stream and a transaction's loop declaration.

The walker keeps the chain of open loops. A segment is matched against the children of the
innermost open loop first (does it open one of them?), then against that loop's own segments,
then the same for each enclosing loop, outward. That is how the TR3's nesting reads: NM1*82
inside a 2400 opens 2420A; the same NM1*82 before the first LX opens 2310B.

It is lenient, as a reader must be: a segment that opens a loop whose enclosing loop never
opened (an 835 CLP without its LX) opens the missing loops implicitly; a segment the declaration
does not know stays in the current loop. Both are reported to the caller, which decides what to
say. One declaration, one engine: the 837P reader and the 835 reader both stand on this.
"""

from __future__ import annotations

from enum import Enum

import attrs

from edi837.x12.declarations import LoopSpec, TransactionSpec


class Placement(Enum):
    SAME = "same"  # the segment belongs to a loop that was already open
    OPENED = "opened"  # the segment opened a new loop (instance)
    IMPLIED = "implied"  # it opened a loop whose missing parent loops were opened for it
    UNKNOWN = "unknown"  # the declaration does not know it here; it stays in the current loop


# The members as module names: on Python 3.11 ``Placement.OPENED`` is a descriptor call on the
# enum class (about 100 ns, 14 times a global's), and ``place`` answers once per segment.
_SAME, _OPENED, _IMPLIED, _UNKNOWN = (
    Placement.SAME,
    Placement.OPENED,
    Placement.IMPLIED,
    Placement.UNKNOWN,
)


@attrs.define(slots=True, eq=False)
class LoopInstance:
    spec: LoopSpec
    parent: LoopInstance | None
    start: int  # position of the segment that opened it
    implied: bool = False

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def path(self) -> str:
        return self.spec.path


# A remembered answer of the walker's search for a segment that opens a loop: how many entries
# of the stack stay, the loop opened, and that loop's tables (its staying segments, its own
# remembered answers, its qualifying elements), which become the innermost's.
_Jump = tuple[int, LoopSpec, frozenset[str], "_Jumps", dict[str, int]]
_Jumps = dict[str | tuple[str, str], _Jump]


class LoopWalker:
    """Place each segment of one transaction (ST..SE) in its loop instance."""

    def __init__(self, spec: TransactionSpec, start: int = 1) -> None:
        self.spec = spec
        self.root = LoopInstance(spec.root, None, start)
        self._stack: list[LoopInstance] = [self.root]
        self._descendants, self._staying, self._plain, self._qualified = _tables(spec)
        # The segment IDs that stay in the innermost open loop: its own segments that open no
        # child loop. ``place`` answers SAME for them without changing anything, so a reader's
        # hot loop may test ``seg_id in walker.stays`` and skip the call (most segments of a
        # large file are such: CAS, DTM, REF, AMT inside a claim or a service line).
        self.stays: frozenset[str] = self._staying[id(spec.root)]
        # Where a segment that opens a loop without a qualifier (CLP, SVC, LX) leads depends
        # only on the innermost open loop, so the answer of the full search is remembered:
        # {id(innermost spec): {segment ID: (stack entries kept, loop opened)}}. A segment whose
        # openers all tell their loops apart by one element (HL03, NM101, TRN01: most of a
        # 277CA's segments that open loops; ``_qualified`` has the element's index) has its
        # answers remembered by that element's value, in the same table: {(segment ID, value):
        # (kept, opened, ...)}. A remembered answer carries the tables of the loop it opens (its
        # staying segments, its own remembered answers and ``_qualified``'s entry), which become
        # the innermost's.
        self._jumps: dict[int, _Jumps] = {id(loop): {} for loop in (spec.root, *spec.loops)}
        self._jump = self._jumps[id(spec.root)]
        self._qualifier = self._qualified[id(spec.root)]

    @property
    def current(self) -> LoopInstance:
        return self._stack[-1]

    def place(self, elements: list[str], position: int) -> tuple[LoopInstance, Placement]:
        seg_id = elements[0]
        stack = self._stack
        if seg_id in self.stays:
            return stack[-1], _SAME
        jump = self._jump.get(seg_id)
        key = None
        if jump is None:  # by a qualifier's value, when one element tells the loops it opens apart
            index = self._qualifier.get(seg_id)
            if index is not None and index < len(elements):
                key = (seg_id, elements[index])
                jump = self._jump.get(key)
        if jump is not None:
            keep, child, self.stays, self._jump, self._qualifier = jump
            del stack[keep:]
            instance = LoopInstance(child, stack[-1], position)
            stack.append(instance)
            return instance, _OPENED
        innermost = stack[-1].spec
        instance, how = self._place(seg_id, elements, position)
        if how is _OPENED and (key is not None or seg_id in self._plain.get(id(innermost), ())):
            opened = id(instance.spec)
            self._jump[seg_id if key is None else key] = (
                len(stack) - 1,
                instance.spec,
                self._staying[opened],
                self._jumps[opened],
                self._qualified[opened],
            )
        innermost_id = id(stack[-1].spec)
        self.stays = self._staying[innermost_id]
        self._jump = self._jumps[innermost_id]
        self._qualifier = self._qualified[innermost_id]
        return instance, how

    def _place(
        self, seg_id: str, elements: list[str], position: int
    ) -> tuple[LoopInstance, Placement]:
        stack = self._stack
        for depth in range(len(stack) - 1, -1, -1):
            instance = stack[depth]
            spec = instance.spec
            openers = spec.openers.get(seg_id)
            if openers is not None:
                for child in openers:
                    if child.opens(elements):
                        del stack[depth + 1 :]
                        opened = LoopInstance(child, instance, position)
                        stack.append(opened)
                        return opened, _OPENED
            if seg_id in spec.segment_ids:
                del stack[depth + 1 :]
                return instance, _SAME
        # Nothing open can take it: look deeper for a loop it opens whose parents are missing.
        for depth in range(len(stack) - 1, -1, -1):
            instance = stack[depth]
            for chain in self._descendants.get(id(instance.spec), {}).get(seg_id, ()):
                target = chain[-1]
                if not target.opens(elements):
                    continue
                del stack[depth + 1 :]
                parent = instance
                for missing in chain[:-1]:
                    parent = LoopInstance(missing, parent, position, implied=True)
                    stack.append(parent)
                opened = LoopInstance(target, parent, position)
                stack.append(opened)
                return opened, _IMPLIED
        return stack[-1], _UNKNOWN


def _tables(
    spec: TransactionSpec,
) -> tuple[
    dict[int, dict[str, list[list[LoopSpec]]]],
    dict[int, frozenset[str]],
    dict[int, frozenset[str]],
    dict[int, dict[str, int]],
]:
    """The walker's lookup tables: deeper openers; each loop's staying segments; for each
    loop, the segment IDs for which no loop from it up to the root has an opener that needs a
    qualifier (the search for those never looks at elements, so its answer can be remembered);
    and for each loop, the segment IDs whose openers from it up to the root all need a qualifier
    in one and the same element, with its index (the search for those looks at that element
    only, so its answer can be remembered by the element's value)."""
    loops = (spec.root, *spec.loops)
    staying = {id(loop): frozenset(loop.segment_ids - loop.openers.keys()) for loop in loops}
    plain: dict[int, frozenset[str]] = {}
    qualified: dict[int, dict[str, int]] = {}
    for loop in loops:
        chain = [loop, *loop.ancestors()]
        ids = {seg_id for node in chain for seg_id in node.openers}
        plain[id(loop)] = frozenset(
            seg_id
            for seg_id in ids
            if all(
                opener.qualifier_element is None
                for node in chain
                for opener in node.openers.get(seg_id, ())
            )
        )
        qualified[id(loop)] = {}
        for seg_id in ids:
            indexes = {
                opener.qualifier_element
                for node in chain
                for opener in node.openers.get(seg_id, ())
            }
            index = indexes.pop()
            if not indexes and index is not None:
                qualified[id(loop)][seg_id] = index
    return _descendant_openers(spec), staying, plain, qualified


def _descendant_openers(spec: TransactionSpec) -> dict[int, dict[str, list[list[LoopSpec]]]]:
    """For each loop, the loops below its children that a segment could open, with the chain
    of loops in between (grandchildren first, then deeper)."""
    table: dict[int, dict[str, list[list[LoopSpec]]]] = {}
    for loop in (spec.root, *spec.loops):
        found: dict[str, list[list[LoopSpec]]] = {}
        frontier: list[list[LoopSpec]] = [[child] for child in loop.children]
        while frontier:
            deeper: list[list[LoopSpec]] = []
            for chain in frontier:
                for grandchild in chain[-1].children:
                    path = [*chain, grandchild]
                    found.setdefault(grandchild.trigger, []).append(path)
                    deeper.append(path)
            frontier = deeper
        table[id(loop)] = found
    return table
