"""How amounts and quantities look to people: the one place that decides it for every renderer.

The payer's own files carry X12 text (:mod:`edi837.x12.datatypes`); what edi837 shows or writes
for people (the remittance table, its CSV, JSON and XML, the build summary) goes through here.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import overload

from edi837.x12.datatypes import plain


@overload
def money(value: Decimal) -> str: ...
@overload
def money(value: None) -> None: ...
@overload
def money(value: Decimal | None) -> str | None: ...


def money(value: Decimal | None) -> str | None:
    """An amount with two places (``400.00``, ``-42.58``); more precision than cents, when a
    sender gives it, is kept rather than rounded away. None (no amount) stays None."""
    return None if value is None else _two_places(value)


@overload
def number(value: Decimal) -> str: ...
@overload
def number(value: None) -> None: ...
@overload
def number(value: Decimal | None) -> str | None: ...


def number(value: Decimal | None) -> str | None:
    """A quantity or rate as a plain decimal without exponent (``1``, ``2.5``); None stays
    None."""
    return None if value is None else _plain(value)


# An 835's amounts repeat (fee-schedule rates, their sums), and formatting one costs a normalize
# and a format; the text depends only on the value (equal Decimals hash alike and read the same,
# 400.0 and 400.00 both "400.00"), so a bounded cache is safe and keeps memory flat.
@lru_cache(maxsize=4096)
def _two_places(value: Decimal) -> str:
    return plain(value, 2)


@lru_cache(maxsize=4096)
def _plain(value: Decimal) -> str:
    return plain(value, 0)


def dollars(value: Decimal) -> str:
    """An amount in a sentence for a coordinator: ``$1,234.00``."""
    return f"${value:,.2f}"
