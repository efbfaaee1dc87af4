"""A transaction's declaration (segments/) compiled into the tree a validator walks.

The tree has pyx12's shape, because SNIP 2 findings equal to pyx12's depend on it: the
interchange and group envelopes (ISA_LOOP > GS_LOOP > ST_LOOP), the HEADER / DETAIL / FOOTER
pseudo-loops of its maps (``wrapper`` in the declarations), and every loop and segment at its
position (``pos``). Within one position loops come before segments, each in declaration order,
as pyx12 orders them. Nodes are numbered: the walker's counts are dictionaries keyed by number.

A segment node *matches* a segment by ID and, where the TR3 tells uses of one segment apart by a
qualifier (NM101, REF01, DTP01, HL03, SV101-1...), by that qualifier's code. The qualifier is
found as pyx12 finds it: element 01 when it is a required code, the first component of a
composite 01, HL03, ENT02, CTX01-1.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import attrs

from edi837.x12 import declarations
from edi837.x12.datatypes import N0
from edi837.x12.declarations import ElementUse, SegmentUse, TransactionSpec
from edi837.x12.spec import dictionary

UNBOUNDED = 1 << 30
Signature = tuple[str | None, ...]  # (segment ID, the qualifier values that matter, or None)


def _count(text: str | int | None) -> int:
    """A maximum use or repeat: a number, or ">1" (unbounded)."""
    if isinstance(text, int):
        return text
    try:
        return N0.count(text or "")
    except ValueError:
        return UNBOUNDED


class SegNode:
    """One use of a segment at one place of the tree."""

    __slots__ = (
        "checker",
        "codes",
        "eq",
        "id",
        "idx",
        "key_at",
        "loop",
        "max_use",
        "name",
        "parent",
        "pos",
        "transitions",
        "usage",
        "use",
    )

    def __init__(self, idx: int, use: SegmentUse, parent: LoopNode, loop: str) -> None:
        self.idx = idx
        self.id = use.id
        self.name = use.name
        self.usage = use.usage
        self.max_use = _count(use.max_use)
        self.pos = N0.count(use.position)
        self.parent = parent
        self.use = use
        self.loop = loop  # the TR3 loop path it reports under ("" for the transaction's own)
        self.eq = (use.id, parent.id)  # pyx12's node equality: same ID, same parent loop ID
        key = _qualifier(use)
        self.key_at: tuple[str, int] | None = key[0] if key else None
        self.codes: frozenset[str] = key[1] if key else frozenset()
        self.checker: object = None  # compiled by edi837.conformance.elements on first use
        self.transitions: dict[Signature, object] = {}  # the walker's memo, keyed by signature

    def __repr__(self) -> str:
        return f"SegNode({self.id}@{self.pos} in {self.parent.id})"


class LoopNode:
    """A loop, a wrapper (HEADER, DETAIL, FOOTER) or an envelope loop (ISA_LOOP...)."""

    __slots__ = (
        "children",
        "depth",
        "descended",
        "first",
        "id",
        "idx",
        "loop",
        "name",
        "parent",
        "pos",
        "repeat",
        "usage",
    )

    def __init__(
        self,
        idx: int,
        id: str,
        name: str,
        usage: str,
        repeat: str | int,
        pos: int,
        parent: LoopNode | None,
        loop: str,
    ) -> None:
        self.idx = idx
        self.id = id
        self.name = name
        self.usage = usage
        self.repeat = _count(repeat)
        self.pos = pos
        self.parent = parent
        self.loop = loop
        self.children: list[SegNode | LoopNode] = []
        self.first: SegNode | LoopNode | None = None
        self.depth = 0  # in the tree: the root is 0, ISA_LOOP 1, GS_LOOP 2, ST_LOOP 3...
        # a loop whose first child is a loop (DETAIL) is entered by going down into it: it is
        # never counted, and its children's counts live with its parent's
        self.descended = False

    @property
    def first_seg(self) -> SegNode | None:
        return self.first if isinstance(self.first, SegNode) else None

    def loops(self) -> Iterator[LoopNode]:
        return (c for c in self.children if isinstance(c, LoopNode))

    def __repr__(self) -> str:
        return f"LoopNode({self.id}@{self.pos})"


def _qualifier(use: SegmentUse) -> tuple[tuple[str, int], frozenset[str]] | None:
    """(where the qualifier is, its codes): ("e", n) element n, ("c", 1) the first component of
    element 01; None when any segment of this ID matches (pyx12's _resolve_unique_key_field)."""
    spec = dictionary().get(use.id)
    if spec is None or not spec.elements:
        return None

    def use_of(ref: str) -> ElementUse | None:
        return use.element(ref)

    first = spec.elements[0]
    first_use = use_of(first.ref)
    simple = not first.components
    if simple and first.type == "ID" and first_use and first_use.usage == "R" and first_use.codes:
        return ("e", 1), first_use.codes
    if use.id == "ENT" and len(spec.elements) > 1:
        second = spec.elements[1]
        second_use = use_of(second.ref)
        if not second.components and second.type == "ID" and second_use and second_use.codes:
            return ("e", 2), second_use.codes
    if first.components:
        component = first.components[0]
        component_use = use_of(component.ref)
        if (
            component_use
            and component_use.codes
            and (component.type == "ID" or (use.id == "CTX" and component.type == "AN"))
        ):
            return ("c", 1), component_use.codes
    if use.id == "HL" and len(spec.elements) > 2:
        third_use = use_of(spec.elements[2].ref)
        if third_use and third_use.codes:
            return ("e", 3), third_use.codes
    return None


@attrs.define(slots=True, eq=False)
class Tree:
    """The compiled tree of one transaction (or of the bare envelope, for files with no
    transaction we read: a TA1, say)."""

    name: str
    root: LoopNode
    nodes: list[SegNode | LoopNode]
    spec: TransactionSpec | None
    # per segment ID: the qualifier positions any of its nodes reads, and the codes that matter
    keys: dict[str, tuple[tuple[tuple[str, int], frozenset[str]], ...]] = attrs.field(factory=dict)
    plain: dict[str, Signature] = attrs.field(factory=dict)  # the signature of a keyless ID
    # the IDs with one qualifier place: (element index, whether a composite's first component,
    # the codes that matter), the same as in ``keys``, flat for the look-up every segment does
    single: dict[str, tuple[int, bool, frozenset[str]]] = attrs.field(factory=dict)

    def node(self, idx: int) -> SegNode | LoopNode:
        return self.nodes[idx]

    def segment(self, idx: int) -> SegNode:
        """The segment node numbered ``idx`` (ISA, GS...: the envelope's are alike in every tree)."""
        found = self.nodes[idx]
        assert isinstance(found, SegNode)
        return found

    def signature(self, elements: list[str], component: str) -> Signature:
        """What the walker needs to know of a segment to place it: its ID and the qualifier
        values some node tests (None for a value no node accepts)."""
        seg_id = elements[0]
        single = self.single.get(seg_id)
        if single is not None:  # the common case, kept lean: it runs once per segment
            index, composite, codes = single
            raw: str | None = elements[index] if len(elements) > index else None
            if raw is not None and component in raw:
                raw = raw.partition(component)[0] if composite else _formatted(raw, component)
            return (seg_id, raw if raw in codes else None)
        keys = self.keys.get(seg_id)
        if not keys:
            plain = self.plain.get(seg_id)
            if plain is None:
                plain = self.plain[seg_id] = (seg_id,)
            return plain
        values: list[str | None] = [seg_id]
        for (kind, index), codes in keys:
            raw = elements[index] if len(elements) > index else None
            if raw is not None and kind == "c":
                raw = raw.split(component, 1)[0]
            elif raw is not None and component in raw:
                raw = _formatted(raw, component)
            values.append(raw if raw in codes else None)
        return tuple(values)


def _formatted(raw: str, component: str) -> str:
    """An element as pyx12 reads it whole: trailing empty components dropped."""
    parts = raw.split(component)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return component.join(parts)


# The envelope every tree shares, as pyx12's maps lay it out; its nodes have the same numbers in
# every tree, so the walker's counts carry over when a transaction of another kind begins.
ROOT, ISA_LOOP, ISA, GS_LOOP, GS, GE, TA1, IEA, ST_LOOP = range(9)


def _envelope_uses() -> dict[str, SegmentUse]:
    uses = {use.id: use for use in declarations.interchange()}
    # GS08 is held to the guide its transaction sets follow (SNIP2-VERSION), not to the list of
    # every guide pyx12's control map names: an X222A2 group is read as X222A1, with a warning.
    gs = uses["GS"]
    uses["GS"] = attrs.evolve(
        gs,
        elements=tuple(
            attrs.evolve(e, codes=frozenset()) if e.ref == "GS08" else e for e in gs.elements
        ),
    )
    return uses


class _Builder:
    """Numbers the nodes as it makes them."""

    def __init__(self) -> None:
        self.nodes: list[SegNode | LoopNode] = []

    def loop(
        self,
        id: str,
        name: str,
        usage: str,
        repeat: str | int,
        pos: int,
        parent: LoopNode | None,
        loop: str,
    ) -> LoopNode:
        node = LoopNode(len(self.nodes), id, name, usage, repeat, pos, parent, loop)
        self.nodes.append(node)
        return node

    def segment(
        self, use: SegmentUse, parent: LoopNode, loop: str, pos: int | None = None
    ) -> SegNode:
        if pos is not None:
            use = attrs.evolve(use, position=str(pos))
        node = SegNode(len(self.nodes), use, parent, loop)
        self.nodes.append(node)
        return node


def _build(name: str, spec: TransactionSpec | None) -> Tree:
    uses = _envelope_uses()
    make = _Builder()
    root = make.loop("", "transaction", "R", 1, 0, None, "")
    isa_loop = make.loop("ISA_LOOP", "Interchange Control", "R", ">1", 10, root, "")
    isa = make.segment(uses["ISA"], isa_loop, "", 100)
    # Optional, unlike pyx12's map: an interchange that carries a TA1 has no functional group.
    gs_loop = make.loop("GS_LOOP", "Functional Group", "S", ">1", 200, isa_loop, "")
    gs = make.segment(uses["GS"], gs_loop, "", 100)
    ge = make.segment(uses["GE"], gs_loop, "", 300)
    ta1 = make.segment(uses["TA1"], isa_loop, "", 200)
    iea = make.segment(uses["IEA"], isa_loop, "", 300)
    root.children = [isa_loop]
    isa_loop.children = [isa, gs_loop, ta1, iea]
    gs_loop.children = [gs, ge]
    assert [n.idx for n in make.nodes] == [ROOT, ISA_LOOP, ISA, GS_LOOP, GS, GE, TA1, IEA]
    if spec is not None:
        st_loop = make.loop("ST_LOOP", "Transaction Set", "R", ">1", 200, gs_loop, "")
        gs_loop.children = [gs, st_loop, ge]
        _transaction(spec, st_loop, make)
    tree = Tree(name, root, make.nodes, spec)
    for node in make.nodes:
        if isinstance(node, LoopNode):
            _order(node)
            node.depth = node.parent.depth + 1 if node.parent is not None else 0
    _index_keys(tree)
    return tree


def _transaction(spec: TransactionSpec, st_loop: LoopNode, make: _Builder) -> None:
    wrappers: dict[str, LoopNode] = {}
    for wrapper in spec.wrappers:
        node = make.loop(
            wrapper.id,
            wrapper.name,
            wrapper.usage,
            wrapper.repeat,
            N0.count(wrapper.pos),
            st_loop,
            "",
        )
        wrappers[wrapper.id] = node
        st_loop.children.append(node)
    for use in spec.root.segments:
        parent = wrappers[use.wrapper] if use.wrapper else st_loop
        parent.children.append(make.segment(use, parent, ""))
    made: dict[str, LoopNode] = {}
    for loop in spec.loops:
        assert loop.parent is not None
        outer = st_loop if loop.parent.path == "" else made[loop.parent.path]
        parent = wrappers[loop.wrapper] if loop.wrapper else outer
        node = make.loop(
            loop.id, loop.name, loop.usage, loop.repeat, N0.count(loop.pos), parent, loop.path
        )
        made[loop.path] = node
        node.children.extend(make.segment(use, node, loop.path) for use in loop.segments)
        parent.children.append(node)


def _order(loop: LoopNode) -> None:
    """pyx12's order: by position; at one position loops first, each kind in declaration order."""
    keyed = [
        (child.pos, 0 if isinstance(child, LoopNode) else 1, n)
        for n, child in enumerate(loop.children)
    ]
    loop.children = [loop.children[n] for _, _, n in sorted(keyed)]
    loop.first = loop.children[0] if loop.children else None
    loop.descended = isinstance(loop.first, LoopNode)


def _index_keys(tree: Tree) -> None:
    found: dict[str, dict[tuple[str, int], set[str]]] = {}
    for node in tree.nodes:
        if isinstance(node, SegNode) and node.key_at is not None:
            found.setdefault(node.id, {}).setdefault(node.key_at, set()).update(node.codes)
    tree.keys = {
        seg_id: tuple((at, frozenset(codes)) for at, codes in sorted(by_place.items()))
        for seg_id, by_place in found.items()
    }
    tree.single = {
        seg_id: (index, kind == "c", codes)
        for seg_id, keys in tree.keys.items()
        if len(keys) == 1
        for (kind, index), codes in keys
    }


def matches(
    node: SegNode,
    signature: Signature,
    keys: dict[str, tuple[tuple[tuple[str, int], frozenset[str]], ...]],
) -> bool:
    """pyx12's segment_if.is_match: the ID, and the qualifier in the node's codes."""
    if signature[0] != node.id:
        return False
    if node.key_at is None:
        return True
    for index, (at, _codes) in enumerate(keys[node.id], 1):
        if at == node.key_at:
            value = signature[index]
            return value is not None and value in node.codes
    return False  # pragma: no cover - every key is indexed


@cache
def tree(stem: str) -> Tree:
    """The compiled tree of ``segments/<stem>.toml``; ``""`` for the bare envelope."""
    if not stem:
        return _build("envelope", None)
    return _build(stem, declarations.transaction(stem))
