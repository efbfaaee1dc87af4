"""X12 data types: how typed values become element text and back.

R (decimal), N0 (integer), DT (date), TM (time), ID (code) and AN (string). Money is Decimal
throughout; nothing here ever touches a float.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# The X12 basic and extended character sets, without the characters we use as delimiters.
_BASIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"&'()+,-./;?="
_EXTENDED = "abcdefghijklmnopqrstuvwxyz%@[]_{}\\|<>#$"
ALLOWED_TEXT = frozenset(_BASIC + _EXTENDED)
_SPACES = re.compile(r"\s+")


def format_decimal(value: Decimal) -> str:
    """R type: no exponent, no trailing zeros after the point, no leading '+'."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a number")
    if value == 0:
        return "0"
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def parse_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(f"{text!r} is not a decimal number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a decimal number")
    return value


def format_date(value: date, length: int = 8) -> str:
    return value.strftime("%Y%m%d" if length == 8 else "%y%m%d")


def format_date_range(start: date, end: date) -> str:
    """RD8: CCYYMMDD-CCYYMMDD."""
    return f"{format_date(start)}-{format_date(end)}"


def parse_date(text: str) -> date:
    """CCYYMMDD, or YYMMDD as in ISA09 (the century is 20)."""
    if len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if len(text) == 6 and text.isdigit():
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    raise ValueError(f"{text!r} is not a CCYYMMDD date")


_PLAIN = re.compile(
    r"^[A-Za-z0-9!\"&'()+,\-./;?=%@\[\]_{}\\|<>#$]+( [A-Za-z0-9!\"&'()+,\-./;?=%@\[\]_{}\\|<>#$]+)*$"
)


@lru_cache(maxsize=65536)
def clean_text(value: str, *, upper: bool = True) -> str:
    """Make free text (names, addresses) safe for an AN element.

    Accents are folded (José -> JOSE), characters outside the X12 character sets become spaces,
    and runs of spaces collapse. Payers read names in capitals, so they are upper-cased. Cached:
    a month of records repeats each member's name and address on every row.
    """
    if _PLAIN.match(value):  # the common case: nothing to fold, drop or collapse
        return value.upper() if upper else value
    folded = unicodedata.normalize("NFKD", value)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    if upper:
        folded = folded.upper()
    safe = "".join(ch if ch in ALLOWED_TEXT else " " for ch in folded)
    return _SPACES.sub(" ", safe).strip()
