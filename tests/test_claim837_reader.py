"""The 837P reader reads other senders' faults as faults: a value that is not of its type is
reported (never silently zero), and a loop the model needs part of does not crash it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from edi837.claim837.reader import ClaimFile, read_claim_file

from .conftest import FIXTURES

DEMO = (FIXTURES / "golden" / "demo.837").read_text(encoding="ascii")


def read(text: str) -> ClaimFile:
    return read_claim_file(text.encode(), name="sent.837")


def rules(found: ClaimFile) -> list[str]:
    return [issue.rule_id for issue in found.issues]


def test_the_demo_reads_back_without_a_word() -> None:
    assert rules(read(DEMO)) == []


def test_a_bad_line_charge_is_reported_not_read_as_zero_silently() -> None:
    found = read(DEMO.replace("SV1*HC:G9012:U8:GQ*10*", "SV1*HC:G9012:U8:GQ*1O*", 1))
    assert "IG-837P-AMOUNT" in rules(found)
    amount = next(i for i in found.issues if i.rule_id == "IG-837P-AMOUNT")
    assert "SV102 '1O' is not a decimal number" in amount.message
    assert amount.location.segment == 24
    assert found.claims[0].lines[0].charge == Decimal(0)


def test_a_negative_line_charge_is_reported() -> None:
    found = read(DEMO.replace("SV1*HC:G9012:U8:GQ*10*", "SV1*HC:G9012:U8:GQ*-10*", 1))
    assert any("is negative" in i.message for i in found.issues if i.rule_id == "IG-837P-AMOUNT")


def test_a_bad_claim_total_is_reported_once() -> None:
    found = read(DEMO.replace("CLM*N00000001*570*", "CLM*N00000001*5,70*", 1))
    assert rules(found) == ["IG-837P-AMOUNT"]  # not also a CLM02 that "differs" from its lines


def test_a_bad_birth_date_is_reported() -> None:
    found = read(DEMO.replace("DMG*D8*19800101*F", "DMG*D8*19801301*F", 1))
    assert rules(found) == ["IG-837P-DATE"]
    assert found.claims[0].member.birth_date == date.min


def test_a_billing_provider_without_a_street_does_not_crash_the_reader() -> None:
    found = read(DEMO.replace("N3*100 MAIN ST~\n", "", 1).replace("SE*111*", "SE*110*", 1))
    assert rules(found) == []
    billing = found.batches[0].billing_provider
    assert billing.npi == "1234567893" and billing.address.line1 == ""
