"""The acknowledgment readers (edi837/ack): what each segment becomes, damaged answers read as far
as they go with located warnings, the 997, the code words, and BHT03."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from edi837.ack import AckReader
from edi837.ack.codes import category_verdict, status_words
from edi837.claim837.reader import read_claim_file
from edi837.codes import descriptions as codelists
from edi837.ledger.store import Ledger
from edi837.model.acks import BatchAck, ClaimAck, GroupAck, InterchangeAck, Verdict
from edi837.model.claims import parse_set_reference, set_reference
from edi837.services.acks import import_acks

from .conftest import FIXTURES
from .helpers import build_file, profile

ACK = FIXTURES / "ack"
ISA = "ISA*00*          *00*          *ZZ*PHCTEST01      *ZZ*NCCC0001       *260203*0816*^*00501*000000007*0*P*:~\n"


def interchange(group: str, *sets: str, version: str = "005010X231A1") -> bytes:
    """One interchange of one group around the transaction sets' bodies (ST..SE excluded)."""
    out = [ISA, f"GS*FA*PHCTEST01*NCCC0001*20260203*0816*7*X*{version}~\n"]
    for n, body in enumerate(sets, 1):
        segments = [s for s in body.split("~") if s.strip()]
        out.append(f"ST*{group}*{n:04d}*{version}~\n")
        out += [s.strip() + "~\n" for s in segments]
        out.append(f"SE*{len(segments) + 2}*{n:04d}~\n")
    out.append(f"GE*{len(sets)}*7~\nIEA*1*000000007~\n")
    return "".join(out).encode()


def read(data: bytes) -> tuple[list[object], list[str]]:
    reader = AckReader(data, name="answer.edi")
    answers = list(reader)
    return answers, [f"{i.rule_id} {i.location.segment} {i.message}" for i in reader.issues]


# -- what each segment becomes ------------------------------------------------------------------------
def test_a_999_group_with_its_sets_errors_and_claim_contexts() -> None:
    (group,) = AckReader(ACK / "partial.999")
    assert isinstance(group, GroupAck)
    assert (group.functional_id, group.control_number, group.verdict) == (
        "HC",
        "1",
        Verdict.PARTIAL,
    )
    assert (group.included, group.received, group.accepted) == (2, 2, 1)
    assert group.on == date(2026, 2, 3) and group.test
    first, second = group.sets
    assert (first.control_number, first.verdict) == ("0001", Verdict.ACCEPTED)
    assert second.verdict is Verdict.REJECTED
    note, element = (c for c in second.codes if c.element in ("IK304", "IK403"))
    assert (note.code, note.segment_id, note.segment_position, note.loop, note.context) == (
        "8",
        "DTP",
        57,
        "2400",
        "N00000004",
    )
    assert (element.code, element.reference, element.words) == ("8", "DTP03", "invalid date")


def test_a_ta1() -> None:
    (answer,) = AckReader(ACK / "rejected.ta1")
    assert isinstance(answer, InterchangeAck)
    assert (answer.control_number, answer.verdict, answer.on) == (
        "000000001",
        Verdict.REJECTED,
        date(2026, 2, 2),
    )
    assert [(c.element, c.code) for c in answer.codes] == [("TA104", "R"), ("TA105", "006")]


def test_a_277ca_level_claims_and_lines() -> None:
    answers = list(AckReader(ACK / "claims.277"))
    receiver, provider, *claims = answers
    assert isinstance(receiver, BatchAck) and isinstance(provider, BatchAck)
    assert (receiver.level, receiver.batch_reference, receiver.verdict) == (
        "2200B",
        "0000000010001",
        Verdict.ACCEPTED,
    )
    assert (receiver.accepted, receiver.rejected) == (2, 2)
    assert (receiver.accepted_amount, receiver.rejected_amount) == (
        Decimal("970.04"),
        Decimal("5517.5"),
    )
    assert (provider.level, provider.provider, provider.batch_reference) == (
        "2200C",
        "1234567893",
        "0000000010001",
    )
    assert [(c.claim_id, c.verdict) for c in claims if isinstance(c, ClaimAck)] == [
        ("N00000001", Verdict.ACCEPTED),
        ("N00000002", Verdict.ACCEPTED),
        ("N00000003", Verdict.REJECTED),
        ("N00000004", Verdict.REJECTED),
    ]
    third = claims[2]
    assert isinstance(third, ClaimAck)
    (line,) = third.lines
    assert (line.line_control_number, line.procedure, line.charge, line.verdict) == (
        "N00000003L04",
        "HC:S5130",
        Decimal("49.5"),
        Verdict.REJECTED,
    )
    fourth = claims[3]
    assert isinstance(fourth, ClaimAck)
    assert fourth.statuses[0].words == (
        "rejected for invalid information: the subscriber and the subscriber ID were not found "
        "(entity: the insured or subscriber)"
    )
    assert fourth.on == date(2026, 2, 4) and fourth.charge == Decimal("4572")


