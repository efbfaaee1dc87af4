"""The transaction layer keeps one shape (issue 15): the source is read for the old patterns.

- An element is reached by reference designator through a picker (or written through a
  template), never by its index: no ``elements[3]``, no ``_el(e, 9)``, no padding a segment with
  ``[""] * n``, outside the syntax layer's own modules.
- An X12 value is parsed by the codec (edi837/x12/datatypes.py), never by ``Decimal(text)``,
  ``int(text)``, ``date(...)`` or ``strptime`` in a reader.
- Loops are walked by the engine (edi837/x12/transactions.py), never by a reader calling
  ``walk_envelopes`` or ``LoopWalker`` itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "edi837"
# The transaction layer and the rest of the syntax layer: where the patterns must not be.
CHECKED = sorted(
    path
    for area in ("claim837", "remit835", "oracle", "x12", "ack", "conformance")
    for path in (PACKAGE / area).rglob("*.py")
)
# Where each pattern is the job: the picker and the template; the ISA's fixed layout and the
# loop declarations' qualifier element; the codec; the engine.
INDEXES_ALLOWED = {"x12/spec.py", "x12/serializer.py", "x12/delimiters.py", "x12/declarations.py"}
PARSING_ALLOWED = {"x12/datatypes.py", "x12/spec.py"}
# The validator's element pass checks every element of a segment by its position, and checks
# each type exactly as pyx12 does (which is not how the codec reads: pyx12 allows "-" as a
# decimal, dates from 1800...): those two patterns are its job.
INDEXES_ALLOWED |= {"conformance/elements.py"}
PARSING_ALLOWED |= {"conformance/elements.py"}
WALKING_ALLOWED = {"x12/transactions.py", "x12/envelope.py", "x12/loops.py"}
# Names the old code gave a segment's element list (or a split composite).
SEGMENT_NAMES = {
    "elements",
    "e",
    "segment",
    "seg",
    "padded",
    "parts",
    "isa",
    "gs",
    "st",
    "bpr",
    "clp",
    "svc",
    "sv1",
    "clm",
    "trn",
    "procedure",
    "place",
}
PARSERS = {"Decimal", "int", "float", "date", "time", "datetime"}


def _where(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _index_is_arithmetic(index: ast.expr) -> bool:
    """An element picked by number: a literal other than 0 (the ID), a CONSTANT, or a slice."""
    if isinstance(index, ast.Slice):
        return True
    if isinstance(index, ast.Constant):
        return isinstance(index.value, int) and index.value != 0
    return isinstance(index, ast.Name) and index.id.isupper()


def found(where: str, source: str) -> list[str]:
    """The old patterns in ``source``, the module at ``where`` (relative to edi837/)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if where not in INDEXES_ALLOWED:
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id in SEGMENT_NAMES
                and _index_is_arithmetic(node.slice)
            ):
                out.append(f"{line}: element by index {ast.unparse(node)}")
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Name) and called.id == "_el":
                out.append(f"{line}: element by index {ast.unparse(node)}")
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Mult)
                and isinstance(node.left, ast.List)
                and node.left.elts
                and isinstance(node.left.elts[0], ast.Constant)
                and node.left.elts[0].value == ""
            ):
                out.append(f"{line}: a segment padded by hand {ast.unparse(node)}")
        if where not in PARSING_ALLOWED and isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in PARSERS:
                if not all(isinstance(arg, ast.Constant) for arg in node.args):
                    out.append(f"{line}: a value parsed outside the codec {ast.unparse(node)}")
            elif isinstance(func, ast.Attribute) and func.attr in ("strptime", "isdigit"):
                out.append(f"{line}: a value parsed outside the codec {ast.unparse(node)}")
        if where not in WALKING_ALLOWED and isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in ("walk_envelopes", "LoopWalker"):
                out.append(f"{line}: a loop walk outside the engine ({name})")
    return out


@pytest.mark.parametrize("path", CHECKED, ids=[_where(p) for p in CHECKED])
def test_the_transaction_layer_has_one_shape(path: Path) -> None:
    assert found(_where(path), path.read_text(encoding="utf-8")) == []


def test_the_check_finds_the_old_patterns() -> None:
    source = (
        "def f(elements, e, text):\n"
        "    a = elements[3]\n"
        "    b = _el(e, 9)\n"
        '    c = elements + [""] * 4\n'
        "    d = Decimal(text)\n"
        "    w = LoopWalker(spec, 1)\n"
        "    return elements[0], Decimal(0)\n"  # the segment ID, a constant: both fine
    )
    assert len(found("claim837/reader.py", source)) == 5
    assert found("x12/spec.py", "x = elements[3]\n") == []  # the picker's own module
