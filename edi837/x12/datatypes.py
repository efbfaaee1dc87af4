"""X12 data types, the one codec: how element text becomes a typed value and back.

R (decimal), N0/Nn (number, n implied decimals), DT (date), TM (time), ID (code) and AN (string),
each one object with ``parse`` (text -> value, ``ValueError`` when the text is not of the type)
and ``format`` (value -> text), looked up by type code with :func:`codec`. Money is Decimal
throughout; nothing here ever touches a float. Everything that reads or writes an element's value
goes through here: the writer's per-element formatters (:func:`formatter`, compiled once per
element by :func:`edi837.x12.spec.formatter`) and the readers' typed values.

Reading is strict about the type and lenient about nothing else: the R type has no exponent,
a DT is digits that make a real date. Values repeat a great deal in a file (the same fee, the same
service month), so parsed decimals and 8-digit dates are memoised in small bounded caches,
cleared when full, so memory never grows with the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import attrs

from edi837.errors import SpecError

_CACHE_LIMIT = 4096
# An X12 R value is at most 18 digits (money) with an optional sign and decimal point; anything
# wider is not a value, and refusing it keeps absurd exponents out of Decimal arithmetic.
_MAX_R_WIDTH = 20


class Real:
    """R: optional minus sign, digits, optional decimal point. No exponent, no plus sign."""

    code = "R"

    def __init__(self) -> None:
        self._cache: dict[str, Decimal] = {}
        # ``known(text)`` is the parsed value when ``text`` was read before, else None: a hot
        # loop tries it first and calls ``parse`` (which validates, and may raise) on a miss.
        self.known = self._cache.get

    def parse(self, text: str) -> Decimal:
        value = self._cache.get(text)
        if value is not None:
            return value
        body = text[1:] if text[:1] == "-" else text
        digits = body.replace(".", "", 1)
        if not (digits.isascii() and digits.isdigit()) or len(text) > _MAX_R_WIDTH:
            raise ValueError(f"{text!r} is not a decimal number (R)")
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the checks above admit only valid text
            raise ValueError(f"{text!r} is not a decimal number (R)") from None
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[text] = value
        return value

    @staticmethod
    def format(value: Decimal | int) -> str:
        """No exponent, no trailing zeros after the point, no leading '+'; -0 is 0."""
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError(f"{value} is not a number")
        if value == 0:
            return "0"
        if value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        return format(value.normalize(), "f")

    @staticmethod
    def whole(value: Decimal) -> int | None:
        """An R value that is a whole number (a quantity sent as ``3`` or ``3.0``), as an int;
        None when it has a fraction."""
        return int(value) if value == value.to_integral_value() else None

    @staticmethod
    def length(text: str) -> int:
        """The length X12 counts: digits only (sign and decimal point do not count)."""
        return len(text) - text.startswith("-") - ("." in text)


@attrs.frozen(slots=True)
class Numeric:
    """N0, N2...: digits (with an optional minus sign) and ``decimals`` implied decimal places."""

    decimals: int = 0

    @property
    def code(self) -> str:
        return f"N{self.decimals}"

    def parse(self, text: str) -> Decimal:
        body = text[1:] if text[:1] == "-" else text
        if not (body.isascii() and body.isdigit()):
            raise ValueError(f"{text!r} is not a number ({self.code})")
        return Decimal(int(text)).scaleb(-self.decimals)

    @staticmethod
    def whole(text: str) -> int:
        """An N0 value as an int: control numbers, counts, HL and LX numbers, pointers."""
        body = text[1:] if text[:1] == "-" else text
        if not (body.isascii() and body.isdigit()):
            raise ValueError(f"{text!r} is not a whole number (N0)")
        return int(text)

    @staticmethod
    def count(text: str) -> int:
        """A number that cannot be negative, as an int: control numbers, counts (SE01), HL and
        LX numbers, diagnosis pointers. Digits only."""
        if not N0.digits(text):
            raise ValueError(f"{text!r} is not a count (digits)")
        return int(text)

    @staticmethod
    def digits(text: str, most: int | None = None) -> bool:
        """Whether the text is ASCII digits (at most ``most`` of them, when given): checked before
        int(), which a Unicode digit (``'²'.isdigit()`` is true) or 4,301 digits would make raise."""
        return (most is None or len(text) <= most) and text.isascii() and text.isdigit()

    @staticmethod
    def small(text: str, most: int = 10) -> int | None:
        """A count of at most ``most`` digits (a position, an element or repetition number), or
        None when the text is none."""
        return int(text) if N0.digits(text, most) else None

    @staticmethod
    def says(text: str, counted: int) -> bool:
        """Whether a count as sent (SE01, GE01, IEA01) says ``counted``: compared as digits,
        never through int(), so a count of any length is only wrong, not an error."""
        return N0.digits(text) and (text.lstrip("0") or "0") == str(counted)

    @staticmethod
    def format(value: int, width: int = 1) -> str:
        """An integer (the implied decimals already applied by the caller), zero-padded."""
        return str(value).zfill(width)


class Date:
    """DT: CCYYMMDD, or YYMMDD where the element is 6 long (ISA09, whose century is 20)."""

    code = "DT"

    def __init__(self) -> None:
        self._cache: dict[str, date] = {}
        # ``known(text)``: the date of CCYYMMDD text read before, else None (as ``Real.known``)
        self.known = self._cache.get

    def parse(self, text: str) -> date:
        """CCYYMMDD or YYMMDD."""
        if len(text) == 6:
            return self.parse6(text)
        return self.parse8(text)

    def parse8(self, text: str) -> date:
        """CCYYMMDD only (the form every 5010 transaction uses)."""
        value = self._cache.get(text)
        if value is not None:
            return value
        if len(text) != 8 or not (text.isascii() and text.isdigit()):
            raise ValueError(f"{text!r} is not a CCYYMMDD date")
        value = date(int(text[:4]), int(text[4:6]), int(text[6:]))  # ValueError when impossible
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[text] = value
        return value

    @staticmethod
    def parse6(text: str) -> date:
        if len(text) != 6 or not (text.isascii() and text.isdigit()):
            raise ValueError(f"{text!r} is not a YYMMDD date")
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))

    def parse_range(self, text: str) -> tuple[date, date]:
        """RD8 (a DTP03 date range): CCYYMMDD-CCYYMMDD."""
        start, dash, end = text.partition("-")
        if not dash:
            raise ValueError(f"{text!r} is not a CCYYMMDD-CCYYMMDD range")
        return self.parse(start), self.parse(end)

    @staticmethod
    def format(value: date, length: int = 8) -> str:
        if length == 6:
            return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"

    def format_range(self, start: date, end: date) -> str:
        """RD8 (a DTP03 date range): CCYYMMDD-CCYYMMDD."""
        return f"{self.format(start)}-{self.format(end)}"


class Time:
    """TM: HHMM, optionally followed by seconds (SS) and decimal seconds."""

    code = "TM"

    @staticmethod
    def parse(text: str) -> time:
        if len(text) not in (4, 6, 7, 8) or not (text.isascii() and text.isdigit()):
            raise ValueError(f"{text!r} is not a time (HHMM)")
        seconds = int(text[4:6]) if len(text) >= 6 else 0
        return time(int(text[:2]), int(text[2:4]), seconds)  # ValueError when impossible

    @staticmethod
    def parse_minutes(text: str) -> time:
        """The hour and minute of a TM; seconds, if any, are not read (nor checked)."""
        head = text[:4]
        if len(head) != 4 or not (head.isascii() and head.isdigit()):
            raise ValueError(f"{text!r} is not a time (HHMM)")
        return time(int(head[:2]), int(head[2:]))  # ValueError when impossible

    @staticmethod
    def format(value: time | datetime) -> str:
        return f"{value.hour:02d}{value.minute:02d}"


class Text:
    """ID (a code from a list) and AN (a string): the text is the value."""

    def __init__(self, code: str) -> None:
        self.code = code

    @staticmethod
    def parse(text: str) -> str:
        return text

    @staticmethod
    def format(value: str) -> str:
        return value


R = Real()
N0 = Numeric(0)
DT = Date()
TM = Time()
ID = Text("ID")
AN = Text("AN")


def codec(type_code: str) -> Real | Numeric | Date | Time | Text:
    """The codec of an element type as the dictionary names it (``R``, ``N0``, ``N2``, ``DT``...)."""
    if type_code == "R":
        return R
    if type_code.startswith("N"):
        return N0 if type_code in ("N", "N0") else Numeric(int(type_code[1:]))
    if type_code == "DT":
        return DT
    if type_code == "TM":
        return TM
    return ID if type_code == "ID" else AN


# -- decimals as people read them (messages, our own outputs) ------------------------------------


def plain(value: Decimal, places: int = 0) -> str:
    """A decimal as plain text: no exponent, at least ``places`` decimal places, and any further
    precision the value has kept rather than rounded away (``400.00``, ``1.005``, ``2.5``)."""
    if not value:
        return f"{0:.{places}f}"  # also for "-0", which a sender may write
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: it was read or computed from finite values
    if -exponent <= places:
        return f"{value:.{places}f}"
    return f"{normal:f}"


# -- the writer's per-element formatters -----------------------------------------------------------


@attrs.frozen(slots=True)
class ElementProblem:
    """A value the dictionary refuses for an element (too long, too short), for the caller to
    locate."""

    ref: str
    message: str


Formatter = Callable[[Any, list[ElementProblem]], str]


def formatter(kind: str, low: int, high: int, ref: str, name: str) -> Formatter:
    """A fast formatter for one element: typed value -> text, length checked.

    The codecs above specialised once per element, so that the writer's hot path does no type
    dispatch it can avoid.
    """

    def long_or_short(length: int, problems: list[ElementProblem]) -> None:
        if length > high:
            problems.append(
                ElementProblem(
                    ref, f"{ref} ({name}) is {length} characters; at most {high} allowed"
                )
            )
        elif length < low:
            problems.append(
                ElementProblem(ref, f"{ref} ({name}) is {length} characters; at least {low} needed")
            )

    # The common cases are inlined below (Real.format, Real.length, Date.format): these run once
    # per element written, half a million times for a large batch.
    if kind == "R":
        r_format = R.format

        def fmt_r(value: Any, problems: list[ElementProblem]) -> str:
            if value.__class__ is not Decimal and not isinstance(value, Decimal | int):
                raise SpecError(f"{ref} is a decimal (R): pass Decimal, not {type(value).__name__}")
            text = str(value)
            if "E" in text or "e" in text:
                text = r_format(value)
            elif "." in text:  # trailing zeros go, -0 is 0
                text = text.rstrip("0").rstrip(".") or "0"
                if text == "-0":
                    text = "0"
            length = len(text) - text.startswith("-") - ("." in text)
            if length > high or length < low:
                long_or_short(length, problems)
            return text

        return fmt_r
    if kind.startswith("N"):

        def fmt_n(value: Any, problems: list[ElementProblem]) -> str:
            if value.__class__ is not int:
                raise SpecError(f"{ref} is a number ({kind}): pass int, not {type(value).__name__}")
            text = str(value)
            if len(text) < low:
                text = text.zfill(low)
            if len(text) > high:
                long_or_short(len(text), problems)
            return text

        return fmt_n
    if kind == "DT":
        eight = high != 6

        def fmt_dt(value: Any, problems: list[ElementProblem]) -> str:
            if not isinstance(value, date):
                raise SpecError(f"{ref} is a date (DT): pass date, not {type(value).__name__}")
            if eight:
                return f"{value.year:04d}{value.month:02d}{value.day:02d}"
            return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"

        return fmt_dt
    if kind == "TM":

        def fmt_tm(value: Any, problems: list[ElementProblem]) -> str:
            if not isinstance(value, time | datetime):
                raise SpecError(f"{ref} is a time (TM): pass time, not {type(value).__name__}")
            return f"{value.hour:02d}{value.minute:02d}"

        return fmt_tm

    def fmt_text(value: Any, problems: list[ElementProblem]) -> str:
        if value.__class__ is str:
            text = value
        elif isinstance(value, date):  # DTP03 and its kin are AN: a single date is CCYYMMDD (D8)
            text = f"{value.year:04d}{value.month:02d}{value.day:02d}"
        else:
            raise SpecError(f"{ref} is text ({kind}): pass str, not {type(value).__name__}")
        length = len(text)
        if length > high or length < low:
            long_or_short(length, problems)
        return text

    return fmt_text


# -- free text for AN elements ----------------------------------------------------------------------

# The X12 basic and extended character sets, without the characters we use as delimiters.
_BASIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"&'()+,-./;?="
_EXTENDED = "abcdefghijklmnopqrstuvwxyz%@[]_{}\\|<>#$"
ALLOWED_TEXT = frozenset(_BASIC + _EXTENDED)
_SPACES = re.compile(r"\s+")
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
