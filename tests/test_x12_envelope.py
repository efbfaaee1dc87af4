from __future__ import annotations

import pytest

from edi837.errors import X12ParseError
from edi837.issues import Issue, IssueList
from edi837.x12.envelope import walk_envelopes
from edi837.x12.tokenizer import SegmentReader

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250115*1200*^*00501*000000101*0*T*:~"
GOOD = (
    ISA
    + "GS*HC*S*R*20250115*1200*101*X*005010X222A1~ST*837*0001~BHT*0019~SE*3*0001~GE*1*101~IEA*1*000000101~"
)


def walk(text: str) -> list[Issue]:
    issues = IssueList()
    for _ in walk_envelopes(SegmentReader(text.encode()), issues):
        pass
    return issues


def test_a_good_envelope_has_no_issues() -> None:
    assert walk(GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("SE*3*0001", "SE*4*0001", "X12-SE-COUNT"),
        ("SE*3*0001", "SE*3*0002", "X12-SE-CONTROL"),
        ("GE*1*101", "GE*2*101", "X12-GE-COUNT"),
        ("GE*1*101", "GE*1*102", "X12-GE-CONTROL"),
        ("IEA*1*000000101", "IEA*2*000000101", "X12-IEA-COUNT"),
        ("IEA*1*000000101", "IEA*1*000000102", "X12-IEA-CONTROL"),
    ],
)
def test_wrong_counts_are_warnings_with_positions(old: str, new: str, rule: str) -> None:
    issues = walk(GOOD.replace(old, new))
    assert [i.rule_id for i in issues] == [rule]
    assert issues[0].location.segment is not None


@pytest.mark.parametrize(
    ("cut", "fragment"),
    [
        ("SE*3*0001~GE*1*101~IEA*1*000000101~", "without its SE"),
        ("IEA*1*000000101~", "without the IEA"),
        ("GE*1*101~IEA*1*000000101~", "GE and IEA"),
    ],
)
def test_a_truncated_file_is_fatal(cut: str, fragment: str) -> None:
    with pytest.raises(X12ParseError) as caught:
        walk(GOOD.replace(cut, ""))
    assert fragment in str(caught.value)
    assert caught.value.position is not None
