"""The conformance engine beyond pyx12: SNIP 3 to 5, its 999 and 277CA preview, encodings and
non-X12 files, X222A2, the ledger's control numbers, and the walk's Not Used rules."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import attrs
import pytest

from edi837.conformance import snip2
from edi837.conformance.ack999 import acknowledgment
from edi837.conformance.engine import validate
from edi837.conformance.preview277 import Preview
from edi837.conformance.rules import Rule
from edi837.conformance.tree import _build
from edi837.conformance.walker import Walker
from edi837.errors import X12ParseError
from edi837.oracle.pyx12_validator import validate_file
from edi837.x12 import declarations

from .conftest import FIXTURES

DEMO = FIXTURES / "golden" / "demo.837"
CREATED = datetime(2026, 2, 2, 9, 30)


def _variant(tmp_path: Path, *swaps: tuple[str, str], name: str = "variant.837") -> Path:
    text = DEMO.read_text(encoding="ascii")
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="ascii")
    return path


def _rules(path: Path, level: int | None = None) -> list[str]:
    result = validate(path)
    return [f.rule.id for f in result.findings.sorted() if level is None or f.rule.snip >= level]


@pytest.mark.parametrize("golden", ["demo.837", "all-codes.837"])
def test_our_golden_files_pass_every_level(golden: str) -> None:
    result = validate(FIXTURES / "golden" / golden)
    assert result.ok and result.findings.total == 0
    assert [s.kind for s in result.sets] == ["837p"]


# (rule, what breaks, the swaps that break it): each variant of the demo batch breaks exactly one
# SNIP 3-5 rule, and nothing at SNIP 1-2
BEYOND_PYX12 = [
    ("SNIP3-CLM02-TOTAL", "a claim total that is not its lines'", [("*570***12:B:1", "*575***12:B:1")]),
    ("SNIP4-DX-POINTER", "a pointer to a third diagnosis of two", [("*UN*2***1~", "*UN*2***3~")]),
    ("SNIP4-DX-DUPLICATE", "a diagnosis given twice", [("HI*ABK:Z5901*ABF:F329", "HI*ABK:Z5901*ABF:Z5901")]),
    ("SNIP4-HL-LEVEL", "a subscriber under a subscriber", [("HL*3*1*22*0", "HL*3*2*22*0"), ("HL*2*1*22*0", "HL*2*1*22*1")]),
    ("SNIP4-HL-CHILD", "HL04 1 with no child", [("HL*2*1*22*0", "HL*2*1*22*1")]),
    ("SNIP4-FREQUENCY-REF", "a replacement claim without REF*F8", [("*570***12:B:1", "*570***12:B:7")]),
    ("SNIP4-SPAN-ORDER", "a span that ends before it begins", [("RD8*20260117-20260131", "RD8*20260131-20260117")]),
    ("SNIP4-SERVICE-FUTURE", "a service after the file's date", [("DTP*472*D8*20260105", "DTP*472*D8*20260305")]),
    ("SNIP4-BIRTH-AFTER-SERVICE", "a birth date after the service", [("DMG*D8*19800101", "DMG*D8*20260106")]),
    ("SNIP4-ZIP4", "a five-digit billing provider ZIP", [("N4*SANTA ROSA*CA*954011234", "N4*SANTA ROSA*CA*95401")]),
    ("SNIP5-ICD10-BILLABLE", "Z59.1, a category since FY2024", [("ABK:Z5901", "ABK:Z591")]),
    ("SNIP5-HCPCS", "a procedure code that is no HCPCS code", [("HC:G9012:U8:GQ*10", "HC:G901*10")]),
    ("SNIP5-POS", "place of service 27 before CMS created it", [("*570***12:B:1", "*570***27:B:1"), ("D8*20260105", "D8*20230915")]),
    ("SNIP5-TAXONOMY", "a taxonomy code of the wrong shape", [("PRV*BI*PXC*251S00000X", "PRV*BI*PXC*2510000000")]),
    ("SNIP5-NPI", "an NPI with a wrong check digit", [("XX*1234567893", "XX*1234567890")]),
    ("SNIP5-FREQUENCY", "frequency 3, which no professional claim uses", [("*570***12:B:1", "*570***12:B:3")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "what", "swaps"), BEYOND_PYX12, ids=[r for r, _, _ in BEYOND_PYX12]
)
def test_each_check_pyx12_lacks(
    tmp_path: Path, rule: str, what: str, swaps: list[tuple[str, str]]
) -> None:
    path = _variant(tmp_path, *swaps)
    found = _rules(path)
    assert rule in found, what
    assert all(r.startswith(("SNIP3", "SNIP4", "SNIP5")) for r in found), found
    assert validate_file(path).ok  # pyx12 lets every one of these through


def test_a_made_up_diagnosis_is_not_billable(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("ABF:F329", "ABF:Z9999"))
    result = validate(path)
    (finding,) = (f for f in result.findings.kept if f.rule.id == "SNIP5-ICD10-BILLABLE")
    assert finding.element == "HI02-2" and finding.claim == "N00000001"
    assert "Z99.99" in finding.message


def test_a_diagnosis_outside_the_releases_shipped_is_a_warning(tmp_path: Path) -> None:
    swaps = [
        (f"DTP*472*D8*202601{day}", f"DTP*472*D8*202209{day}") for day in ("05", "08", "10", "15")
    ]
    result = validate(_variant(tmp_path, *swaps))
    assert result.ok and result.findings.counts["SNIP5-ICD10-UNCHECKED"] == 2  # Z59.01, F32.9


def test_a_zero_charge_claim_is_a_warning(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("*570***12:B:1", "*0***12:B:1"))
    result = validate(path)
    assert "SNIP3-CLM02-ZERO" in result.findings.counts
    assert "SNIP3-CLM02-TOTAL" in result.findings.counts  # the lines still charge 570


def test_the_835_balances_are_reported_through_the_engine() -> None:
    result = validate(FIXTURES / "835" / "imbalanced.835")
    found = set(result.findings.counts)
    assert {"SNIP3-835-LINE", "SNIP3-835-CLAIM", "SNIP3-835-TRANSACTION"} <= found
    assert validate(FIXTURES / "835" / "paid.835").findings.counts.keys() <= {"SNIP2-ELE-NOT-USED"}


# -- our 999 and the 277CA preview ----------------------------------------------------------------


def test_our_999_accepts_a_clean_file_and_pyx12_reads_it(tmp_path: Path) -> None:
    text = acknowledgment(validate(DEMO), CREATED)
    ack = tmp_path / "clean.999"
    ack.write_text(text, encoding="ascii")
    assert "IK5*A~" in text and "AK9*A*1*1*1~" in text
    assert validate_file(ack).ok and validate(ack).ok


def test_our_999_rejects_a_file_with_any_error_and_says_where(tmp_path: Path) -> None:
    broken = _variant(
        tmp_path, ("DMG*D8*19800101*F", "DMG*D8*19801301*F"), ("ABK:Z5901", "ABK:Z591")
    )
    text = acknowledgment(validate(broken), CREATED)
    ack = tmp_path / "broken.999"
    ack.write_text(text, encoding="ascii")
    assert "IK5*R*5~" in text and "AK9*R*1*1*0~" in text
    assert "IK3*DMG*17*2010*8~" in text and "IK4*2*1251*8~" in text  # SNIP 1: the date
    assert "IK3*HI*20*2300*8~\nCTX*CLM01:N00000001~\nIK4*1:2*1271*7~" in text  # SNIP 5
    assert "19801301" not in text  # no copy of the bad value (IK404): it may be member data
    assert validate_file(ack).ok and validate(ack).ok


def test_a_999_answers_envelope_errors_at_their_level(tmp_path: Path) -> None:
    path = FIXTURES / "conformance" / "GS4-ge02.837"
    text = acknowledgment(validate(path), CREATED)
    assert "AK9*R*1*1*1*4~" in text  # the set is fine; the group's trailer is not
    path = FIXTURES / "conformance" / "ISA001-iea02.837"
    text = acknowledgment(validate(path), CREATED)
    assert "TA1*000000001*260202*0000*R*001~" in text
    ack = tmp_path / "isa.999"
    ack.write_text(text, encoding="ascii")
    assert validate_file(ack).ok


def test_the_277ca_preview_accepts_and_rejects_per_claim(tmp_path: Path) -> None:
    broken = _variant(tmp_path, ("*570***12:B:1", "*575***12:B:1"))
    preview = Preview(CREATED)
    result = validate(broken, on_claim=preview.claim)
    text = preview.text(result)
    out = tmp_path / "preview.277"
    out.write_text(text, encoding="ascii")
    assert "TRN*2*N00000001~\nSTC*A7:178*20260202*U*575~" in text
    assert text.count("STC*A2:20*20260202*WQ*") == 3
    assert "QTY*90*3~\nQTY*AA*1~" in text
    assert validate_file(out).ok and validate(out).ok


# -- what a file is ----------------------------------------------------------------------------------


def test_a_file_with_a_byte_order_mark_is_validated() -> None:
    result = validate(FIXTURES / "835" / "crlf-bom.835")
    assert result.segments > 20 and result.sets[0].kind == "835"
    assert "SNIP1-ENCODING" in result.findings.counts


@pytest.mark.parametrize(
    ("head", "named"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"record_id,member_id,member_last_name,service_date\n", "CSV"),
        (b'{"claims": []}', "JSON"),
        (b"\x00\x01binary", "binary data"),
    ],
)
def test_a_file_that_is_not_x12_is_named_as_what_it_is(
    tmp_path: Path, head: bytes, named: str
) -> None:
    path = tmp_path / "input.837"
    path.write_bytes(head * 3)
    with pytest.raises(X12ParseError, match=named):
        validate(path)


def test_an_x222a2_batch_is_validated_against_x222a1_with_a_warning(tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        ("*X*005010X222A1", "*X*005010X222A2"),
        ("ST*837*0001*005010X222A1", "ST*837*0001*005010X222A2"),
    )
    result = validate(path)
    assert result.ok and list(result.findings.counts) == ["SNIP2-VERSION-OTHER"]
    assert any(i.rule_id == "IG-VALIDATOR" for i in validate_file(path).issues)  # pyx12 cannot


def test_st03_and_gs08_must_name_one_guide(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("*X*005010X222A1", "*X*005010X221A1"))
    assert "SNIP2-VERSION" in validate(path).findings.counts


def test_an_837i_is_named_and_not_checked(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("ST*837*0001*005010X222A1", "ST*837*0001*005010X223A2"))
    result = validate(path)
    assert result.sets[0].kind == "" and "SNIP2-GUIDE" in result.findings.counts


def test_an_isa13_the_ledger_sent_is_refused() -> None:
    result = validate(DEMO, sent=lambda number: number == 1)
    assert list(result.findings.counts) == ["SNIP1-ISA13-SENT"]
    assert validate(DEMO, sent=lambda number: number == 2).ok


def test_a_set_with_no_group_is_still_validated(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="ascii")
    lines = [s for s in text.split("~\n") if s and not s.startswith(("GS*", "GE*"))]
    path = tmp_path / "no-gs.837"
    path.write_text("~\n".join(lines) + "~\n", encoding="ascii")
    result = validate(path)
    # and the IEA, which says it closes one group, closes none
    assert sorted(result.findings.counts) == ["SNIP1-GS-MISSING", "SNIP1-IEA01"]
    assert result.sets[0].kind == "837p"


def test_findings_past_the_limit_are_counted_not_kept(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("N3*1 ELM ST", "N3*1 ELM ST*A*B"))
    result = validate(path, keep=0)
    assert result.findings.total == 1 and result.findings.kept == [] and not result.ok


# -- the walk's Not Used rules, on a declaration that has such a segment -------------------------


def test_a_not_used_segment_and_loop_are_reported() -> None:
    spec = declarations.transaction.__wrapped__("837p")  # a fresh copy: the cached one stays
    submitter = next(loop for loop in spec.loops if loop.id == "1000A")
    submitter.segments = tuple(
        attrs.evolve(use, usage="N") if use.id == "PER" else use for use in submitter.segments
    )
    receiver = next(loop for loop in spec.loops if loop.id == "1000B")
    receiver.usage = "N"
    tree = _build("not-used", spec)
    found: list[str] = []

    def emit(rule: Rule, message: str, segment_id: str, loop: str) -> None:
        found.append(rule.id)

    walker = Walker(tree)
    for text in DEMO.read_text(encoding="ascii").split("~\n")[:7]:  # ISA ... NM1*40
        elements = text.split("*")
        if elements[0] == "ISA":
            walker.start_interchange()
        elif elements[0] == "GS":
            walker.start_group()
        else:
            walker.place(tree.signature(elements, ":"), emit)
    assert found == [snip2.SEG_NOT_USED.id, snip2.LOOP_NOT_USED.id]


@pytest.mark.parametrize("path", sorted((FIXTURES / "ack").iterdir()), ids=lambda p: p.name)
def test_the_answer_validate_tells_is_the_one_ack_reads(path: Path) -> None:
    """validate's sentence about an acknowledgment counts what ``edi837 ack`` reads from it."""
    from edi837.ack import AckReader
    from edi837.model.acks import BatchAck, ClaimAck, GroupAck, InterchangeAck, Verdict

    read = list(AckReader(path))
    answers = validate(path).answers

    def rejected(kind: type) -> int:
        return sum(1 for a in read if isinstance(a, kind) and a.verdict is Verdict.REJECTED)

    sets = [s for a in read if isinstance(a, GroupAck) for s in a.sets]
    assert sum(answers.claims.values()) == len([a for a in read if isinstance(a, ClaimAck)])
    assert answers.claims[Verdict.REJECTED] == rejected(ClaimAck)
    assert answers.levels[Verdict.REJECTED] == rejected(BatchAck)
    assert answers.interchanges["R"] == rejected(InterchangeAck)
    assert sum(answers.sets.values()) == len(sets)
    assert answers.sets["R"] == sum(1 for s in sets if s.verdict is Verdict.REJECTED)


