"""Amounts and counts as people type them in a spreadsheet, read exactly or refused.

Accepted: plain decimals (``400``, ``400.5``, ``.50``), a leading ``$``, and thousands
separators in valid groups only (``$1,234.50``). Refused, each with what to write instead:
a decimal comma (``400,00`` would otherwise be 40,000), commas out of place (``4,0,0``),
scientific notation (``1e5``, ``1E+999999``), signs, and values longer than the 837P element
that carries them (so a hostile value is a finding, never an overflow later).
"""

from __future__ import annotations

import re
from decimal import Decimal

from edi837 import phi
from edi837.ingest import limits

CENT = Decimal("0.01")
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")


def _shape(column: str, raw: str, *, money: bool, digits: int) -> tuple[str | None, str | None]:
    """(``raw`` as plain digits and point, None) or (None, why it is not such a number)."""
    text = raw.strip()
    if money and text.startswith("$"):
        text = text[1:].lstrip()
    if text.startswith(("-", "$-")):
        return None, f"{column} must not be negative ({phi.quoted(raw)} given)"
    if not _NUMBER.fullmatch(text):
        if _DECIMAL_COMMA.fullmatch(text):
            whole, cents = text.split(",")
            return None, (
                f"{column} {phi.quoted(raw)} has a decimal comma: write {whole}.{cents.ljust(2, '0')} "
                "(a comma may only separate groups of 3 digits)"
            )
        example = "1234.50 or $1,234.50" if money else "12 or 1,200"
        return None, f"{column} {phi.quoted(raw)} is not a number: write it like {example}"
    plain = text.replace(",", "")
    whole = plain.partition(".")[0].lstrip("0")
    if len(whole) > digits:
        return (
            None,
            f"{column} {phi.quoted(raw)} is too large: an 837P carries at most {digits} digits",
        )
    return plain, None


def amount(column: str, raw: str) -> tuple[Decimal | None, str | None]:
    """A charge in dollars and cents: (the value to the cent, None) or (None, the problem)."""
    # SV102 counts the cents among its digits
    text, problem = _shape(column, raw, money=True, digits=limits.AMOUNT_DIGITS - 2)
    if text is None:
        return None, problem
    value = Decimal(text)
    cents = value.quantize(CENT)
    if cents != value:  # 400.10 and 400.1000 are fine; 400.105 is not
        return None, f"{column} {phi.quoted(raw)} has more than 2 decimal places"
    return cents, None


def whole_number(column: str, raw: str, *, digits: int) -> tuple[Decimal | None, str | None]:
    """A count (units, minutes): more than zero, whole, at most ``digits`` digits long."""
    text, problem = _shape(column, raw, money=False, digits=digits)
    if text is None:
        return None, problem
    value = Decimal(text)
    if value != value.to_integral_value():
        return None, f"{column} must be a whole number ({phi.quoted(raw)} given)"
    if value == 0:
        return None, f"{column} must be more than zero ({phi.quoted(raw)} given)"
    return value.quantize(Decimal(1)), None