def test_a_997_is_read_like_a_999() -> None:
    body = "AK1*HC*7~AK2*837*0001~AK3*NM1*8**8~AK4*2*66*7~AK5*R*5~AK9*R*1*1*0"
    (group,), issues = read(interchange("997", body, version="004010"))
    assert isinstance(group, GroupAck) and issues == []
    assert group.verdict is Verdict.REJECTED
    (answer,) = group.sets
    assert [(c.element, c.code, c.reference) for c in answer.codes] == [
        ("AK501", "R", ""),
        ("AK502", "5", ""),
        ("AK304", "8", ""),
        ("AK403", "7", "NM102"),
    ]


# -- damaged answers: read as far as they go, with located warnings -----------------------------------------
def test_an_unknown_set_answer_takes_the_groups_and_says_so() -> None:
    body = "AK1*HC*7~AK2*837*0001~IK5*Q~AK2*837*0002~IK5*A~AK9*A*2*2*2"
    (group,), issues = read(interchange("999", body))
    assert isinstance(group, GroupAck)
    assert [s.verdict for s in group.sets] == [Verdict.ACCEPTED, Verdict.ACCEPTED]
    assert issues == [
        "ACK-CODE 6 IK501 'Q' for transaction set 0001 is not an acknowledgment code; it is read "
        "as the group's answer (AK901) where that is A, E or R, else as rejected"
    ]


def test_a_999_without_ak9_takes_its_sets_answers() -> None:
    (group,), issues = read(interchange("999", "AK1*HC*7~AK2*837*0001~IK5*A~AK2*837*0002~IK5*R"))
    assert isinstance(group, GroupAck) and group.verdict is Verdict.PARTIAL
    assert [i.split()[0] for i in issues] == ["ACK-999-MISSING"]


def test_a_277ca_claim_without_its_claim_id_or_a_readable_status() -> None:
    body = (
        "BHT*0085*08*X1*20260204*0900*TH~HL*1**20*1~NM1*PR*2*PAYER*****PI*P1~TRN*1*X1~"
        "HL*2*1*21*1~NM1*41*2*US*****46*S1~TRN*2*0000000070001~STC*A1:19*20260204*WQ~"
        "HL*3*2*19*1~NM1*85*2*US*****XX*1234567893~HL*4*3*PT~NM1*QC*1*ROE*JOHN****MI*M1~"
        "TRN*2~STC*Z9:1*2026130*ZZ~HL*5*3*PT~NM1*QC*1*DOE*JANE****MI*M2~TRN*2*N1~STC*X9:1**U"
    )
    answers, issues = read(interchange("277", body, version="005010X214"))
    level, nameless, unknown = answers
    assert isinstance(level, BatchAck) and level.verdict is Verdict.ACCEPTED
    assert isinstance(nameless, ClaimAck) and nameless.claim_id == ""
    assert nameless.verdict is Verdict.REJECTED  # nothing readable: shown as needing action
    assert isinstance(unknown, ClaimAck) and unknown.verdict is Verdict.REJECTED  # STC03 U
    assert [i.split()[0] for i in issues] == ["ACK-277CA-CLAIM-ID", "ACK-277CA-STATUS", "ACK-DATE"]
    assert all("ROE" not in i and "M1" not in i for i in issues)  # no member data quoted


