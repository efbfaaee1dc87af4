"""The 835 decoder builds its models by field name, never by counting positions.

ClaimPayment (24 fields) is the one model the decoder builds positionally, for speed (a call with
more than 15 keyword arguments compiles to a call with a dict on CPython 3.11); this test holds
that call to the same safety as keywords: every argument is a variable named as its field, in
the model's order. Every other model is built with keyword arguments only.
"""

from __future__ import annotations

import ast

import attrs

from edi837.model import remittance

from .conftest import REPO

DECODERS = sorted((REPO / "edi837" / "remit835").glob("*.py"))
MODELS = {
    name
    for name, value in vars(remittance).items()
    if isinstance(value, type) and attrs.has(value) and len(attrs.fields(value)) > 4
}


def _calls() -> list[tuple[str, ast.Call]]:
    found = []
    for path in DECODERS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if called and node.func.id in MODELS:  # type: ignore[attr-defined]
                found.append((f"{path.name}:{node.lineno}", node))  # type: ignore[arg-type]
    return found


def test_the_claim_is_built_from_variables_named_as_its_fields_in_order() -> None:
    (claim,) = [call for _, call in _calls() if call.func.id == "ClaimPayment"]  # type: ignore[attr-defined]
    names = [arg.id if isinstance(arg, ast.Name) else ast.dump(arg) for arg in claim.args]
    assert names == [field.name for field in attrs.fields(remittance.ClaimPayment)]
    assert claim.keywords == []


def test_every_other_model_with_many_fields_is_built_with_keywords() -> None:
    positional = [
        where
        for where, call in _calls()
        if call.func.id != "ClaimPayment" and len(call.args) > 1  # type: ignore[attr-defined]
    ]
    assert positional == []
    assert {"ServicePayment", "ClaimParty", "Remittance"} <= MODELS
