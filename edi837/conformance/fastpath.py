"""A regular expression per segment use that matches only segments the element pass would
find nothing wrong with: the common case, checked by the ``re`` engine in one call.

It is built from the same declarations as the element pass (:mod:`.elements`), and it is
*conservative*: a segment it matches has no element finding, but a segment it does not match
may well be fine (a date on the 29th, a decimal with no leading digit, a value with trailing
spaces the rules allow); those take the full pass, which decides. What it cannot say it leaves
out: a segment use with a pattern the TR3 gives (REF02 SSNs), a date format other than D8 or
RD8, a code list too long to spell out, or a numeric minimum above one, gets no expression, and
every such segment takes the full pass. The X12 syntax notes are checked apart, since an
expression cannot count which elements are present.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

# pyx12's extended character set (5010), which AN and ID values are held to, less the space
_CHARACTERS = "A-Za-z0-9!\"&'()*+,\\-./:;?=%~@\\[\\]_{}\\\\|<>^`#$"
MAX_CODES = 300  # a longer list is checked by the full pass
_DATE8 = r"(?:1[89]|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])"
_DATE6 = r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])"
_TIMES = {
    4: r"(?:[01][0-9]|2[0-3])[0-5][0-9]",
    6: r"(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]",
    7: r"(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9][0-9]",
    8: r"(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9][0-9]{2}",
}


class Unfit(Exception):
    """This segment use gets no expression: the full pass checks all its segments."""


class Spec(Protocol):
    """What the expression needs of one element or component (the element pass's Element)."""

    usage: str
    type: str
    low: int
    high: int
    codes: frozenset[str]
    external: frozenset[str] | None
    pattern: re.Pattern[str] | None
    data_element: str

    @property
    def components(self) -> Sequence[Spec]: ...


def _text(low: int, high: int, charset: str) -> str:
    """AN / ID: the character set, ``low`` to ``high`` long, not ending in a space."""
    if low < 1 or high < low:
        raise Unfit
    return f"[{charset} ]{{{low - 1},{high - 1}}}[{charset}]"


def _value(spec: Spec, charset: str, formats: frozenset[str] = frozenset()) -> str:
    """A non-empty value of this element that the element pass accepts."""
    kind, low, high = spec.type, spec.low, spec.high
    if spec.pattern is not None:
        raise Unfit
    if formats:  # a date whose format another element names (DTP03 after DTP02, DMG02...)
        if formats <= {"D8"}:
            date = _DATE8
        elif formats <= {"D8", "RD8"}:
            date = f"{_DATE8}(?:-{_DATE8})?" if "D8" in formats else f"{_DATE8}-{_DATE8}"
        else:
            raise Unfit
        base = date
    elif kind in ("AN", "ID"):
        base = _text(low, high, charset)
    elif kind == "R":
        if low > 1:
            raise Unfit
        base = rf"(?=[-.0-9]{{1,{high}}}(?![-.0-9]))-?[0-9]+(?:\.[0-9]+)?"
    elif kind.startswith("N"):
        base = rf"-?[0-9]{{{max(low, 1)},{high}}}"
    elif kind == "DT":
        if (low, high) == (8, 8):
            base = _DATE8
        elif (low, high) == (6, 6):
            base = _DATE6
        else:
            raise Unfit
    elif kind == "TM":
        lengths = [n for n in _TIMES if low <= n <= high]
        if not lengths:
            raise Unfit
        base = "(?:" + "|".join(_TIMES[n] for n in reversed(lengths)) + ")"
    else:
        raise Unfit
    if spec.codes or spec.external is not None:
        allowed = set(spec.codes) | (spec.external or set())
        if len(allowed) > MAX_CODES:
            raise Unfit
        fitting = sorted(
            (code for code in allowed if re.fullmatch(base, code)), key=lambda c: (-len(c), c)
        )
        if not fitting:
            raise Unfit
        return "(?:" + "|".join(re.escape(code) for code in fitting) + ")"
    return base


def _optional_tail(pieces: list[str], required: int, separator: str) -> str:
    """``pieces[0]`` sep ``pieces[1]`` ...: the first ``required`` always there, the rest each
    optional from the end (X12 drops trailing empty elements)."""
    head = "".join(f"{separator}{part}" for part in pieces[:required])
    tail = ""
    for part in reversed(pieces[required:]):
        tail = f"(?:{separator}{part}{tail})?"
    return head + tail


def _slot(spec: Spec, value: str) -> str:
    """An element's place: its value, empty too when it may be empty, nothing when Not Used."""
    if spec.usage == "N":
        return ""
    if spec.usage == "R":
        return value
    return f"(?:{value})?"


def _composite(spec: Spec, charset: str, separator: str) -> str:
    if spec.usage == "N":
        return ""
    components = list(spec.components)
    pieces = [_slot(c, _value(c, charset)) for c in components]
    last_required = max((n + 1 for n, c in enumerate(components) if c.usage == "R"), default=1)
    if components and components[0].usage != "R":
        raise Unfit  # its presence could not be told from an empty composite
    body = pieces[0] + _optional_tail(pieces[1:], last_required - 1, re.escape(separator))
    return body if spec.usage == "R" else f"(?:{body})?"


def expression(
    seg_id: str,
    children: Sequence[Spec],
    element: str,
    component: str,
    terminator: str,
    dtp: bool,
) -> re.Pattern[str] | None:
    """The expression for one segment use in one interchange's delimiters, or None."""
    excluded = {element, component, terminator}
    charset = "".join(c for c in _expand(_CHARACTERS) if c not in excluded)
    charset = re.escape(charset).replace("\\ ", "")
    try:
        if dtp:
            return _dtp(children, charset, element)
        parts: list[str] = []
        formats: set[str] = set()
        for child in children:
            if child.components:
                parts.append(_composite(child, charset, component))
                continue
            if child.data_element == "1251" and formats:
                parts.append(_slot(child, _value(child, charset, frozenset(formats))))
                continue
            if child.data_element == "1250":
                formats |= set(child.codes)
            parts.append(_slot(child, _value(child, charset)))
    except Unfit:
        return None
    required = max((n + 1 for n, c in enumerate(children) if c.usage == "R"), default=0)
    body = _optional_tail(parts, required, re.escape(element))
    return re.compile(re.escape(seg_id) + body)


def _dtp(children: Sequence[Spec], charset: str, element: str) -> re.Pattern[str]:
    """DTP: DTP03 is a date of the very format DTP02 says (D8 or RD8), so the two go together."""
    if len(children) != 3 or any(c.usage != "R" or c.components for c in children):
        raise Unfit
    qualifier, kind, _text_element = children
    if not kind.codes or kind.codes - {"D8", "RD8"}:
        raise Unfit
    sep = re.escape(element)
    dates = {"D8": _DATE8, "RD8": f"{_DATE8}-{_DATE8}"}
    pairs = "|".join(f"{code}{sep}{dates[code]}" for code in sorted(kind.codes))
    return re.compile(f"DTP{sep}{_value(qualifier, charset)}{sep}(?:{pairs})")


def _expand(ranges: str) -> str:
    """The characters of a regex character-class body (ranges spelled out)."""
    return "".join(ch for ch in map(chr, range(32, 127)) if re.fullmatch(f"[{ranges}]", ch))
