"""The four renderings of a remittance: golden files, and the properties behind them.

Golden outputs live in fixtures/835/golden/<fixture>.<format>. After a deliberate change to an
output, regenerate them with ``EDI837_UPDATE_GOLDEN=1 python -m pytest tests/test_remit835_render.py``
and review the diff like code.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from edi837 import phi
from edi837.remit835 import read_advice, read_remittances
from edi837.render import remit_data
from edi837.render.remit import FORMATS, render
from edi837.render.remit_csv import COLUMNS

from .conftest import FIXTURES

REMIT = FIXTURES / "835"
GOLDEN = REMIT / "golden"
SCENARIOS = sorted(p.name for p in REMIT.glob("*.835") if p.name != "crlf-bom.835")
UPDATE = os.environ.get("EDI837_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def masked() -> Iterator[None]:
    phi.set_show(False)
    yield
    phi.set_show(False)


def rendered(name: str, fmt: str) -> bytes:
    out = io.BytesIO()
    render(read_remittances(REMIT / name, name=name), fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_golden_output(name: str, fmt: str) -> None:
    golden = GOLDEN / f"{Path(name).stem}.{fmt}"
    output = rendered(name, fmt)
    if UPDATE:
        golden.write_bytes(output)
    assert golden.exists(), f"no golden file {golden}: run with EDI837_UPDATE_GOLDEN=1"
    assert output == golden.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_bom_crlf_variant_renders_exactly_like_the_plain_file(fmt: str) -> None:
    assert rendered("crlf-bom.835", fmt) == rendered("paid.835", fmt)


def document(name: str) -> dict[str, Any]:
    """The JSON document built whole, the slow and obvious way."""
    payments = []
    for advice in read_advice(REMIT / name, name=name):
        payments.append(remit_data.payment(advice.header, list(advice.claims), advice.totals))
    return {"schema_version": 1, "payments": payments}


@pytest.mark.parametrize("name", SCENARIOS)
def test_streamed_json_is_exactly_json_dumps_of_the_whole_document(name: str) -> None:
    expected = json.dumps(document(name), indent=2) + "\n"
    assert rendered(name, "json").decode("utf-8") == expected


def test_json_schema_and_amounts_as_decimal_strings() -> None:
    doc = json.loads(rendered("partial.835", "json"))
    (payment,) = doc["payments"]
    assert list(payment) == [
        "payer",
        "payee",
        "payment_amount",
        "payment_method",
        "payment_date",
        "trace_number",
        "claims",
        "provider_adjustments",
        "warnings",
    ]
    (claim,) = payment["claims"]
    assert list(claim) == [
        "patient_control_number",
        "status_code",
        "charge",
        "paid",
        "patient_responsibility",
        "payer_claim_number",
        "adjustments",
        "remarks",
        "lines",
    ]
    line = claim["lines"][0]
    assert list(line) == [
        "procedure",
        "modifiers",
        "charge",
        "paid",
        "units",
        "service_date",
        "line_control_number",
        "adjustments",
        "remarks",
    ]
    assert line["adjustments"][0] == {
        "group": "CO",
        "reason": "45",
        "amount": "44.00",
        "quantity": None,
        "description": "Charge above the fee schedule or contracted or legislated amount",
    }
    assert (payment["payment_amount"], claim["paid"], line["units"]) == ("456.00", "456.00", "2")
    assert line["remarks"] == [{"code": "N381", "description": line["remarks"][0]["description"]}]


def test_json_holds_nothing_about_the_patient() -> None:
    text = rendered("paid.835", "json").decode()
    assert "TESTMEMBER" not in text and "90000001A" not in text


def test_unknown_codes_are_shown_as_codes_without_description() -> None:
    from decimal import Decimal

    from edi837.model.remittance import Adjustment

    unknown = remit_data.adjustment(Adjustment("CO", "Z99", Decimal("1.00")))
    assert (unknown["reason"], unknown["description"]) == ("Z99", None)
    doc = json.loads(rendered("lines-without-6r.835", "json"))
    adjustment = doc["payments"][0]["claims"][0]["lines"][1]["adjustments"][0]
    assert (adjustment["reason"], adjustment["quantity"]) == ("222", "2")


def csv_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(rendered(name, "csv").decode("utf-8"))))


@pytest.mark.parametrize("name", SCENARIOS)
def test_csv_has_one_row_per_line_one_per_lineless_claim_one_per_plb_pair(name: str) -> None:
    rows = csv_rows(name)
    payments = read_advice(REMIT / name, name=name)
    lines = sum(len(c.lines) for p in payments for c in p.claims)
    lineless = sum(1 for p in payments for c in p.claims if not c.lines)
    plb = sum(len(p.totals.provider_adjustments) for p in payments)
    kinds = [row["record"] for row in rows]
    assert (kinds.count("line"), kinds.count("claim"), kinds.count("provider_adjustment")) == (
        lines,
        lineless,
        plb,
    )
    assert rows and list(rows[0]) == list(COLUMNS)
    keys = [  # a reversal repeats the original's CLP07: its status tells the rows apart
        (
            r["st_control_number"],
            r["patient_control_number"],
            r["payer_claim_number"],
            r["status_code"],
            r["line_number"],
            r["adjustment_reason"],
            r["adjustment_reference"],
        )
        for r in rows
    ]
    assert len(keys) == len(set(keys))  # never the same line twice


def test_csv_accounts_for_every_dollar_of_the_payment() -> None:
    from decimal import Decimal

    rows = csv_rows("plb-recoupment.835")
    paid = sum(Decimal(r["line_paid"]) for r in rows if r["record"] == "line")
    recouped = sum(Decimal(r["adjustment_amount"]) for r in rows if r["record"] != "line")
    assert paid - recouped == Decimal("227.35")


def test_csv_explains_denials_in_words() -> None:
    rows = csv_rows("denied.835")
    line, lineless = rows
    assert line["outcome"] == "denied" and line["line_adjustments"] == "CO-197 386.00"
    assert "CARC 197: Authorization absent" in line["reasons"]
    assert "RARC N54:" in line["reasons"] and "RARC M62:" in line["reasons"]
    assert lineless["record"] == "claim" and lineless["claim_adjustments"] == "CO-29 400.00"


LISTS = {
    "payments",
    "claims",
    "adjustments",
    "remarks",
    "lines",
    "modifiers",
    "provider_adjustments",
    "warnings",
}


def xml_as_data(element: Any) -> Any:
    """Read the XML back into JSON-shaped data, by the mapping docs/remit.md describes."""
    if element.get("nil") == "true":
        return None
    if element.tag in LISTS:
        return [xml_as_data(child) for child in element]
    children = list(element)
    if children:
        return {child.tag: xml_as_data(child) for child in children}
    text = element.text or ""
    return int(text) if element.tag == "segment" else text


@pytest.mark.parametrize("name", SCENARIOS)
def test_xml_mirrors_the_json(name: str) -> None:
    root = etree.fromstring(rendered(name, "xml"))
    assert root.tag == "payments"
    document = json.loads(rendered(name, "json"))
    assert document.pop("schema_version") == 1  # the JSON's own: XML has no schema to version
    assert {"payments": xml_as_data(root)} == document


def test_table_masks_the_patient_unless_asked() -> None:
    text = rendered("paid.835", "table").decode()
    assert "TESTMEMBER" not in text and "90000001A" not in text
    assert "patient T***, member *******1A" in text
    phi.set_show(True)
    shown = rendered("paid.835", "table").decode()
    assert "patient TESTMEMBER, member 90000001A" in shown


def test_table_says_what_happened_in_words() -> None:
    text = rendered("denied.835", "table").decode()
    assert "Claim CS2602-0051: denied (status 4: denied)" in text
    assert "CO-197" in text and "Authorization absent" in text
    assert "remark N54  Claim information does not match" in text
    assert "payment 0.00 balances" in text


def test_no_payment_at_all_renders_an_empty_document() -> None:
    for fmt, expected in (
        ("json", b'{\n  "schema_version": 1,\n  "payments": []\n}\n'),
        ("xml", None),
        ("csv", None),
    ):
        out = io.BytesIO()
        render([], fmt, out)
        if expected is not None:
            assert out.getvalue() == expected
        elif fmt == "csv":
            assert out.getvalue().decode().splitlines() == [",".join(COLUMNS)]
        else:
            assert etree.fromstring(out.getvalue()).tag == "payments"
    out = io.BytesIO()
    render([], "table", out)
    assert out.getvalue() == b"No 835 payments in this file.\n"


def test_a_control_character_in_the_data_cannot_break_the_xml() -> None:
    text = (REMIT / "paid.835").read_text(encoding="ascii").replace("EFT20260303001", "EFT\x01001")
    out = io.BytesIO()
    render(read_remittances(text.encode()), "xml", out)
    trace = etree.fromstring(out.getvalue()).find("payment/trace_number")
    assert trace is not None and trace.text == "EFT\ufffd001"
    out = io.BytesIO()
    render(read_remittances(text.encode()), "json", out)
    assert json.loads(out.getvalue())["payments"][0]["trace_number"] == "EFT\x01001"


def test_the_table_example_in_the_docs_is_real_output() -> None:
    docs = (FIXTURES.parent / "docs" / "remit.md").read_text(encoding="utf-8")
    start = docs.index("```\nPayment 1: transaction 0001, trace NOPAY20260303003")
    example = docs[start + 4 : docs.index("```", start + 4)].splitlines()
    golden = (GOLDEN / "denied.table").read_text(encoding="utf-8").splitlines()
    shown = [line for line in example if line.strip() != "..."]
    assert len(shown) > 10 and all(line in golden for line in shown)
