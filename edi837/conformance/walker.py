"""The loop walk of SNIP 2: where each segment belongs, and what is missing, repeated too often
or not used on the way there.

It walks as pyx12's map walker does, so that the findings are the same: from the node of the
last segment it scans forward through that loop's children (from the last segment's position),
then pops out loop by loop; a segment opens a loop when it matches the loop's first segment; a
required segment or loop passed over with no count is missing (unless a later segment at the
same position may still stand for it); every loop entered counts against its maximum, every
segment against its own.

Where the walk lands depends only on the node it starts from and on the segment's ID and
qualifier, never on the counts. So it is worked out once per (node, signature) as a
:class:`Transition`: the loops it leaves and enters, where it lands, and the required nodes it
passes (each to be reported when its count is zero). A file then costs a dictionary look-up and a
few count updates per segment; the counts are kept per open loop instance (``frames``), which is
what keeps memory flat.
"""

from __future__ import annotations

from collections.abc import Callable

from edi837.conformance import snip1, snip2
from edi837.conformance.rules import Rule
from edi837.conformance.tree import (
    GS,
    GS_LOOP,
    ISA,
    ISA_LOOP,
    ST_LOOP,
    LoopNode,
    SegNode,
    Signature,
    Tree,
)
from edi837.conformance.tree import matches as node_matches
from edi837.x12.spec import dictionary

SEGMENT, ENTER, NOT_FOUND = 0, 1, 2
Emit = Callable[[Rule, str, str, str], None]  # (rule, message, segment ID, loop)


class Missing:
    """A required node passed over: reported if its count is zero when the walk passes it."""

    __slots__ = ("depth", "idx", "loop", "message", "rule", "segment_id")

    def __init__(
        self, depth: int, idx: int, rule: Rule, segment_id: str, loop: str, message: str
    ) -> None:
        self.depth = depth  # which open frame holds the count
        self.idx = idx  # the node counted
        self.rule = rule
        self.segment_id = segment_id
        self.loop = loop
        self.message = message


class Transition:
    """What placing one kind of segment after one node does (see the module docstring)."""

    __slots__ = (
        "checks",
        "down",
        "enter",
        "entered",
        "idx",
        "keep",
        "kind",
        "limit",
        "pending",
        "target",
    )

    def __init__(
        self,
        kind: int,
        keep: int,
        target: SegNode | None,
        enter: tuple[LoopNode, ...] = (),
        checks: tuple[Missing, ...] = (),
    ) -> None:
        self.kind = kind
        self.keep = keep  # frames kept (the loops not left)
        self.target = target  # the node it lands on
        self.idx = target.idx if target is not None else -1
        # how many of the target its loop takes without a finding (none when it is Not Used)
        self.limit = 0 if target is None or target.usage == "N" else target.max_use
        self.enter = enter  # loops entered, outermost first; the last one is counted
        self.entered = enter[-1] if enter else None
        self.down = len(enter) - 1 if enter else 0  # loops gone down through, not counted
        self.checks = checks
        # the same checks as (frame, node, check): a count, once there, is never below one, so
        # "no count" is a look-up in the frame (the walk does it for every segment)
        self.pending = tuple((m.depth, m.idx, m) for m in checks)


class _Candidate:
    __slots__ = ("eq", "missing", "pos")

    def __init__(self, missing: Missing, eq: tuple[str, str], pos: int) -> None:
        self.missing = missing
        self.eq = eq
        self.pos = pos


def _missing_segment(depth: int, node: SegNode) -> _Candidate:
    message = (
        f"the required segment {node.id} ({node.name}) is missing"
        + (f" from loop {node.loop}" if node.loop else "")
        + ": add it"
    )
    return _Candidate(
        Missing(depth, node.idx, snip2.SEG_REQUIRED, node.id, node.loop, message), node.eq, node.pos
    )


def _missing_loop(depth: int, loop: LoopNode) -> _Candidate:
    first = loop.first
    assert isinstance(first, SegNode)
    label = f"loop {loop.loop or loop.id} ({loop.name})"
    message = f"the required {label} is missing: it starts with {first.id}"
    return _Candidate(
        Missing(depth, loop.idx, snip2.LOOP_REQUIRED, first.id, loop.loop, message),
        first.eq,
        first.pos,
    )


