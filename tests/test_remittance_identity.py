"""A payment's identity (``remittances.content_sha256``) hashes each claim's canonical JSON: the
import spells it out by hand (``_claim_identity``), and must give json.dumps's bytes exactly, or
a payment recorded before would not be known again. Checked on every claim of every 835 fixture
(and on the bench's 835), amounts with and without cents, missing amounts, quotes and non-ASCII
text in the references."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from bench.bench_reconcile import prepare
from edi837.ledger.remittances import _adjustments, _canonical, _claim_identity
from edi837.model.remittance import ClaimPayment
from edi837.remit835 import read_remittances

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted({*ROOT.glob("fixtures/**/*.835"), *ROOT.glob("tests/**/*.835")})


def _by_json(pcn: str, claim: ClaimPayment) -> bytes:
    """The identity as it was first written: json.dumps of the parts."""

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return _canonical(
        pcn,
        str(claim.status),
        text(claim.charge),
        text(claim.paid),
        claim.payer_claim_number,
        [
            (
                s.line_control_number,
                s.procedure.render(),
                text(s.charge),
                text(s.paid),
                _adjustments(s.adjustments),
            )
            for s in claim.lines
        ],
        _adjustments(claim.adjustments),
    )


def _by_hand(pcn: str, claim: ClaimPayment) -> bytes:
    texts = tuple(_adjustments(s.adjustments) for s in claim.lines)
    return _claim_identity(pcn, claim, texts, _adjustments(claim.adjustments))


def _claims(path: Path) -> list[ClaimPayment]:
    return [e for e in read_remittances(path) if isinstance(e, ClaimPayment)]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_each_claims_identity_is_json_dumps_bytes(path: Path) -> None:
    claims = _claims(path)
    for claim in claims:
        pcn = claim.patient_control_number.strip()
        assert _by_hand(pcn, claim) == _by_json(pcn, claim)


def test_odd_values_are_spelled_as_json_dumps_spells_them(tmp_path: Path) -> None:
    _ledger, remittance, _answered = prepare(tmp_path, 40)
    claims = _claims(remittance)
    assert claims
    odd = ['"quoted"', "back\\slash", "caf\u00e9", "tab\there", ""]
    for index, claim in enumerate(claims):
        lines = tuple(
            attrs.evolve(s, charge=None, line_control_number=odd[(index + n) % len(odd)])
            if n % 2
            else attrs.evolve(s, paid=Decimal("-1.5E+3"))
            for n, s in enumerate(claim.lines)
        )
        changed = attrs.evolve(
            claim, payer_claim_number=odd[index % len(odd)], paid=None, lines=lines
        )
        for pcn in (claim.patient_control_number, odd[index % len(odd)]):
            assert _by_hand(pcn, changed) == _by_json(pcn, changed)
        assert _by_hand(claim.patient_control_number, claim) == _by_json(
            claim.patient_control_number, claim
        )
