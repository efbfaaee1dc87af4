"""No member data in the messages of the X12 readers, whatever the damage.

A lost segment terminator or element separator puts member data where a segment ID, an amount
or a date should be. The readers used to quote it (``'N M1*QC*1*DOE*JANE****MI' is not a
segment``, ``'JANE' is not a decimal number``); they now describe the value (``4 letters``) and
show it only behind ``--show-phi``. Each case below is a realistic damage of a fixture: the
member values are those the fixture itself carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from edi837 import phi
from edi837.claim837.reader import read_claim_file
from edi837.issues import Issue
from edi837.remit835 import RemittanceReader
from edi837.x12.tokenizer import SegmentReader

from .conftest import FIXTURES

PAID = (FIXTURES / "835" / "paid.835").read_text(encoding="utf-8")
DEMO = (FIXTURES / "golden" / "demo.837").read_text(encoding="utf-8")
# what paid.835 and demo.837 carry about their members
MEMBER_835 = ["TESTMEMBER", "ALPHA", "90000001A"]
MEMBER_837 = ["DOE", "JANE", "90000001A", "19800101", "1 ELM ST", "EUREKA"]


@pytest.fixture(autouse=True)
def masked() -> Iterator[None]:
    phi.set_show(False)
    yield
    phi.set_show(False)


def remit_issues(text: str) -> list[Issue]:
    reader = RemittanceReader(text.encode(), name="paid.835")
    issues: list[Issue] = []
    for event in reader:
        issues.extend(getattr(event, "issues", ()))
    return issues + reader.unattached


def claim_issues(text: str) -> list[Issue]:
    return read_claim_file(text.encode(), name="demo.837").issues


def tokenizer_issues(text: str) -> list[Issue]:
    reader = SegmentReader(text.encode())
    list(reader)
    return list(reader.warnings)


Damage = tuple[str, Callable[[str], list[Issue]], str, str, str, list[str]]
DAMAGES: list[Damage] = [
    # (case, reader, what is replaced, by what, a fragment of the message, member values)
    (
        "a segment ID split by a stray space",
        remit_issues,
        "NM1*QC*1*TESTMEMBER",
        "N M1*QC*1*TESTMEMBER",
        "text that is not a segment",
        MEMBER_835,
    ),
    (
        "a line of a report pasted between segments",
        tokenizer_issues,
        "NM1*QC*1*TESTMEMBER*ALPHA****MI*90000001A~",
        "NM1*QC*1*TESTMEMBER*ALPHA****MI*90000001A~TESTMEMBER, ALPHA 90000001A~",
        "text that is not a segment",
        MEMBER_835,
    ),
    (
        "an element shifted into CLP's amounts",
        remit_issues,
        "CLP*ECM2602-0001*1*400.00*400.00*",
        "CLP*ECM2602-0001*1*TESTMEMBER*ALPHA*",
        "CLP03 (10 letters, hidden",
        MEMBER_835,
    ),
    (
        "a member ID where a date goes",
        remit_issues,
        "DTM*232*20260201",
        "DTM*232*90000001A",
        "DTM02 (9 characters, hidden",
        MEMBER_835,
    ),
    (
        "a name where a status code goes",
        remit_issues,
        "CLP*ECM2602-0001*1*",
        "CLP*ECM2602-0001*ALPHA*",
        "CLP02 (5 letters, hidden",
        MEMBER_835,
    ),
    (
        "a member ID as the SE control number",
        remit_issues,
        "SE*26*0001",
        "SE*26*90000001A",
        "SE02 (9 characters, hidden",
        MEMBER_835,
    ),
    (
        "a member ID as the SE count",
        remit_issues,
        "SE*26*0001",
        "SE*90000001A*0001",
        "SE01 (9 characters, hidden",
        MEMBER_835,
    ),
    (
        "a name as ST01",
        remit_issues,
        "ST*835*0001*005010X221A1~",
        "ST*835*0001*005010X221A1~SE*2*0001~ST*TESTMEMBER*0002~SE*2*0002~",
        "transaction set (10 letters, hidden",
        MEMBER_835,
    ),
    (
        "a birth date that is no date",
        claim_issues,
        "DMG*D8*19800101*F",
        "DMG*D8*1980010*F",
        "DMG02 (7 digits, hidden",
        [*MEMBER_837, "1980010"],
    ),
    (
        "the member's street shifted into CLM02",
        claim_issues,
        "CLM*N00000001*570*",
        "CLM*N00000001*1 ELM ST*",
        "CLM02 (8 characters, hidden",
        MEMBER_837,
    ),
    (
        "the member's city as the line's date",
        claim_issues,
        "DTP*472*D8*20260105",
        "DTP*472*D8*EUREKA",
        "DTP*472 (6 letters, hidden",
        MEMBER_837,
    ),
]


@pytest.mark.parametrize(
    ("reader", "benign", "damaged", "said", "members"),
    [d[1:] for d in DAMAGES],
    ids=[d[0] for d in DAMAGES],
)
def test_a_damaged_segment_is_described_and_its_member_data_hidden(
    reader: Callable[[str], list[Issue]],
    benign: str,
    damaged: str,
    said: str,
    members: list[str],
) -> None:
    source = PAID if reader is not claim_issues else DEMO
    assert benign in source
    text = source.replace(benign, damaged, 1)
    rendered = [issue.render() for issue in reader(text)]
    assert any(said in line for line in rendered), rendered
    leaked = [(value, line) for line in rendered for value in members if value in line]
    assert leaked == []
    phi.set_show(True)  # --show-phi: the value is quoted, for whoever must see it
    shown = "\n".join(issue.render() for issue in reader(text))
    assert any(value in shown for value in members), shown