class _Scan:
    """One simulated walk of pyx12's walk_tree.walk_errors, recording instead of counting."""

    def __init__(self, tree: Tree, signature: Signature) -> None:
        self.keys = tree.keys
        self.signature = signature
        self.candidates: list[_Candidate] = []

    def matches(self, node: SegNode) -> bool:
        return node_matches(node, self.signature, self.keys)

    def loop_matches(self, loop: LoopNode, depth: int) -> bool:
        """_is_loop_match: does the segment open ``loop``? ``depth`` is the frame that holds
        the loop's own count (and, for a loop entered by going down, its children's)."""
        first = loop.first
        if first is None:
            return False
        if isinstance(first, LoopNode):
            return any(self.loop_matches(child, depth) for child in loop.loops())
        if self.matches(first):
            return True
        if loop.usage == "R":
            self.candidates.append(_missing_loop(depth, loop))
        return False

    def descend(self, loop: LoopNode) -> list[LoopNode] | None:
        """_goto_seg_match: the loops entered down to the one whose first segment matches."""
        first = loop.first_seg
        if first is not None and self.matches(first):
            return [loop]
        for child in loop.loops():
            below = self.descend(child)
            if below is not None:
                return [loop, *below]
        return None

    def flush(self, landed: SegNode | None = None) -> tuple[Missing, ...]:
        """The candidates reported: all when a loop was entered; when a segment matched, those
        not of the same node and not at its position (a later segment there may stand for
        them: pyx12 drops those)."""
        if landed is None:
            return tuple(c.missing for c in self.candidates)
        return tuple(
            c.missing for c in self.candidates if c.eq != landed.eq and c.pos != landed.pos
        )

    def enter(self, keep: int, chain: list[LoopNode]) -> Transition:
        target = chain[-1].first_seg
        assert target is not None
        return Transition(ENTER, keep, target, tuple(chain), self.flush())

    def scan(self, loop: LoopNode, start: int) -> Transition | None:
        depth = loop.depth
        for child in loop.children:
            if child.pos < start:
                continue
            if isinstance(child, SegNode):
                if self.matches(child):
                    if loop.parent is not None and self.loop_matches(loop, depth - 1):
                        chain = self.descend(loop)
                        if chain is not None:  # it opens the loop again: a new instance
                            return self.enter(depth, chain)
                    return Transition(SEGMENT, depth + 1, child, (), self.flush(child))
                if child.usage == "R":
                    self.candidates.append(_missing_segment(depth, child))
            elif self.loop_matches(child, depth):
                chain = self.descend(child)
                if chain is not None:
                    return self.enter(depth + 1, chain)
        return None


def transition(tree: Tree, node: SegNode, signature: Signature) -> Transition:
    """Work out where a segment of this signature goes after ``node``."""
    scan = _Scan(tree, signature)
    loop: LoopNode = node.parent
    start = node.pos
    while True:
        found = scan.scan(loop, start)
        if found is not None:
            return found
        if loop.parent is None:
            return Transition(NOT_FOUND, 0, None)
        start = loop.pos
        loop = loop.parent


