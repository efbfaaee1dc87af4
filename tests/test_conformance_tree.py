"""The tree the engine walks has pyx12's shape, node for node: loops and segments in pyx12's
order, each with its position, usage, repeat or maximum use, and the qualifier codes it matches
by. (The SNIP 2 findings depend on that order; tests/test_conformance_oracle.py checks them.)"""

from __future__ import annotations

from typing import Any

import pytest

from edi837.conformance.tree import UNBOUNDED, LoopNode, SegNode, tree

MAPS = {
    "837p": "837.5010.X222.A1.xml",
    "835": "835.5010.X221.A1.xml",
    "999": "999.5010X231.A1.xml",
    "277ca": "277.5010.X214.xml",
}
# the envelope segments are validated with pyx12's control map (and GS08 by the version rules);
# GS_LOOP is situational in ours: an interchange that carries a TA1 has no functional group
ENVELOPE = {"ISA", "GS", "GE", "IEA", "TA1"}


def _pyx12(map_name: str) -> list[tuple[Any, ...]]:
    import pyx12.map_if
    import pyx12.params
    from pyx12.map_if._base import MAXINT

    root = pyx12.map_if.load_map_file(map_name, pyx12.params.params())
    out: list[tuple[Any, ...]] = []

    def count(n: int) -> int:
        return UNBOUNDED if n == MAXINT else n

    def walk(node: Any, depth: int) -> None:
        for child in node.childIterator():
            if child.is_loop():
                usage = "S" if child.id == "GS_LOOP" else child.usage
                out.append(
                    ("loop", depth, child.id, child.pos, usage, count(child.get_max_repeat()))
                )
                walk(child, depth + 1)
            else:
                key = child._resolve_unique_key_field(child.id, with_qual=False)
                codes = (
                    sorted(key[0]._valid_codes_set) if key and child.id not in ENVELOPE else None
                )
                out.append(
                    (
                        "seg",
                        depth,
                        child.id,
                        child.pos,
                        child.usage,
                        count(child.get_max_repeat()),
                        codes,
                    )
                )

    for position in sorted(root.pos_map):
        for child in root.pos_map[position]:
            out.append(("loop", 0, child.id, child.pos, child.usage, count(child.get_max_repeat())))
            walk(child, 1)
    return out


def _ours(stem: str) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []

    def walk(node: LoopNode, depth: int) -> None:
        for child in node.children:
            if isinstance(child, LoopNode):
                out.append(("loop", depth, child.id, child.pos, child.usage, child.repeat))
                walk(child, depth + 1)
            else:
                assert isinstance(child, SegNode)
                codes = sorted(child.codes) if child.key_at and child.id not in ENVELOPE else None
                out.append(("seg", depth, child.id, child.pos, child.usage, child.max_use, codes))

    walk(tree(stem).root, 0)
    return out


@pytest.mark.parametrize("stem", sorted(MAPS))
def test_the_tree_is_pyx12s(stem: str) -> None:
    assert _ours(stem) == _pyx12(MAPS[stem])
