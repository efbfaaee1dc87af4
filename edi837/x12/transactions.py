"""One stream of placed segments per file: the engine every transaction reader stands on.

:class:`TransactionStream` reads a file (:class:`SegmentReader` -> :func:`walk_envelopes`) and
places every segment of each transaction set (ST..SE) in its loop with the :class:`LoopWalker`
of the transaction's declaration. Which declaration is chosen from one table, :data:`KINDS`,
by ST01 and the implementation guide version (ST03, or GS08): ach's ``NewBatch`` factory,
placed once. A reader is then a table, ``(loop ID, segment ID) -> handler``, over the items:

- :class:`Placed`: one segment, its position, its elements, its loop instance and how the walker
  placed it. Segments outside any transaction set (ISA, GS, GE, IEA, and TA1, which answers a
  whole interchange) and those of a set no kind of the stream reads come with no loop:
  their key is ``("", seg_id)``. ST and SE come with the transaction's root loop (``"ST"``).
- :class:`Gathered`: a loop instance read whole, its own segments and its child loops, for the
  loops a reader asks to ``gather`` (the 835 asks for its claims, 2100). Its key is that of the
  segment that opens the loop (``("2100", "CLP")``), and it comes when the loop has closed.

Gathering is also what keeps a large file fast: a segment that stays in the innermost loop of a
gathered instance (CAS, DTM, REF, AMT in a claim or line) is appended to that instance without
asking the walker or building any object (``walker.stays``).

A reader may also name, per kind, *quiet* loops outside any loop to gather: a segment that opens
one of them right after a gathered instance (or right after another such segment) is placed but
not handed out. That is for openers a reader does nothing with at that point (a 277CA's patient
HL and NM1 between two claims): whatever they would end, the gathered instance's item ended.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping

import attrs

from edi837.issues import Sink
from edi837.x12 import declarations
from edi837.x12.declarations import LoopSpec, TransactionSpec
from edi837.x12.delimiters import Delimiters
from edi837.x12.envelope import ENVELOPE_IDS, Envelope, walk_envelopes
from edi837.x12.loops import LoopInstance, LoopWalker, Placement
from edi837.x12.spec import picker
from edi837.x12.tokenizer import SegmentReader

Segment = tuple[int, list[str]]  # (position, elements)
OUTSIDE = ""  # the loop ID of a segment outside any transaction set (ISA, GS, TA1, GE, IEA)
_NOTHING: frozenset[str] = frozenset()
_ST = picker("ST", "ST01", "ST02")
_ISA13 = picker("ISA", "ISA13")
_GS06 = picker("GS", "GS06")


@attrs.frozen(slots=True)
class Kind:
    """One row of the table: a transaction set this engine reads, and its declaration."""

    set_id: str  # ST01
    versions: tuple[str, ...]  # the implementation guides read as this kind (ST03/GS08 prefixes)
    stem: str  # segments/<stem>.toml
    title: str
    # read a set of this ID whose version is none of the above as this kind (with a warning,
    # which is the reader's to give): other 837s as 837P, older 835s and 999s as these
    fallback: bool = True

    def spec(self) -> TransactionSpec:
        return declarations.transaction(self.stem)

    def reads(self, version: str) -> bool:
        return any(version.startswith(prefix) for prefix in self.versions)


CLAIM_837P = Kind("837", ("005010X222",), "837p", "Health Care Claim: Professional")
REMITTANCE_835 = Kind("835", ("005010X221",), "835", "Health Care Claim Payment/Advice")
ACK_999 = Kind("999", ("005010X231",), "999", "Implementation Acknowledgment")
# a 277 is also the claim status response (X212): only X214 is read as the 277CA
ACK_277CA = Kind(
    "277", ("005010X214",), "277ca", "Health Care Claim Acknowledgment", fallback=False
)
# the 4010 functional acknowledgment some clearinghouses still send in place of a 999
ACK_997 = Kind("997", ("004010", "003"), "997", "Functional Acknowledgment")
KINDS: tuple[Kind, ...] = (CLAIM_837P, REMITTANCE_835, ACK_999, ACK_277CA, ACK_997)


def kind_of(set_id: str, version: str, kinds: Collection[Kind] = KINDS) -> Kind | None:
    """The kind that reads a transaction set: its ID and version, else its ID's fallback."""
    fallback = None
    for kind in kinds:
        if kind.set_id == set_id:
            if kind.reads(version):
                return kind
            if kind.fallback and fallback is None:
                fallback = kind
    return fallback