class Walker:
    """The walk through one file: the node of the last segment placed, and the counts of every
    open loop instance (``frames[d]`` for the loop at depth ``d`` of that node's chain)."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.node: SegNode | None = None
        self.frames: list[dict[int, int]] = [{}]

    def use(self, tree: Tree) -> None:
        """Walk on in another transaction's tree (a new ST of another kind): the envelope nodes
        are numbered alike in every tree, so the walk goes on from the same place."""
        if tree is self.tree:
            return
        self.tree = tree
        node = self.node
        if node is None:
            return
        if node.idx <= GS and node.parent.depth <= GS_LOOP:
            self.node = tree.segment(node.idx)
        else:  # inside a transaction set of the other tree: go on from its group's header
            self.node = tree.segment(GS)
            del self.frames[GS_LOOP + 1 :]

    def start_interchange(self) -> None:
        """An ISA: pyx12 puts the walk at the ISA and counts afresh inside the interchange."""
        root = self.frames[0]
        root[ISA_LOOP] = root.get(ISA_LOOP, 0) + 1
        self.frames = [root, {ISA: 1}]
        self.node = self.tree.segment(ISA)

    def start_group(self) -> None:
        """A GS: the walk is put at the GS, counting afresh inside the group."""
        if len(self.frames) < 2:
            self.frames.append({})
        del self.frames[2:]
        outer = self.frames[1]
        outer[GS_LOOP] = outer.get(GS_LOOP, 0) + 1
        self.frames.append({GS: 1})
        self.node = self.tree.segment(GS)

    def skip_set(self) -> None:
        """A transaction set that is not walked (a guide we do not validate): counted as a set
        of the group, so that the group's trailer finds its place, and nothing else."""
        while len(self.frames) < 3:
            self.frames.append({})
        del self.frames[3:]
        group = self.frames[2]
        group[ST_LOOP] = group.get(ST_LOOP, 0) + 1
        self.node = self.tree.segment(GS)

    def place(self, signature: Signature, emit: Emit) -> SegNode | None:
        """Place a segment; report what the walk finds; the node it lands on (None: nowhere)."""
        node = self.node
        if node is None:  # before any ISA: nothing can be placed
            emit(snip1.OUTSIDE, f"{signature[0]} comes before any ISA", signature[0] or "", "")
            return None
        # (typed by annotation, not typing.cast: this runs once per segment, and a cast of a
        # union builds the union each time)
        step: Transition | None = node.transitions.get(signature)  # type: ignore[assignment]
        if step is None:
            step = node.transitions[signature] = transition(self.tree, node, signature)
        frames = self.frames
        for depth, idx, missing in step.pending:
            if idx not in frames[depth]:
                emit(missing.rule, missing.message, missing.segment_id, missing.loop)
        kind = step.kind
        target: SegNode = step.target  # type: ignore[assignment]  # None only for NOT_FOUND
        if kind == SEGMENT:  # the common case, kept lean
            if len(frames) != step.keep:
                del frames[step.keep :]
            counts = frames[-1]
            idx = step.idx
            seen = counts.get(idx, 0) + 1
            counts[idx] = seen
            if seen <= step.limit:  # (a count is at least one: a limit of 0 is Not Used)
                self.node = target
                return target
            if target.usage == "N":
                emit(
                    snip2.SEG_NOT_USED,
                    f"{target.id} ({target.name}) is marked Not Used here: remove it",
                    target.id,
                    target.loop,
                )
            elif seen > target.max_use:
                emit(
                    snip2.SEG_REPEAT,
                    f"{target.id} ({target.name}) appears {seen} times in its loop; at most "
                    f"{target.max_use} allowed",
                    target.id,
                    target.loop,
                )
        elif kind == ENTER:
            del frames[step.keep :]
            entered: LoopNode = step.entered  # type: ignore[assignment]  # set for ENTER
            if step.down:  # entered by going down: counted with the parent
                frames.extend([frames[-1]] * step.down)
            if entered.usage == "N":
                emit(
                    snip2.LOOP_NOT_USED,
                    f"loop {entered.loop or entered.id} ({entered.name}) is marked Not Used: remove it",
                    target.id,
                    entered.loop,
                )
            else:
                counts = frames[-1]
                seen = counts.get(entered.idx, 0) + 1
                counts[entered.idx] = seen
                if seen > entered.repeat:
                    emit(
                        snip2.LOOP_REPEAT,
                        f"loop {entered.loop or entered.id} ({entered.name}) repeats {seen} "
                        f"times; at most {entered.repeat} allowed",
                        target.id,
                        entered.loop,
                    )
            frames.append({target.idx: 1})
        else:
            seg_id = signature[0] or ""
            where = node.loop or "the transaction set"
            if seg_id in dictionary() or seg_id in ("ISA", "GS", "ST", "SE", "GE", "IEA"):
                emit(
                    snip2.UNEXPECTED,
                    f"{seg_id} is not allowed here (after {node.id} in {where}): it is out of "
                    "order, in the wrong loop, or carries a qualifier the TR3 does not list",
                    seg_id,
                    node.loop,
                )
            else:
                emit(
                    snip1.SEGMENT_UNKNOWN,
                    f"{seg_id} is not a segment of this transaction",
                    seg_id,
                    node.loop,
                )
            return None
        self.node = target
        return target
