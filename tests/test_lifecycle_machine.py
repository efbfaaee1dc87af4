"""The claim state machine on hand-made events: every state, and the money identity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from edi837.lifecycle.advice import aging, next_action
from edi837.lifecycle.events import (
    Adjudication,
    ClaimFacts,
    FrontDoor,
    LineFacts,
    LinePayment,
    Outcome,
    Reason,
    Recoupment,
    Successor,
    Written,
)
from edi837.lifecycle.machine import State, evaluate, front_door_state, void_took_effect

D = Decimal
SENT = date(2026, 2, 2)
PAID_ON = date(2026, 3, 1)


def line(
    n: int, charge: str, code: str = "G9008", mods: tuple[str, ...] = ("U1",), **kw: object
) -> LineFacts:
    return LineFacts(
        f"N00000001L{n:02d}",
        D(charge),
        code,
        mods,
        date(2026, 1, 10 + n),
        **kw,  # type: ignore[arg-type]
    )


def claim(*lines: LineFacts, frequency: str = "1", **kw: object) -> ClaimFacts:
    return ClaimFacts(
        claim_id=kw.pop("claim_id", "N00000001"),  # type: ignore[arg-type]
        member_id="90000001A",
        frequency=frequency,
        test=False,
        billed=sum((ln.charge for ln in lines), D(0)),
        sent_on=SENT,
        written=kw.pop("written", Written.WRITTEN),  # type: ignore[arg-type]
        lines=lines,
        **kw,  # type: ignore[arg-type]
    )


def paid(
    *payments: LinePayment, status: str = "1", reasons: tuple[Reason, ...] = (), on: date = PAID_ON
) -> Adjudication:
    return Adjudication(
        on=on,
        status_code=status,
        charge=sum((p.charge or D(0) for p in payments), D(0)),
        paid=sum((p.paid or D(0) for p in payments), D(0)),
        payer_claim_number="ICN1",
        reasons=reasons,
        lines=payments,
    )


def pay(n: int, charge: str, amount: str, *reasons: Reason) -> LinePayment:
    return LinePayment(f"N00000001L{n:02d}", D(charge), D(amount), reasons)


def co(code: str, amount: str) -> Reason:
    return Reason("CO", code, D(amount))


def pr(code: str, amount: str) -> Reason:
    return Reason("PR", code, D(amount))


def test_sent_accepted_and_rejected_at_the_front_door() -> None:
    facts = claim(line(1, "400"))
    assert evaluate(facts, ()).state is State.SENT
    ok = FrontDoor("999", Outcome.ACCEPTED, SENT)
    no = FrontDoor("277CA", Outcome.REJECTED, SENT, ("A7:562",), "entity's NPI invalid")
    assert evaluate(facts, (ok,)).state is State.ACCEPTED
    rejected = evaluate(facts, (ok, no))
    assert rejected.state is State.REJECTED and not rejected.live
    assert rejected.figures.open == D(400)
    advice = next_action(facts, rejected, date(2026, 2, 10))
    assert "entity's NPI invalid" in advice.text and not advice.done
    resent = attrs_evolve(facts, resent_as="N00000009")
    done = evaluate(resent, (no,))
    assert done.figures.open == 0 and done.figures.cancelled == D(400)
    assert next_action(resent, done, date(2026, 2, 10)).done


def attrs_evolve(facts: ClaimFacts, **changes: object) -> ClaimFacts:
    import attrs

    return attrs.evolve(facts, **changes)  # type: ignore[arg-type]


def test_paid_in_full_and_paid_at_contract_rate() -> None:
    facts = claim(line(1, "400"))
    assert evaluate(facts, (paid(pay(1, "400", "400")),)).state is State.PAID
    # a PMPM paid at the contract rate: CO-45 is contractual, nothing to do
    outcome = evaluate(facts, (paid(pay(1, "400", "386", co("45", "14"))),))
    assert outcome.state is State.PAID_AS_EXPECTED
    assert outcome.figures.contractual == D(14) and outcome.figures.open == 0
    assert next_action(facts, outcome, PAID_ON).done


def test_g9007_never_paid_does_not_make_the_claim_partial() -> None:
    facts = claim(line(1, "400"), line(2, "0.04", "G9007", (), expected_unpaid="G9007"))
    outcome = evaluate(facts, (paid(pay(1, "400", "400"), pay(2, "0.04", "0", co("96", "0.04"))),))
    assert outcome.state is State.PAID_AS_EXPECTED
    assert outcome.figures.denied == 0 and outcome.figures.contractual == D("0.04")
    assert not any(ln.denied for ln in outcome.lines)


def test_share_of_cost_is_patient_responsibility_with_its_figure() -> None:
    facts = claim(line(1, "400"))
    outcome = evaluate(facts, (paid(pay(1, "400", "300", pr("142", "100"))),))
    assert outcome.state is State.PATIENT_RESPONSIBILITY
    assert outcome.figures.patient == D(100)
    advice = next_action(facts, outcome, PAID_ON)
    assert "$100.00" in advice.text and "share of cost" in advice.text


def test_denied_line_is_partial_and_finally_denied() -> None:
    facts = claim(line(1, "400"), line(2, "150", "G9012", ()))
    outcome = evaluate(facts, (paid(pay(1, "400", "400"), pay(2, "150", "0", co("197", "150"))),))
    assert outcome.state is State.PARTIALLY_PAID
    assert [ln.denied for ln in outcome.lines] == [False, True]
    assert outcome.figures.denied == D(150)
    assert "TAR" in next_action(facts, outcome, PAID_ON).text


def test_whole_claim_denied_without_line_detail() -> None:
    facts = claim(line(1, "400"), line(2, "150"))
    denial = Adjudication(
        PAID_ON, "4", D(550), D(0), "ICN1", reasons=(co("18", "550"),), itemised=False
    )
    outcome = evaluate(facts, (denial,))
    assert outcome.state is State.DENIED
    assert all(ln.denied and ln.state is State.DENIED for ln in outcome.lines)
    assert "duplicate" in next_action(facts, outcome, PAID_ON).text


def test_processed_as_secondary_with_nothing_paid_is_not_denied() -> None:
    facts = claim(line(1, "400"))
    outcome = evaluate(facts, (paid(pay(1, "400", "0", Reason("OA", "23", D(400))), status="2"),))
    assert outcome.state is State.SECONDARY
    assert not outcome.lines[0].denied


def test_reversal_then_readjudication() -> None:
    facts = claim(line(1, "400"))
    first = paid(pay(1, "400", "400"))
    reversal = paid(LinePayment("N00000001L01", D(-400), D(-400)), status="22")
    assert evaluate(facts, (first, reversal)).state is State.REVERSED
    again = paid(pay(1, "400", "386", co("45", "14")), on=date(2026, 3, 20))
    outcome = evaluate(facts, (first, reversal, again))
    assert outcome.state is State.PAID_AS_EXPECTED and outcome.figures.paid == D(386)
    assert "paid_twice" not in outcome.flags


def test_double_payment_is_flagged() -> None:
    facts = claim(line(1, "222"))
    outcome = evaluate(facts, (paid(pay(1, "222", "211")), paid(pay(1, "222", "211"))))
    assert "paid_twice" in outcome.flags and "overpaid" in outcome.flags
    assert outcome.figures.overpaid == D(200)
    assert "more than billed" in next_action(facts, outcome, PAID_ON).text


def test_plb_recoupment_that_names_the_claim_is_applied() -> None:
    facts = claim(line(1, "222"))
    outcome = evaluate(
        facts,
        (
            paid(pay(1, "222", "422")),
            Recoupment(date(2026, 3, 15), "WO", "ICN1", D(200)),
        ),
    )
    assert outcome.figures.paid == D(222) and outcome.figures.overpaid == 0
    assert outcome.state is State.PAID


def test_void_and_its_original_settle_when_the_reversal_arrives() -> None:
    original = claim(line(1, "400"))
    void = claim(line(1, "400"), frequency="8", claim_id="N00000005", original_claim_id="N00000001")
    assert void_took_effect(void, ())
    successor = Successor("N00000005", "8", effective=True)
    payment = paid(pay(1, "400", "400"))
    before = evaluate(original, (payment,), (successor,))
    assert before.state is State.VOIDED and not before.settled and not before.live
    assert before.figures.open == 0
    assert "wait for the payer's reversal" in next_action(original, before, PAID_ON).text
    void_before = evaluate(void, (), original=before)
    assert void_before.state is State.SENT and void_before.figures == type(void_before.figures)()
    reversal = paid(LinePayment("N00000001L01", D(-400), D(-400)), status="22")
    after = evaluate(original, (payment, reversal), (successor,))
    assert after.settled and after.figures.paid == 0 and after.figures.cancelled == D(400)
    assert evaluate(void, (), original=after).state is State.VOIDED
    assert next_action(original, after, PAID_ON).done


def test_a_rejected_void_leaves_the_original_as_it_was() -> None:
    void = claim(line(1, "400"), frequency="8", claim_id="N00000005", original_claim_id="N00000001")
    rejected = FrontDoor("999", Outcome.REJECTED, SENT)
    assert not void_took_effect(void, (rejected,))
    original = claim(line(1, "400"))
    outcome = evaluate(
        original, (paid(pay(1, "400", "400")),), (Successor("N00000005", "8", False),)
    )
    assert outcome.state is State.PAID and outcome.live


def test_replaced_claim_counts_no_more() -> None:
    original = claim(line(1, "400"))
    outcome = evaluate(original, (), (Successor("N00000007", "7", True),))
    assert outcome.state is State.REPLACED and not outcome.live and outcome.successor == "N00000007"


def test_pending_and_abandoned_batches() -> None:
    pending = claim(line(1, "400"), written=Written.PENDING)
    assert front_door_state(pending, ()) is State.PENDING
    assert evaluate(pending, ()).live
    gone = claim(line(1, "400"), written=Written.ABANDONED)
    outcome = evaluate(gone, ())
    assert outcome.state is State.ABANDONED and not outcome.live and outcome.figures.billed == 0


@pytest.mark.parametrize(
    "events",
    [
        (),
        (FrontDoor("999", Outcome.REJECTED, SENT),),
        (paid(pay(1, "400", "386", co("45", "14"))),),
        (paid(pay(1, "400", "0", co("197", "400"))),),
        (paid(pay(1, "400", "300", pr("142", "100"))),),
        (paid(pay(1, "400", "500")),),
        (paid(pay(1, "400", "100")),),  # unexplained: no adjustment for the 300
    ],
)
def test_every_outcome_balances(events: tuple[object, ...]) -> None:
    outcome = evaluate(claim(line(1, "400")), events)  # type: ignore[arg-type]
    assert outcome.figures.balanced, outcome.figures


def test_aging_buckets_and_the_filing_deadline() -> None:
    facts = claim(line(1, "400"))
    assert aging(facts, date(2026, 2, 12)).bucket == "0-30"
    assert aging(facts, date(2026, 4, 3)).bucket == "31-60"
    assert aging(facts, date(2026, 9, 1)).bucket == "over 180"
    late = aging(facts, date(2026, 12, 1))
    assert late.deadline == date(2027, 1, 11) and late.days_left == 41
    outcome = evaluate(facts, (FrontDoor("999", Outcome.ACCEPTED, SENT),))
    text = next_action(facts, outcome, date(2026, 12, 1)).text
    assert "365-day filing limit" in text and "ask the payer" in text
