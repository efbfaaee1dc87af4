"""An adjustment is written (and hashed into its payment's identity) as the 835 spelled it.

``CAS*CO*45*45`` and ``CAS*CO*45*45.00`` carry equal Decimals, which are equal dictionary keys:
the cache of adjustment texts must not answer one with the other's spelling, or a payment's
content hash (its identity when TRN02 is absent) would depend on what was imported before it.
"""

from __future__ import annotations

import json
from decimal import Decimal

from edi837.ledger.remittances import _adjustments
from edi837.model.remittance import Adjustment


def _amounts(text: str) -> list[str]:
    return [item[2] for item in json.loads(text)]


def test_equal_amounts_spelt_differently_keep_their_own_spelling() -> None:
    spellings = ("45", "45.00", "45.0", "-0", "0.00")
    for first in spellings:
        for second in spellings:
            _adjustments((Adjustment("CO", "45", Decimal(first)),))
            again = _adjustments((Adjustment("CO", "45", Decimal(second)),))
            assert _amounts(again) == [second], (first, second)


def test_quantities_keep_their_own_spelling_too() -> None:
    _adjustments((Adjustment("CO", "45", Decimal("5.00"), Decimal("1")),))
    text = _adjustments((Adjustment("CO", "45", Decimal("5.00"), Decimal("1.0")),))
    assert json.loads(text) == [["CO", "45", "5.00", "1.0"]]
