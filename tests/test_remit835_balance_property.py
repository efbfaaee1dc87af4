"""The decoder's line and claim balance warnings are exactly what the model-level rules say.

The decoder does not call :func:`edi837.remit835.balance.unaccounted` for every line and claim:
while nothing is adjusted it compares charge with paid, and it adds no line that has no
adjustment to the claim's sum. Here random claims (amounts of any scale, zero and negative
adjustments, lines with and without CAS) are read, and each warning is compared with
``line_difference`` / ``claim_difference`` of the claims as read.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edi837.model.remittance import ClaimPayment
from edi837.remit835 import read_remittances
from edi837.remit835.balance import claim_difference, line_difference
from edi837.x12.datatypes import plain

HEAD = (
    "ISA*00*          *00*          *ZZ*PARTNERSHIP    *ZZ*ECMPROVIDER    *260301*0900*^*00501"
    "*000000110*0*T*:~GS*HP*PARTNERSHIP*ECMPROVIDER*20260301*0900*110*X*005010X221A1~"
    "ST*835*0001*005010X221A1~BPR*I*0*C*ACH*CCP*01*121000248*DA*4000123456*1946000001**01"
    "*122000661*DA*0001234567*20260303~TRN*1*EFT1*1946000001~N1*PR*PAYER~N1*PE*PROVIDER*XX"
    "*1234567893~LX*1~"
)
# amounts as senders write them: whole, cents, many places, negative, zero in several spellings
AMOUNT = st.one_of(
    st.sampled_from(["0", "0.00", "-0", "10", "10.00", "10.0", "5.5", "4.50"]),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2).map(str),
    st.decimals(min_value=-(10**17), max_value=10**17, allow_nan=False, places=0).map(str),
    st.sampled_from(["0.0000000001", "99999999999999999", "-0.01", "123456789.123456789"]),
)
CAS = st.lists(st.tuples(st.sampled_from(["45", "197", "2"]), AMOUNT), max_size=3)
LINE = st.tuples(AMOUNT, AMOUNT, CAS)
CLAIM = st.tuples(AMOUNT, AMOUNT, CAS, st.lists(LINE, max_size=3))


def _cas(adjustments: list[tuple[str, str]]) -> str:
    return "".join(f"CAS*CO*{reason}*{amount}~" for reason, amount in adjustments)


def _file(claims: list[tuple[str, str, list[tuple[str, str]], list]]) -> tuple[bytes, int]:
    body = []
    for n, (charge, paid, cas, lines) in enumerate(claims):
        body.append(f"CLP*C{n}*1*{charge}*{paid}**MC*P{n}*11*1~{_cas(cas)}")
        for m, (line_charge, line_paid, line_cas) in enumerate(lines):
            body.append(
                f"SVC*HC:G9008*{line_charge}*{line_paid}**1~DTM*472*20260201~"
                f"{_cas(line_cas)}REF*6R*C{n}-{m}~"
            )
    text = HEAD + "".join(body)
    count = text[text.index("ST*") :].count("~") + 1
    text += f"SE*{count}*0001~GE*1*110~IEA*1*000000110~"
    return text.encode(), len(claims)


@settings(max_examples=300, deadline=None)
@given(st.lists(CLAIM, min_size=1, max_size=4))
def test_balance_warnings_are_the_model_rules(claims: list) -> None:
    data, expected = _file(claims)
    events = list(read_remittances(data))
    payments = [e for e in events if isinstance(e, ClaimPayment)]
    assert len(payments) == expected
    issues = events[-1].issues  # type: ignore[union-attr]
    found = sorted(
        (issue.location.segment, issue.rule_id, issue.message.rpartition("; ")[2])
        for issue in issues
        if issue.rule_id in ("IG-835-BALANCE-LINE", "IG-835-BALANCE-CLAIM")
    )
    wanted = []
    for payment in payments:
        difference = claim_difference(payment)
        if difference is not None:
            wanted.append(
                (
                    payment.position,
                    "IG-835-BALANCE-CLAIM",
                    f"{plain(difference, 2)} unaccounted for",
                )
            )
        for line in payment.lines:
            difference = line_difference(line)
            if difference is not None:
                wanted.append(
                    (
                        line.position,
                        "IG-835-BALANCE-LINE",
                        f"{plain(difference, 2)} unaccounted for",
                    )
                )
    assert found == sorted(wanted)
