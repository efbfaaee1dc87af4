"""The 835 decoder builds its models by field name, never by counting positions.

The three models it builds once per claim or line (ClaimPayment, 24 fields; ServicePayment, 15;
ClaimParty, 8) it builds positionally, for speed: CPython 3.11 hands keyword arguments to a class
through a dict, about half a microsecond each, which is a tenth of the reader on a large file.
This test holds those calls to the safety keywords give: every argument is a variable named as
its field, in the model's order, so a moved or misnamed field fails here. Every other model is
built with keyword arguments only.
"""

from __future__ import annotations

import ast

import attrs
import pytest

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


HOT = ("ClaimPayment", "ServicePayment", "ClaimParty")
# each hot model is built through its positional builder (edi837.model.positional)
BUILDERS = {
    "ClaimPayment": "new_claim_payment",
    "ServicePayment": "new_service_payment",
    "ClaimParty": "new_claim_party",
}


def _builder_calls(name: str) -> list[ast.Call]:
    found = []
    for path in DECODERS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if called and node.func.id == name:  # type: ignore[attr-defined]
                found.append(node)  # type: ignore[arg-type]
    return found


@pytest.mark.parametrize("model", HOT)
def test_the_hot_models_are_built_from_variables_named_as_their_fields(model: str) -> None:
    assert [where for where, call in _calls() if call.func.id == model] == []  # type: ignore[attr-defined]
    (call,) = _builder_calls(BUILDERS[model])
    names = [arg.id if isinstance(arg, ast.Name) else ast.dump(arg) for arg in call.args]
    assert names == [field.name for field in attrs.fields(getattr(remittance, model))]
    assert call.keywords == []


@pytest.mark.parametrize("model", HOT)
def test_the_hot_models_get_the_fast_positional_builder(model: str) -> None:
    from edi837.model.positional import fast_path_refused
    from edi837.remit835 import claim_payments

    cls = getattr(remittance, model)
    assert fast_path_refused(cls) is None
    assert getattr(claim_payments, BUILDERS[model]) is not cls


def test_every_other_model_with_many_fields_is_built_with_keywords() -> None:
    positional = [
        where
        for where, call in _calls()
        if call.func.id not in HOT and len(call.args) > 1  # type: ignore[attr-defined]
    ]
    assert positional == []
    assert {"ServicePayment", "ClaimParty", "Remittance", "HeaderNumber"} <= MODELS


def test_the_plain_clp_and_svc_are_their_elements_in_picker_order() -> None:
    """claim() and _line() unpack a CLP of CLP_PLAIN, an SVC of SVC_PLAIN and a REF of its
    picker's width directly: the same as their pickers only while these hold."""
    from edi837.remit835 import claim_payments as cp

    clp = ["CLP", *(f"v{n}" for n in range(1, cp.CLP_PLAIN))]
    assert cp.CLP(clp) == (*clp[1:], "", "", "")
    svc = ["SVC", *(f"v{n}" for n in range(1, cp.SVC_PLAIN))]
    assert cp.SVC(svc) == (*svc[1:], "", "")
    ref = ["REF", "6R", "1"]
    assert len(ref) == cp.REF.width and cp.REF(ref) == ("6R", "1")  # _line unpacks such a REF


def test_a_pickers_plain_length_is_where_unpacking_stops_being_picking() -> None:
    """``Picker.plain``: up to that many elements a segment picks as its elements after the
    ID, then empties; one more, and it does not (or the picker has no more values)."""
    from edi837.remit835 import claim_payments as cp
    from edi837.x12.spec import picker

    for pick in (cp.CLP, cp.SVC, cp.REF, cp.NM1, cp.DTM, cp.CAS_KEY, cp.MOA):
        for n in range(2, pick.plain + 1):
            seg = [pick.refs[0][:-2], *(f"v{k}" for k in range(1, n))]
            assert pick(seg) == (*seg[1:], *[""] * (len(pick.refs) - n + 1))
        seg = [pick.refs[0][:-2], *(f"v{k}" for k in range(1, pick.plain + 1))]
        assert pick.plain > len(pick.refs) or pick(seg)[: pick.plain] != tuple(seg[1:])
    assert picker("CLP", "CLP02", "CLP01").plain == 1


def test_a_one_triplet_cas_is_picked_as_its_key() -> None:
    """_cas() picks a CAS of CAS_ONE or CAS_ONE + 1 elements as the key its adjustment is
    remembered by: (CAS01, then the first triplet), which the loop over the triplets builds."""
    from edi837.remit835 import claim_payments as cp

    cas = ["CAS", "CO", "45", "1.50", "2"]
    assert cp.CAS_KEY(cas) == (*cp.CAS01(cas), *cp.CAS_TRIPLETS[0][1](cas))
    short = cas[: cp.CAS_ONE]
    assert cp.CAS_KEY(short) == (*cp.CAS01(short), *cp.CAS_TRIPLETS[0][1](short))
    assert cp.CAS_TRIPLETS[1][1].width - 3 == cp.CAS_ONE + 1  # a second triplet needs more
