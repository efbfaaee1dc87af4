"""Reading X12 decimal (R) and date (DT) values into Decimal and date.

Both functions raise ``ValueError`` for text that is not a value of their type; the decoder turns
that into a located warning and treats the element as missing. Amounts and dates repeat a great
deal in a remittance (the same fee, the same service month), so parsed values are memoised in
small bounded caches: the cache is cleared when full, so memory never grows with the file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

_CACHE_LIMIT = 4096
_decimals: dict[str, Decimal] = {}
_dates: dict[str, date] = {}

# X12 R values are at most 18 digits (money) with an optional sign and decimal point; anything
# wider is not a value, and refusing it keeps absurd exponents out of Decimal arithmetic.
_MAX_WIDTH = 20


# ``known_decimal(text)`` is the parsed value when ``text`` was read before, else None: a hot loop
# tries it first and calls ``decimal`` (which validates, and may raise) only on a miss.
known_decimal = _decimals.get


def decimal(text: str) -> Decimal:
    """An X12 decimal: optional minus sign, digits, optional decimal point. No exponent."""
    value = _decimals.get(text)
    if value is not None:
        return value
    body = text[1:] if text[:1] == "-" else text
    digits = body.replace(".", "", 1)
    if not (digits.isascii() and digits.isdigit()) or len(text) > _MAX_WIDTH:
        raise ValueError(text)
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the checks above admit only valid text
        raise ValueError(text) from None
    if len(_decimals) >= _CACHE_LIMIT:
        _decimals.clear()
    _decimals[text] = value
    return value


def ccyymmdd(text: str) -> date:
    """An X12 date of 8 digits (CCYYMMDD), the only date format the 835 uses."""
    value = _dates.get(text)
    if value is not None:
        return value
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        raise ValueError(text)
    value = date(int(text[:4]), int(text[4:6]), int(text[6:]))  # ValueError when impossible
    if len(_dates) >= _CACHE_LIMIT:
        _dates.clear()
    _dates[text] = value
    return value


def money_text(value: Decimal) -> str:
    """Amounts as decimal strings with two places (``400.00``, ``-42.58``); more precision than
    cents, when a sender gives it, is kept rather than rounded away."""
    if not value:
        return "0.00"  # also for "-0", which a sender may write
    if value.as_tuple().exponent in (0, -1, -2) or value == value.quantize(Decimal("0.01")):
        return f"{value:.2f}"
    return f"{value.normalize():f}"


def number_text(value: Decimal) -> str:
    """Quantities and rates as plain decimal strings without exponent (``1``, ``2.5``)."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text