@attrs.frozen(slots=True)
class Transaction:
    """The transaction set being read: what its ST and its envelopes say."""

    kind: Kind | None  # None: a set the stream does not read (its segments have no loop)
    set_id: str  # ST01
    control_number: str  # ST02
    version: str  # ST03, or GS08 where ST03 is absent
    position: int  # of the ST
    st: list[str]
    isa: list[str]
    gs: list[str]
    component: str  # the component separator of its interchange (ISA16)

    @property
    def interchange_control_number(self) -> str:
        """ISA13 of the interchange the set came in."""
        return _ISA13(self.isa)[0].strip() if self.isa else ""

    @property
    def group_control_number(self) -> str:
        """GS06 of its functional group."""
        return _GS06(self.gs)[0].strip() if self.gs else ""


class Placed:
    """One segment as placed: where it is in the file and in the loop tree."""

    __slots__ = ("elements", "how", "loop", "position")

    def __init__(
        self,
        position: int,
        elements: list[str],
        loop: LoopInstance | None,
        how: Placement | None,
    ) -> None:
        self.position = position
        self.elements = elements
        self.loop = loop  # None outside a transaction set the stream reads
        self.how = how

    @property
    def seg_id(self) -> str:
        return self.elements[0]

    @property
    def loop_id(self) -> str:
        return self.loop.spec.id if self.loop is not None else OUTSIDE

    @property
    def path(self) -> str:
        """The loop path (``2000A/2000B/2300``); ``""`` for the transaction's own segments."""
        return self.loop.spec.path if self.loop is not None else ""

    @property
    def key(self) -> tuple[str, str]:
        """What a reader's handler table is keyed by: (loop ID, segment ID)."""
        return (self.loop_id, self.elements[0])

    def __repr__(self) -> str:
        return f"Placed({self.position}, {self.elements[0]}, {self.loop_id or '-'}, {self.how})"


class Gathered(list[Segment]):
    """A loop instance read whole. It is the list of the loop's own segments, ``(position,
    elements)`` in file order, its opening segment apart (``opening``, None when the loop was
    implied); its child loop instances are ``children``.

    A list rather than an object holding one: the stream builds one per claim and per line of a
    large file, and a list subclass without ``__init__`` is built in C (use :func:`gathered`).
    """

    __slots__ = ("children", "how", "loop", "opening", "path")
    loop: LoopInstance
    how: Placement  # OPENED, or IMPLIED when it (or a loop above it) was opened implicitly
    opening: Segment | None
    path: str  # the loop path (2000/2100), for every message about it
    children: list[Gathered]

    @property
    def segments(self) -> list[Segment]:
        """The loop's own segments (the Gathered itself; iterate either)."""
        return self

    @property
    def loop_id(self) -> str:
        return self.loop.spec.id

    @property
    def key(self) -> tuple[str, str]:
        return (self.loop.spec.id, self.loop.spec.trigger)

    def __repr__(self) -> str:
        return f"Gathered({self.loop.start}, {self.loop_id}, {len(self)} segments)"


def gathered(loop: LoopInstance, how: Placement, opening: Segment | None) -> Gathered:
    """A new, empty :class:`Gathered` for a loop instance."""
    node = Gathered()
    node.loop, node.how, node.opening, node.path = loop, how, opening, loop.spec.path
    node.children = []
    return node


Item = Placed | Gathered


def _discard(segment: Segment) -> None:  # pragma: no cover - only called while gathering
    raise AssertionError("a segment was kept with no gathered loop open")


class _Gathering:
    """The gathered loop instance being read: its root (the outermost loop to gather) and a node
    per loop instance open in it."""

    __slots__ = ("hops", "loops", "nodes", "root")

    def __init__(self, loops: frozenset[str]) -> None:
        self.loops = loops
        self.root: Gathered | None = None
        self.nodes: dict[LoopInstance, Gathered] = {}
        # per loop declaration: how many loops up its outermost loop to gather is (0: itself),
        # -1 when it is inside none; worked out once per declaration
        self.hops: dict[LoopSpec, int] = {}

    def close(self) -> Gathered:
        root = self.root
        assert root is not None
        self.root = None
        self.nodes.clear()
        return root

    def _hops_of(self, spec: LoopSpec) -> int:
        hops, up = -1, 0
        node: LoopSpec | None = spec
        while node is not None:
            if node.id in self.loops:
                hops = up
            node, up = node.parent, up + 1
        self.hops[spec] = hops
        return hops

    def place(
        self, instance: LoopInstance, how: Placement, segment: Segment
    ) -> tuple[Gathered | None, Gathered | None]:
        """Put a placed segment where it belongs: (the root it closed, if any; the node that
        took it, None when it is outside any loop to gather)."""
        hops = self.hops.get(instance.spec)
        if hops is None:
            hops = self._hops_of(instance.spec)
        root = self.root
        if hops < 0:
            return (self.close() if root is not None else None), None
        target = instance
        for _ in range(hops):
            assert target.parent is not None
            target = target.parent
        nodes = self.nodes
        closed = None
        if root is None or target is not root.loop:
            closed = self.close() if root is not None else None
            if target is instance:  # it opened the loop to gather
                self.root = nodes[target] = gathered(target, how, segment)
                return closed, self.root
            self.root = nodes[target] = gathered(target, Placement.IMPLIED, None)
        held = nodes.get(instance)
        if held is not None:  # it stays in (or returned to) a loop the root already holds
            held.append(segment)
            return closed, held
        parent = nodes.get(instance.parent) if instance.parent is not None else None
        if parent is not None:  # it opened a loop in one the root holds
            child = nodes[instance] = gathered(instance, how, segment)
            parent.children.append(child)
            return closed, child
        # it opened a loop in the root, and (implied) the loops between
        chain = []
        node: LoopInstance | None = instance
        while node not in nodes:
            assert node is not None
            chain.append(node)
            node = node.parent
        assert node is not None
        parent = nodes[node]
        for opened in reversed(chain):
            if opened is instance:
                child = gathered(opened, how, segment)
            else:
                child = gathered(opened, Placement.IMPLIED, None)
            parent.children.append(child)
            nodes[opened] = parent = child
        return closed, parent