def test_transaction_sets_that_are_not_acknowledgments_are_skipped_with_a_warning() -> None:
    data = interchange("999", "AK1*HC*7~AK9*A*0*0*0") + interchange("835", "BPR*I*0*C*NON")
    answers, issues = read(data)
    assert len(answers) == 1
    assert any(i.startswith("ACK-TRANSACTION") and "835" in i for i in issues)


def test_a_misplaced_segment_is_skipped_with_its_place() -> None:
    (_group,), issues = read(interchange("999", "IK5*A~AK1*HC*7~AK9*A*0*0*0"))
    assert issues == [
        "ACK-SEGMENT 4 IK5 does not belong in the transaction header of a 999; it was skipped"
    ]


# -- codes -------------------------------------------------------------------------------------------------
def test_every_category_in_the_list_has_a_verdict() -> None:
    categories = codelists.table(codelists.CLAIM_STATUS_CATEGORY)
    assert {c for c in categories if category_verdict(c) is None} == set()
    assert category_verdict("A2") is Verdict.ACCEPTED
    assert {category_verdict(c) for c in ("A3", "A4", "A6", "A7", "A8", "E0", "D0")} == {
        Verdict.REJECTED
    }
    assert category_verdict("X9") is None


def test_an_unknown_code_keeps_no_words_and_is_no_error() -> None:
    assert status_words("X9", "9999", "ZZ") == ""
    assert (
        status_words("A7", "9999", "85")
        == "rejected for invalid information (entity: the billing provider)"
    )


def test_every_code_list_names_its_source() -> None:
    names = {p.stem for p in (FIXTURES.parent / "segments" / "codes").glob("*.csv")}
    assert names == set(codelists.SOURCES)
    assert all(codelists.table(name) for name in names)  # each loads (the loader checks its shape)


# -- BHT03 -----------------------------------------------------------------------------------------------
def test_bht03_is_isa13_then_st02_and_reads_back() -> None:
    assert set_reference(7, 12) == "0000000070012"
    assert parse_set_reference("0000000070012") == (7, 12)
    assert parse_set_reference("000000007") == (7, None)  # a BHT03 written before it named the set
    assert parse_set_reference("200203207890") is None and parse_set_reference("ABC") is None


def test_bht03_is_unique_per_transaction_set_within_and_across_batches(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    two = profile(claims={"max_claims_per_transaction": 2})
    build_file(FIXTURES / "records.csv", tmp_path / "a.837", ledger, prof=two)
    build_file(
        FIXTURES / "all-codes.csv",
        tmp_path / "b.837",
        ledger,
        tars=FIXTURES / "all-codes-tars.csv",
        as_of=date(2026, 2, 5),
    )
    references = []
    for name in ("a.837", "b.837"):
        text = (tmp_path / name).read_text()
        references += [s.split("*")[3] for s in text.split("~") if s.strip().startswith("BHT")]
    assert len(references) == len(set(references)) >= 3
    (batch,) = read_claim_file(tmp_path / "a.837").batches
    assert references[:2] == [batch.reference(st02) for st02 in (1, 2)]


def test_a_provider_level_answer_for_another_npi_is_not_ours(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", tmp_path / "a.837", ledger)
    ours = BatchAck(1, "2200C", "0000000010001", Verdict.REJECTED, provider="1234567893")
    theirs = BatchAck(2, "2200C", "0000000010001", Verdict.REJECTED, provider="1222334499")
    with Ledger(ledger) as book:
        tally = import_acks(
            book,
            [FIXTURES / "records.csv"],
            lambda _p: [ours, theirs],
            imported_at=date(2026, 2, 4),
        )
    assert (tally.rejected, tally.unmatched) == (1, 1)


def test_the_docs_table_of_categories_is_the_code_list_and_its_verdicts() -> None:
    text = (FIXTURES.parent / "docs" / "ack.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[2] in ("accepted", "rejected"):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    expected = {
        code: (words, verdict.value)
        for code, words in codelists.table(codelists.CLAIM_STATUS_CATEGORY).items()
        if (verdict := category_verdict(code)) is not None
    }
    assert rows == expected
