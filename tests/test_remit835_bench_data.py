"""The benchmark's synthetic remittance is a clean one: balanced, no warnings, every claim read.

A benchmark over a file full of warnings would measure the warning path, not the reader.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bench.bench_remit import baseline, generate, read
from edi837.remit835 import read_advice


def test_the_generated_835_is_balanced_and_read_without_warnings(tmp_path: Path) -> None:
    path = tmp_path / "bench.835"
    generate(path, 1200)
    (payment,) = read_advice(path)
    assert payment.issues == ()
    assert payment.totals.claim_count == 1200
    assert payment.header.payment_amount == payment.totals.expected_payment
    assert {c.status for c in payment.claims} == {"1", "4"}  # paid, partly paid and denied
    lines = [line for claim in payment.claims for line in claim.lines]
    assert len(lines) > 1200 and all(line.line_control_number for line in lines)
    assert [claim.header.number for claim in payment.claims[999:1001]] == ["1", "2"]
    seconds, claims, warnings, paid = read(path)
    assert (claims, warnings, paid) == (1200, 0, payment.totals.total_paid)
    assert baseline(path)[1] == path.read_text(encoding="ascii").count("~") + 1
    assert paid > Decimal(0) and seconds > 0
