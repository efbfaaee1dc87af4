"""A claim's and a line's repeated segments all come out, in file order.

The decoder keeps a claim's NM1 and DTM, and a line's DTM and AMT, as a one-value tuple until a
second one comes (most claims and lines have one); these hold what it makes of two and more.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from edi837.model.remittance import ClaimPayment
from edi837.remit835 import read_remittances

from .test_remit835_balance_property import HEAD


def _claim(body: str) -> ClaimPayment:
    text = HEAD + body
    count = text[text.index("ST*") :].count("~") + 1
    text += f"SE*{count}*0001~GE*1*110~IEA*1*000000110~"
    (claim,) = (e for e in read_remittances(text.encode()) if isinstance(e, ClaimPayment))
    return claim


def test_repeated_parties_dates_and_amounts_keep_their_order() -> None:
    claim = _claim(
        "CLP*C1*1*10*10**MC*P1*11*1~NM1*QC*1*ONE~NM1*74*1*TWO~NM1*82*1*THREE~"
        "DTM*232*20260101~DTM*233*20260102~"
        "SVC*HC:G9008*10*10**1~DTM*472*20260103~DTM*150*20260104~DTM*151*20260105~"
        "AMT*B6*10~AMT*KH*1~AMT*B6*10~"
        "SVC*HC:G9008*0*0**1~DTM*472*20260106~AMT*B6*0~"
    )
    assert [p.role for p in claim.parties] == ["QC", "74", "82"]
    assert [(d.qualifier, d.date) for d in claim.dates] == [
        ("232", date(2026, 1, 1)),
        ("233", date(2026, 1, 2)),
    ]
    first, second = claim.lines
    assert [d.date.day for d in first.dates if d.date] == [3, 4, 5]
    assert [(a.qualifier, a.value) for a in first.amounts] == [
        ("B6", Decimal(10)),
        ("KH", Decimal(1)),
        ("B6", Decimal(10)),
    ]
    assert [(d.qualifier, d.date) for d in second.dates] == [("472", date(2026, 1, 6))]
    assert [a.value for a in second.amounts] == [Decimal(0)]


def test_a_line_without_dates_or_amounts_has_none() -> None:
    claim = _claim("CLP*C1*1*10*10**MC*P1*11*1~SVC*HC:G9008*10*10**1~")
    assert claim.parties == () and claim.dates == ()
    assert claim.lines[0].dates == () and claim.lines[0].amounts == ()
