"""How amounts and quantities look to people: the one place that decides it for every renderer.

The payer's own files carry X12 text (:mod:`edi837.x12.datatypes`); what edi837 shows or writes
for people (the remittance table, its CSV, JSON and XML, the build summary) goes through here.
"""

from __future__ import annotations

from decimal import Decimal
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
    return None if value is None else plain(value, 2)


@overload
def number(value: Decimal) -> str: ...
@overload
def number(value: None) -> None: ...
@overload
def number(value: Decimal | None) -> str | None: ...


def number(value: Decimal | None) -> str | None:
    """A quantity or rate as a plain decimal without exponent (``1``, ``2.5``); None stays
    None."""
    return None if value is None else plain(value, 0)


def dollars(value: Decimal) -> str:
    """An amount in a sentence for a coordinator: ``$1,234.00``."""
    return f"${value:,.2f}"
