"""Every claim state reached through real 835 files and the real reconcile, on the demo batch:
a G9007 line never paid, share of cost, processed as secondary, a double payment and the PLB that
takes it back by reference, a void settled by the payer's reversal. (The reversal followed by a
new adjudication, the split payment and the denial are in tests/test_reconcile.py.)"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from edi837.ledger.store import Ledger
from edi837.lifecycle.machine import State
from edi837.services.queue import QueueItem, queue
from edi837.services.reconcile import import_remittances
from edi837.services.void import void

from .conftest import FIXTURES
from .helpers import accept, build_file, profile

D = Decimal
# the demo batch (fixtures/records.csv): claim -> [(line, procedure, charge)]
DEMO = {
    "N00000001": [
        ("N00000001L01", "G9012:U8:GQ", D("10.00")),
        ("N00000001L02", "G9012:U8", D("10.00")),
        ("N00000001L03", "G9012", D("150.00")),
        ("N00000001L04", "G9008:U1", D("400.00")),
    ],
    "N00000002": [
        ("N00000002L01", "G9012:U2:GQ", D("400.00")),
        ("N00000002L02", "G9007", D("0.04")),
    ],
    "N00000003": [
        ("N00000003L01", "H0043:U6", D("386.00")),
        ("N00000003L02", "S9977:U6", D("66.00")),
        ("N00000003L03", "T2040:U6", D("222.00")),
        ("N00000003L04", "S5130:U6", D("49.50")),
        ("N00000003L05", "T2041:U6", D("222.00")),
    ],
    "N00000004": [
        ("N00000004L01", "H0044:U3", D("1512.00")),
        ("N00000004L02", "T2033:U6", D("3060.00")),
    ],
}

Line = tuple[str, str, Decimal, Decimal, str]  # line ID, procedure, charge, paid, CAS ("" none)


def remittance(
    path: Path,
    number: int,
    paid_on: str,
    claims: list[tuple[str, str, str, list[Line]]],
    plb: list[tuple[str, Decimal]] = (),  # type: ignore[assignment]
) -> Path:
    """A balanced 835: claims as (CLP01, CLP02, CLP07, lines); PLB as (reason:reference, amount)."""
    body: list[str] = ["LX*1"]
    total = D(0)
    for pcn, status, icn, lines in claims:
        charge = sum((c for _l, _p, c, _pd, _cas in lines), D(0))
        paid = sum((pd for _l, _p, _c, pd, _cas in lines), D(0))
        total += paid
        body.append(f"CLP*{pcn}*{status}*{charge}*{paid}**MC*{icn}*12*1")
        body.append("NM1*QC*1*DOE*JANE****MI*90000001A")
        for line_id, procedure, line_charge, line_paid, cas in lines:
            body.append(f"SVC*HC:{procedure}*{line_charge}*{line_paid}**1")
            if cas:
                body.append(cas)
            body.append(f"REF*6R*{line_id}")
    if plb:
        body.append(
            "PLB*1234567893*20261231*" + "*".join(f"{code}*{amount}" for code, amount in plb)
        )
        total -= sum((amount for _code, amount in plb), D(0))
    method = "C" if total >= 0 else "D"
    head = [
        f"ISA*00*          *00*          *ZZ*PHCTEST01      *ZZ*NCCC0001       *{paid_on[2:8]}*1200*^*00501*{number:09d}*0*T*:",
        f"GS*HP*PHCTEST01*NCCC0001*{paid_on}*1200*{number}*X*005010X221A1",
        f"ST*835*{number:04d}",
        f"BPR*I*{abs(total)}*{method}*ACH*CCP*01*121000248*DA*123456789*1234567890**01*121000358*DA*987654321*{paid_on}",
        f"TRN*1*TRACE{number}*1941234567",
        f"DTM*405*{paid_on}",
        "N1*PR*PARTNERSHIP HEALTHPLAN OF CALIFORNIA",
        "N1*PE*NORTH COAST CARE COLLABORATIVE*XX*1234567893",
    ]
    segments = [*head, *body]
    count = len(segments) - 2 + 1
    text = "~\n".join(
        [*segments, f"SE*{count}*{number:04d}", f"GE*1*{number}", f"IEA*1*{number:09d}"]
    )
    path.write_text(text + "~\n", encoding="ascii")
    return path


def paid_in_full(claim_id: str) -> list[Line]:
    return [(line, proc, charge, charge, "") for line, proc, charge in DEMO[claim_id]]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", tmp_path / "demo.837", path, tars=FIXTURES / "tars.csv")
    return path


def record(ledger: Path, *files: Path) -> None:
    with Ledger(ledger) as book:
        import_remittances(book, list(files), imported_at=date(2026, 3, 20))


def item(ledger: Path, claim_id: str) -> QueueItem:
    with Ledger(ledger) as book:
        (found,) = list(queue(book, as_of=date(2026, 3, 20), claim_ids=[claim_id]))
    assert found.outcome.figures.balanced, found.outcome.figures
    return found


def test_a_g9007_line_never_paid_is_paid_as_expected(ledger: Path, tmp_path: Path) -> None:
    lines: list[Line] = [
        ("N00000002L01", "G9012:U2:GQ", D("400.00"), D("400.00"), ""),
        ("N00000002L02", "G9007", D("0.04"), D("0"), "CAS*CO*96*0.04"),
    ]
    record(
        ledger, remittance(tmp_path / "a.835", 801, "20260301", [("N00000002", "1", "ICN2", lines)])
    )
    found = item(ledger, "N00000002")
    assert found.outcome.state is State.PAID_AS_EXPECTED and found.advice.done
    assert found.outcome.figures.denied == 0 and found.outcome.figures.contractual == D("0.04")
    assert not any(line.denied for line in found.outcome.lines)


def test_share_of_cost_is_patient_responsibility(ledger: Path, tmp_path: Path) -> None:
    lines = paid_in_full("N00000003")
    line_id, proc, charge, _paid, _cas = lines[0]
    lines[0] = (line_id, proc, charge, charge - 100, "CAS*PR*142*100")
    record(
        ledger, remittance(tmp_path / "a.835", 802, "20260301", [("N00000003", "1", "ICN3", lines)])
    )
    found = item(ledger, "N00000003")
    assert found.outcome.state is State.PATIENT_RESPONSIBILITY
    assert found.outcome.figures.patient == D(100)
    assert "bill the member $100.00" in found.advice.text and "share of cost" in found.advice.text


def test_processed_as_secondary_with_nothing_paid(ledger: Path, tmp_path: Path) -> None:
    lines = [
        (line, proc, charge, D(0), f"CAS*OA*23*{charge}")
        for line, proc, charge, _paid, _cas in paid_in_full("N00000004")
    ]
    record(
        ledger, remittance(tmp_path / "a.835", 803, "20260301", [("N00000004", "2", "ICN4", lines)])
    )
    found = item(ledger, "N00000004")
    assert found.outcome.state is State.SECONDARY and found.advice.done
    assert not any(line.denied for line in found.outcome.lines)


def test_a_double_payment_is_flagged_then_settled_by_a_plb_naming_the_claim(
    ledger: Path, tmp_path: Path
) -> None:
    claim = [("N00000001", "1", "ICN1", paid_in_full("N00000001"))]
    record(ledger, remittance(tmp_path / "a.835", 804, "20260301", claim))
    record(ledger, remittance(tmp_path / "b.835", 805, "20260305", claim))
    twice = item(ledger, "N00000001")
    assert {"paid_twice", "overpaid"} <= set(twice.outcome.flags)
    assert twice.outcome.figures.overpaid == D(570)
    assert "more than billed" in twice.advice.text and not twice.advice.done
    # the payer takes it back, naming our claim by its payer claim number
    record(ledger, remittance(tmp_path / "c.835", 806, "20260315", [], plb=[("WO:ICN1", D(570))]))
    settled = item(ledger, "N00000001")
    assert settled.outcome.figures.paid == D(570) and settled.outcome.figures.overpaid == 0
    assert settled.outcome.state is State.PAID


def test_a_void_and_its_original_settle_when_the_reversal_arrives(
    ledger: Path, tmp_path: Path
) -> None:
    record(
        ledger,
        remittance(
            tmp_path / "a.835",
            807,
            "20260301",
            [("N00000001", "1", "ICN1", paid_in_full("N00000001"))],
        ),
    )
    with Ledger(ledger) as book:
        written = void(
            ["N00000001"],
            {},
            profile(),
            tmp_path / "void.837",
            book,
            as_of=date(2026, 3, 6),
            created=datetime(2026, 3, 6),
        )
    (void_claim,) = written.batch.claims
    before = item(ledger, "N00000001")
    assert before.outcome.state is State.VOIDED and not before.outcome.settled
    assert "wait for the payer's reversal" in before.advice.text
    assert (
        item(ledger, void_claim.claim_id).outcome.figures.billed == 0
    )  # a void is not billed again
    # the payer reverses the original under the void's claim ID
    reversal = [
        (line, proc, -charge, -charge, "")
        for line, proc, charge, _paid, _cas in paid_in_full("N00000001")
    ]
    accept(ledger, void_claim.claim_id, on=date(2026, 3, 7))
    record(
        ledger,
        remittance(
            tmp_path / "b.835", 808, "20260315", [(void_claim.claim_id, "22", "ICN1", reversal)]
        ),
    )
    original, settled_void = item(ledger, "N00000001"), item(ledger, void_claim.claim_id)
    assert original.outcome.state is State.VOIDED and original.outcome.settled
    assert original.outcome.figures.paid == 0 and original.outcome.figures.open == 0
    assert original.advice.done and settled_void.advice.done
    assert settled_void.outcome.state is State.VOIDED
