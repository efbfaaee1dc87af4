"""The 835 reader on hand-written synthetic remittances, one per scenario (fixtures/835/)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edi837.errors import X12ParseError
from edi837.model.remittance import (
    AdjustmentGroup,
    ClaimPayment,
    ClaimStatus,
    PaymentMethod,
    Remittance,
    RemittanceAdvice,
    RemittanceTotals,
)
from edi837.remit835 import RemittanceReader, read_advice, read_remittances

from .conftest import FIXTURES

REMIT = FIXTURES / "835"
D = Decimal


def advice(name: str) -> list[RemittanceAdvice]:
    return read_advice(REMIT / name, name=name)


def one(name: str) -> RemittanceAdvice:
    payments = advice(name)
    assert len(payments) == 1
    return payments[0]


def rules(payment: RemittanceAdvice) -> list[str]:
    return [issue.rule_id for issue in payment.issues]


ISA = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *260301*1200*^*00501*000000001*0*T*:~"


def wrap(body: str, *, st01: str = "835") -> str:
    """A complete interchange around ``body`` (segments after ST, before SE)."""
    segments = body.count("~") + 2
    return (
        ISA
        + "GS*HP*PAYER*PROVIDER*20260301*1200*1*X*005010X221A1~"
        + f"ST*{st01}*0001~{body}SE*{segments}*0001~GE*1*1~IEA*1*000000001~"
    )


def header(amount: str = "100") -> str:
    """BPR, TRN and the two parties; BPR02 is ``amount``."""
    return (
        f"BPR*I*{amount}*C*ACH************20260301~TRN*1*T1*1234567890~"
        "N1*PR*PAYER~N1*PE*PROVIDER*XX*1234567893~"
    )


HEADER = header()


# -- scenarios -------------------------------------------------------------------------------------


def test_paid_claims_with_every_header_part() -> None:
    payment = one("paid.835")
    header = payment.header
    assert header.payment_amount == D("550.00")
    assert header.payment_method is PaymentMethod.ACH
    assert header.payment_date == date(2026, 3, 3)
    assert header.trace_number == "EFT20260303001"
    assert header.trace_originator == "1946000001"
    assert header.production_date == date(2026, 3, 1)
    assert header.payer.name == "PARTNERSHIP HEALTHPLAN OF CALIFORNIA"
    assert header.payer.address.city == "FAIRFIELD"
    assert header.payer.contacts[0].numbers == (("TE", "7078637100"),)
    assert (header.payee.id_qualifier, header.payee.identifier) == ("XX", "1234567893")
    assert header.payee.references[0].qualifier == "TJ"
    assert header.banking.receiver_dfi == "122000661"
    assert header.interchange_control_number == "000000101"
    assert header.version == "005010X221A1"
    first, second = payment.claims
    assert first.status is ClaimStatus.PRIMARY and first.outcome == "paid"
    assert first.header is not None and first.header.number == "1"
    assert first.patient is not None and first.patient.identifier == "90000001A"
    assert [d.qualifier for d in first.dates] == ["232", "233"]
    (line,) = first.lines
    assert line.procedure.render() == "HC:G9008:U1"
    assert line.line_control_number == "ECM2602-0001-1"
    assert line.service_date == date(2026, 2, 1)
    assert line.amounts[0].qualifier == "B6" and line.amounts[0].value == D("400.00")
    assert second.lines[0].procedure.modifiers == ()
    assert payment.totals.total_paid == D("550.00")
    assert payment.issues == ()


def test_partly_paid_claim_with_contractual_and_patient_share() -> None:
    (claim,) = one("partial.835").claims
    assert claim.outcome == "partly paid"
    assert claim.patient_responsibility == D("10.00")
    first, second = claim.lines
    assert first.adjustments[0].group is AdjustmentGroup.CONTRACTUAL
    assert (first.adjustments[0].reason, first.adjustments[0].amount) == ("45", D("44.00"))
    assert [(r.qualifier, r.code) for r in first.remarks] == [("HE", "N381")]
    assert second.adjustments[0].group is AdjustmentGroup.PATIENT
    assert claim.adjustment_total == D("54.00")


def test_denied_claims_with_authorization_and_timely_filing_reasons() -> None:
    payment = one("denied.835")
    auth, late = payment.claims
    assert auth.status is ClaimStatus.DENIED and auth.outcome == "denied"
    assert [r.code for r in auth.remarks] == ["M62"]  # MOA, claim level
    (line,) = auth.lines
    assert line.adjustments[0].reason == "197"
    assert line.remarks[0].code == "N54"
    assert late.lines == ()
    assert late.adjustments[0].reason == "29"
    assert payment.header.handling_code == "H"
    assert payment.header.payment_method is PaymentMethod.NONE
    assert payment.issues == ()


def test_reversal_then_readjudication_are_two_claims_in_file_order() -> None:
    payment = one("reversal.835")
    reversal, again = payment.claims
    assert reversal.patient_control_number == again.patient_control_number == "ECM2601-0007"
    assert reversal.status is ClaimStatus.REVERSAL and reversal.outcome == "reversed"
    assert (reversal.charge, reversal.paid) == (D("-400.00"), D("-386.00"))
    assert reversal.lines[0].units == D("-1")
    assert reversal.lines[0].adjustments[0].amount == D("-14.00")
    assert again.payer_claim_number == "PHC26060000702"
    assert [(r.qualifier, r.value) for r in again.references] == [("F8", "PHC26010000701")]
    assert payment.totals.total_paid == D("14.00")
    assert payment.issues == ()  # every balance holds, with negative amounts too


def test_plb_recoupment_interest_and_return_are_one_adjustment_each() -> None:
    payment = one("plb-recoupment.835")
    plb = payment.totals.provider_adjustments
    assert [(p.reason, p.reference, p.amount) for p in plb] == [
        ("WO", "PHC25120000555", D("150.00")),
        ("72", "REFUND0042", D("25.00")),
        ("L6", "", D("-2.35")),
    ]
    assert {p.provider_identifier for p in plb} == {"1234567893"}
    assert plb[0].fiscal_period_end == date(2026, 12, 31)
    assert payment.totals.expected_payment == D("227.35") == payment.header.payment_amount
    assert payment.issues == ()


def test_lines_without_line_control_numbers_and_an_original_procedure() -> None:
    (claim,) = one("lines-without-6r.835").claims
    first, second = claim.lines
    assert first.line_control_number == second.line_control_number == ""
    assert second.original_procedure is not None
    assert second.original_procedure.code == "T1019" and second.original_units == D("4")
    assert second.adjustments[0].quantity == D("2")
    assert first.paid_units == D("8")


def test_split_claim_keeps_both_payments_and_their_lines() -> None:
    first, second = one("split-payment.835").claims
    assert first.patient_control_number == second.patient_control_number
    assert first.payer_claim_number != second.payer_claim_number
    assert [line.line_control_number for line in (*first.lines, *second.lines)] == [
        "CS2602-0080-1",
        "CS2602-0080-2",
    ]


def test_several_transactions_and_interchanges_each_with_their_delimiters() -> None:
    payments = advice("multiple-st.835")
    assert [p.header.control_number for p in payments] == ["0001", "0002", "0003"]
    assert [p.header.payment_method for p in payments] == ["ACH", "CHK", "ACH"]
    assert payments[1].header.payee.identifier == "1245319599"
    third = payments[2].claims[0].lines[0]  # element '|', component '>'
    assert third.procedure.render() == "HC:T2041:U6"
    assert payments[2].header.interchange_control_number == "000000109"
    assert all(p.issues == () for p in payments)


def test_bom_crlf_and_indentation_read_the_same_as_plain_text() -> None:
    assert advice("crlf-bom.835") == advice("paid.835")


def test_imbalanced_file_is_read_with_located_warnings() -> None:
    payment = one("imbalanced.835")
    assert len(payment.claims) == 3
    found = {(i.rule_id, i.location.segment): i for i in payment.issues}
    assert set(found) == {
        ("IG-835-BALANCE-TRANSACTION", 4),
        ("IG-835-DATE", 6),
        ("IG-835-BALANCE-CLAIM", 10),
        ("IG-835-BALANCE-LINE", 12),
        ("IG-835-BALANCE-CLAIM", 16),
        ("IG-835-AMOUNT", 19),
        ("IG-835-SEGMENT", 21),
        ("IG-835-CODE", 22),
        ("IG-835-DATE", 24),
        ("X12-SE-COUNT", 25),
    }
    line = found[("IG-835-BALANCE-LINE", 12)]
    assert line.location.loop == "2000/2100/2110"
    assert line.location.claim_id == "ECM2602-0100"
    assert line.location.file == "imbalanced.835"
    assert "10.00 unaccounted for" in line.message
    bad = payment.claims[1].lines[0]
    assert bad.paid is None  # '150.O0' was read as missing, not guessed
    assert payment.claims[2].status == "99"  # an unknown status is kept as sent
    assert [i.location.segment for i in payment.issues] == sorted(
        i.location.segment or 0 for i in payment.issues
    )


# -- what real files do ----------------------------------------------------------------------------


def test_newline_as_the_segment_terminator() -> None:
    text = wrap(HEADER + "CLP*A*1*100*100**MC~SVC*HC:99213*100*100~")
    payments = read_advice(text.replace("~", "\n").encode())
    assert payments[0].claims[0].lines[0].procedure.code == "99213"


def test_repetition_separator_is_data_in_an_element() -> None:
    payments = read_advice(wrap(HEADER + "CLP*A^B*1*100*100**MC~").encode())
    assert payments[0].claims[0].patient_control_number == "A^B"


def test_a_claim_without_lx_is_read_with_one_warning() -> None:
    body = HEADER + "CLP*A*1*50*50**MC~CLP*B*1*50*50**MC~"
    (payment,) = read_advice(wrap(body).encode())
    assert [c.patient_control_number for c in payment.claims] == ["A", "B"]
    assert rules(payment) == ["IG-835-LX-MISSING"]


def test_a_service_line_without_a_claim_is_skipped_with_a_warning() -> None:
    body = header("0") + "LX*1~SVC*HC:99213*100*100~DTM*472*20260101~"
    (payment,) = read_advice(wrap(body).encode())
    assert payment.claims == ()
    assert rules(payment) == ["IG-835-SEGMENT"]
    assert payment.issues[0].location.segment == 9  # ISA GS ST BPR TRN N1 N1 LX SVC


def test_a_transaction_without_claims_sends_header_then_totals() -> None:
    body = "BPR*H*0*C*NON************20260301~TRN*1*T1*1234567890~N1*PR*PAYER~N1*PE*PROV~"
    events = list(read_remittances(wrap(body).encode()))
    assert [type(e) for e in events] == [Remittance, RemittanceTotals]


def test_missing_bpr_and_parties_are_reported() -> None:
    (payment,) = read_advice(wrap("TRN*1*T1*1234567890~").encode())
    assert rules(payment) == ["IG-835-MISSING", "IG-835-PARTY", "IG-835-PARTY"]


def test_a_transaction_set_that_is_not_835_is_skipped_with_a_warning() -> None:
    text = wrap(HEADER + "LX*1~CLP*A*1*100*100**MC~")
    other = "ST*277*0002~BHT*0010~SE*3*0002~"
    text = text.replace("GE*1*1~", other + "GE*2*1~")
    (payment,) = read_advice(text.encode())
    assert len(payment.claims) == 1
    assert "IG-835-TRANSACTION" in rules(payment)


def test_a_file_with_no_835_keeps_its_warnings_unattached() -> None:
    reader = RemittanceReader(wrap("BHT*0010~", st01="277").encode())
    assert list(reader) == []
    assert [i.rule_id for i in reader.unattached] == ["IG-835-TRANSACTION"]


def test_syntax_warnings_after_se_belong_to_the_transaction_before() -> None:
    text = wrap(header("0")).replace("IEA*1*000000001", "IEA*1*000000009")
    (payment,) = read_advice(text.encode())
    assert rules(payment) == ["X12-IEA-CONTROL"]


def test_claims_stream_one_at_a_time() -> None:
    body = HEADER + "LX*1~" + "".join(f"CLP*C{n}*1*1*1**MC~" for n in range(5))
    events = read_remittances(wrap(body).encode())
    assert isinstance(next(events), Remittance)
    first = next(events)
    assert isinstance(first, ClaimPayment) and first.patient_control_number == "C0"


def test_a_flood_of_one_warning_is_capped_and_counted() -> None:
    body = HEADER + "LX*1~" + "CLP*X*1*10*1**MC~" * 1005
    (payment,) = read_advice(wrap(body).encode())
    claim_warnings = [i for i in payment.issues if i.rule_id == "IG-835-BALANCE-CLAIM"]
    assert len(claim_warnings) == 1001
    assert claim_warnings[-1].message.startswith("5 more IG-835-BALANCE-CLAIM")


def test_patient_names_and_ids_never_show_in_repr() -> None:
    (claim, _) = one("paid.835").claims
    shown = repr(claim)
    assert "TESTMEMBER" not in shown and "90000001A" not in shown


# -- what the reader refuses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda t: t[: t.index("SE*")], "truncated"),
        (lambda t: t[: t.index("IEA*")], "without the IEA"),
        (lambda t: t[t.index("ST*") :], "envelope is missing"),
        (lambda t: "\x00\x01\x02garbage" + t, "not an X12 interchange"),
        (lambda t: t.replace("CLP*", "CLP*\x00", 1), "binary"),
    ],
)
def test_broken_input_is_one_clear_error_with_a_position(mutate, fragment) -> None:  # type: ignore[no-untyped-def]
    text = (REMIT / "paid.835").read_text(encoding="ascii")
    with pytest.raises(X12ParseError) as caught:
        list(read_remittances(mutate(text).encode()))
    assert fragment in str(caught.value)
    assert "segment" in str(caught.value)


def test_a_truncated_file_is_refused_before_anything_is_yielded(tmp_path: Path) -> None:
    text = (REMIT / "multiple-st.835").read_text(encoding="ascii")
    cut = tmp_path / "cut.835"
    cut.write_text(text[: text.index("ST|835|0003")], encoding="ascii")
    with pytest.raises(X12ParseError, match="truncated") as caught:
        iter(RemittanceReader(cut))  # refused before the first event is asked for
    assert caught.value.position == 28


def test_trailing_junk_after_the_iea_is_read_with_a_warning() -> None:
    text = (REMIT / "paid.835").read_text(encoding="ascii") + "this is not x12\n"
    payments = read_advice(text.encode())
    assert len(payments[0].claims) == 2
    assert "X12-SEGMENT-ID" in rules(payments[0])


def test_a_seekable_stream_is_checked_then_read_whole() -> None:
    with (REMIT / "paid.835").open("rb") as stream:
        assert read_advice(stream) == advice("paid.835")


def test_every_segment_of_the_835_is_modeled() -> None:
    payment = one("every-segment.835")
    header = payment.header
    assert header.currency == "USD"
    assert header.trace_reference == "ECMPROGRAM"
    assert header.banking.originating_company_supplemental == "PHC001234"
    assert [r.qualifier for r in header.references] == ["EV", "F2"]
    assert header.payer.address.lines == ("4665 BUSINESS CENTER DRIVE", "SUITE 100")
    assert header.payer.address.country == "US"
    assert [c.function for c in header.payer.contacts] == ["CX", "BL", "IC"]
    assert header.payer.contacts[0].numbers == (("TE", "7078637100"), ("EX", "12"))
    assert header.payee.delivery is not None and header.payee.delivery.method == "EM"
    (claim,) = payment.claims
    number = claim.header
    assert number is not None and number.number == "1"
    assert (number.provider_identifier, number.facility_code) == ("1234567893", "11")
    assert (number.fiscal_period_end, number.claim_count, number.total_charge) == (
        date(2026, 12, 31),
        D("1"),
        D("1000.00"),
    )
    assert [(f.qualifier, f.value) for f in number.figures] == [
        ("TS306", D("100.00")),
        ("TS201", D("150.00")),
        ("TS202", D("50.00")),
    ]
    assert (claim.drg_code, claim.drg_weight, claim.discharge_fraction) == (
        "0001",
        D("1.25"),
        D("0.5"),
    )
    assert [(a.reason, a.amount, a.quantity) for a in claim.adjustments] == [
        ("45", D("10.00"), D("1")),
        ("253", D("2.00"), None),
        ("59", D("3.00"), None),
        ("131", D("4.00"), None),
        ("132", D("5.00"), None),
        ("B7", D("6.00"), None),
    ]
    assert [p.role for p in claim.parties] == ["QC", "IL", "74", "82", "TT", "PR", "GB"]
    assert claim.insured is not None and claim.insured.last_name == "TESTSUBSCRIBER"
    assert (
        claim.rendering_provider is not None and claim.rendering_provider.identifier == "1245319599"
    )
    assert claim.inpatient is not None
    assert (claim.inpatient.covered_days, claim.inpatient.drg_amount) == (D("3"), D("150.00"))
    assert claim.inpatient.remarks == ("MA01", "N20", "N30")
    assert claim.outpatient is not None and claim.outpatient.reimbursement_rate == D("0.8")
    assert [r.code for r in claim.remarks] == ["N130", "M15", "MA01", "N20", "N30"]
    assert [r.qualifier for r in claim.references] == ["EA", "F8"]
    assert [d.qualifier for d in claim.dates] == ["232", "233", "050"]
    assert claim.contacts[0].name == "CLAIM UNIT"
    assert (claim.amounts[0].qualifier, claim.quantities[0].value) == ("AU", D("2"))
    first, second = claim.lines
    assert first.original_procedure is not None and first.original_procedure.modifiers == (
        "U1",
        "GQ",
    )
    assert first.service_date == date(2026, 2, 1)
    assert [d.qualifier for d in first.dates] == ["150", "151"]
    assert [(r.qualifier, r.value) for r in first.references] == [("LU", "11")]
    assert first.reference("6R") == "ECM2602-0200-1" and first.reference("LU") == "11"
    assert (first.quantities[0].qualifier, [r.qualifier for r in first.remarks]) == (
        "ZL",
        ["HE", "RX"],
    )
    assert second.service_date == date(2026, 2, 10)
    plb = payment.totals.provider_adjustments
    assert [p.reason for p in plb] == ["WO", "72", "L6", "CS", "FB", "GO"]
    assert payment.totals.provider_adjustment_total == D("20.00")
    assert payment.issues == ()


def test_every_claim_status_and_its_outcome() -> None:
    payment = one("every-status.835")
    seen = [(str(c.status), c.outcome) for c in payment.claims]
    assert seen == [
        ("1", "paid"),
        ("2", "partly paid"),
        ("3", "partly paid"),
        ("4", "denied"),
        ("19", "partly paid"),
        ("20", "partly paid"),
        ("21", "denied"),
        ("22", "reversed"),
        ("23", "not ours"),
        ("25", "priced only"),
    ]
    assert all(isinstance(c.status, ClaimStatus) for c in payment.claims)
    assert {c.status.label for c in payment.claims if isinstance(c.status, ClaimStatus)} >= {
        "processed as secondary",
        "reversal of an earlier payment",
        "not this payer's claim, forwarded",
        "predetermination pricing only, no payment",
    }
    forwarded = payment.claims[4].party("TT")
    assert forwarded is not None and forwarded.last_name == "MEDI-CAL FFS"
    assert payment.totals.total_paid == D("115.00") == payment.header.payment_amount
    assert payment.issues == ()