class TransactionStream:
    """Iterate over the items of a file: see the module docstring.

    ``kinds`` are the transaction sets to place (others come without loops); ``gather`` the loop
    IDs to hand over whole. Syntax and envelope problems go to ``sink``. :attr:`transaction` is
    the set the last ST opened, :attr:`delimiters` those of the current interchange.
    """

    def __init__(
        self,
        reader: SegmentReader,
        sink: Sink,
        *,
        kinds: Collection[Kind] = KINDS,
        gather: Collection[str] = (),
        quiet: Mapping[Kind, Collection[str]] | None = None,
    ) -> None:
        self.reader = reader
        self.sink = sink
        self.kinds = tuple(kinds)
        self.gather = frozenset(gather)
        self.quiet = {kind: frozenset(loops) for kind, loops in (quiet or {}).items()}
        self.transaction: Transaction | None = None

    @property
    def delimiters(self) -> Delimiters:
        return self.reader.delimiters

    def __iter__(self) -> Iterator[Item]:
        reader = self.reader
        same, unknown, opened = Placement.SAME, Placement.UNKNOWN, Placement.OPENED
        walker: LoopWalker | None = None
        gathering = _Gathering(self.gather)
        hops = gathering.hops  # loop declaration -> how far up its outermost loop to gather is
        new_node = Gathered
        new_instance = object.__new__
        # While a gathered instance is open: the segments that stay in its innermost open loop,
        # and the list they go to. Elsewhere nothing takes this shortcut. The reader's lane is
        # opened for the same segments (less any envelope segment), with the same list: on the
        # reader's lean path they go there without coming through the envelopes and this loop.
        # Every assignment to ``stays`` is followed by the lane's, so the two always agree.
        stays: frozenset[str] = _NOTHING
        keep: Callable[[Segment], None] = _discard
        lanes: dict[frozenset[str], frozenset[str]] = {}  # stays -> its lane IDs
        # the quiet loops of the transaction being read, and the position of the last segment
        # not handed out for opening one (the next may follow it quietly too)
        quiet: frozenset[LoopSpec] = frozenset()
        quieted = -1

        def open_lane(keep: Callable[[Segment], None], stays: frozenset[str]) -> None:
            # the lane IDs for these staying segments, remembered: never an envelope segment,
            # which must come through walk_envelopes
            lane = lanes.get(stays)
            if lane is None:
                lane = lanes[stays] = stays - ENVELOPE_IDS
            reader.lane_keep, reader.lane_ids = keep, lane

        try:
            for position, elements, env in walk_envelopes(reader, self.sink):
                if elements[0] in stays:
                    keep((position, elements))
                    continue
                seg_id = elements[0]
                if env.st is None or seg_id == "ST" or seg_id == "SE":  # noqa: PLR1714
                    if gathering.root is not None:
                        yield gathering.close()
                        stays = _NOTHING
                        reader.lane_ids = _NOTHING
                    if seg_id == "ST":
                        walker = self._start(position, elements, env)
                        quiet = self._quiet(walker)
                        root = walker.root if walker is not None else None
                        yield Placed(position, elements, root, Placement.OPENED if root else None)
                    elif seg_id == "SE" and walker is not None:
                        yield Placed(position, elements, walker.root, same)
                        walker = None
                    else:
                        if env.st is None:
                            walker = None  # an envelope ends the transaction that had no SE
                        yield Placed(position, elements, None, None)
                    continue
                if walker is None:  # inside a transaction set this stream does not read
                    yield Placed(position, elements, None, None)
                    continue
                if seg_id in walker.stays:
                    instance, how = walker.current, same
                else:
                    # LoopWalker.place's remembered answers, inline: the call was a good part
                    # of the work per claim and line (a miss takes the full search in place)
                    jump = walker._jump.get(seg_id)
                    if jump is None:
                        index = walker._qualifier.get(seg_id)
                        if index is not None and index < len(elements):
                            jump = walker._jump.get((seg_id, elements[index]))
                    if jump is None:
                        instance, how = walker.place(elements, position)
                    else:
                        kept, spec, walker.stays, walker._jump, walker._qualifier = jump
                        stack = walker._stack
                        del stack[kept:]
                        # LoopInstance(spec, stack[-1], position), by its slots: attrs' __init__
                        # for it only stores them (no validator, converter or hook; a test
                        # holds the class to that)
                        instance = new_instance(LoopInstance)
                        instance.spec, instance.parent = spec, stack[-1]
                        instance.start, instance.implied = position, False
                        stack.append(instance)
                        how = opened
                if how is unknown or not gathering.loops:
                    yield Placed(position, elements, instance, how)
                    continue
                # The common cases inline: a loop opened in one the root holds (a claim's line), a
                # segment back in a loop it holds (a claim segment after the lines), a new loop to
                # gather (the next claim); the rest (implied loops, say) in _Gathering.place.
                nodes = gathering.nodes
                held: Gathered | None
                if how is opened:
                    held = nodes.get(instance.parent)  # type: ignore[arg-type]
                    if held is not None:
                        child = nodes[instance] = new_node()
                        child.loop, child.how, child.opening = instance, how, (position, elements)
                        child.path, child.children = instance.spec.path, []
                        held.children.append(child)
                        keep, stays = child.append, walker.stays
                        lane = lanes.get(stays)  # open_lane, inline: once per line of a claim
                        if lane is None:
                            lane = lanes[stays] = stays - ENVELOPE_IDS
                        reader.lane_keep, reader.lane_ids = keep, lane
                        continue
                    hop = hops.get(instance.spec)
                    if hop == 0:  # it opens a loop to gather, outermost
                        closing = gathering.root
                        if closing is not None:  # gathering.close(), inline: once per claim
                            gathering.root = None
                            nodes.clear()
                            yield closing
                        top = gathering.root = nodes[instance] = new_node()
                        top.loop, top.how, top.opening = instance, how, (position, elements)
                        top.path, top.children = instance.spec.path, []
                        keep, stays = top.append, walker.stays
                        lane = lanes.get(stays)  # open_lane, inline: once per claim of a file
                        if lane is None:
                            lane = lanes[stays] = stays - ENVELOPE_IDS
                        reader.lane_keep, reader.lane_ids = keep, lane
                        continue
                    if hop is not None and hop < 0:  # a loop in no loop to gather (a 277CA's HL)
                        follows = position == quieted + 1
                        if gathering.root is not None:
                            yield gathering.close()
                            follows = True
                        stays = _NOTHING
                        reader.lane_ids = _NOTHING
                        if follows and instance.spec in quiet:
                            quieted = position
                            continue
                        yield Placed(position, elements, instance, how)
                        continue
                elif how is same:
                    held = nodes.get(instance)
                    if held is not None:
                        held.append((position, elements))
                        keep, stays = held.append, walker.stays
                        open_lane(keep, stays)
                        continue
                closed, node = gathering.place(instance, how, (position, elements))
                if closed is not None:
                    yield closed
                if node is None:
                    stays = _NOTHING
                    reader.lane_ids = _NOTHING
                    yield Placed(position, elements, instance, how)
                else:
                    keep, stays = node.append, walker.stays
                    open_lane(keep, stays)
        finally:  # the reader may be read on: nothing goes to a list no longer ours
            reader.lane_ids, reader.lane_keep = _NOTHING, _discard

    def _quiet(self, walker: LoopWalker | None) -> frozenset[LoopSpec]:
        """The quiet loops of the transaction a walker reads (see the module docstring)."""
        if walker is None or self.transaction is None or self.transaction.kind is None:
            return frozenset()
        ids = self.quiet.get(self.transaction.kind, _NOTHING)
        return frozenset(loop for loop in walker.spec.loops if loop.id in ids)

    def _start(self, position: int, st: list[str], env: Envelope) -> LoopWalker | None:
        set_id, control = _ST(st)
        set_id = set_id.strip()
        version = env.version
        kind = kind_of(set_id, version, self.kinds)
        self.transaction = Transaction(
            kind=kind,
            set_id=set_id,
            control_number=control.strip(),
            version=version,
            position=position,
            st=st,
            isa=env.isa or [],
            gs=env.gs or [],
            component=self.reader.delimiters.component,
        )
        return LoopWalker(kind.spec(), position) if kind is not None else None