def test_a_syntax_note_the_fast_path_leaves_open_is_still_checked(tmp_path: Path) -> None:
    # NM108 and NM109 are both situational in 2010AA: the expression matches NM108 alone, and
    # only the note (P0809) can tell
    path = _variant(tmp_path, ("*****XX*1234567893~", "*****XX~"))
    assert "SNIP1-SYNTAX-PAIRED" in _rules(path)


def test_the_syntax_notes_a_fast_path_match_settles_are_left_out() -> None:
    from edi837.conformance.elements import checker
    from edi837.conformance.tree import SegNode, tree

    def open_notes(loop: str, seg_id: str, delimiters: tuple[str, str, str]) -> list[str]:
        (node,) = (
            n
            for n in tree("837p").nodes
            if isinstance(n, SegNode) and n.loop == loop and n.id == seg_id
        )
        fast, notes = checker(node)._expression(delimiters)
        assert fast is not None
        return [note.text for note, _ in notes]

    # SV103 and SV104 are both required: P0304 holds on any segment the expression matches
    assert open_notes("2000A/2000B/2300/2400", "SV1", ("*", ":", "~")) == []
    assert open_notes("2000A/2010AA", "NM1", ("*", ":", "~")) == ["P0809"]
    # a separator a value may hold: where an element ends cannot be told, so every note stays
    assert open_notes("2000A/2000B/2300/2400", "SV1", ("*", "-", "~")) == ["P0304"]
