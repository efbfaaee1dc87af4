"""Masking of protected health information (member names, IDs, birth dates) in output.

Console output and logs mask by default; ``edi837 --show-phi`` (or EDI837_SHOW_PHI=1) turns
masking off for one run. Files meant for the payer (the 837P itself) are never masked.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date

_show: ContextVar[bool] = ContextVar("edi837_show_phi", default=False)


def set_show(flag: bool) -> None:
    _show.set(flag)


def showing() -> bool:
    return _show.get()


def member_id(value: str | None) -> str:
    """A member ID with all but its last two characters hidden: ``*******7A``."""
    if not value:
        return ""
    if showing():
        return value
    keep = 2 if len(value) > 4 else 0
    return "*" * (len(value) - keep) + value[len(value) - keep :]


def name(value: str | None) -> str:
    """A name reduced to its initial: ``D***``."""
    if not value:
        return ""
    if showing():
        return value
    return value[0] + "***"


def birth_date(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if showing():
        return value.isoformat() if isinstance(value, date) else value
    return "****-**-**"


HIDDEN = "(hidden: rerun with --show-phi to see it)"
QUOTE_LIMIT = 40  # characters of an input value a message quotes; the rest is counted, not shown


def value(text: str | None, *, sensitive: bool) -> str:
    """A raw input value for an error message: hidden when it is PHI and masking is on."""
    if text is None:
        return ""
    if sensitive and not showing():
        return HIDDEN
    return text


def quoted(text: str, *, sensitive: bool = False, limit: int = QUOTE_LIMIT) -> str:
    """An input value as a message quotes it: in quotes, hidden when it is PHI, and cut short.

    A damaged file can put a whole file's worth of other rows into one cell (an open quote in
    a CSV); quoting only the start of a value keeps those rows, and their member data, out of
    the message. Control characters are escaped (repr), so a message cannot drive a terminal.
    """
    if sensitive and not showing():
        return f"'{HIDDEN}'"
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


CODE_WIDTH = (
    4  # a code this short identifies nobody, and is shown: 2 characters, or up to 4 with a digit
)


def described(text: str, *, limit: int = 20) -> str:
    """A value from a file someone else wrote that a message must mention (an amount that is not
    a number, a code not of its list, text where a segment should be).

    A damaged segment shifts member data into any element (a name read as CLP03, a member ID
    as a date), so the value is described, not shown, unless masking is off or it is no longer
    than a code: ``(8 digits, hidden: rerun with --show-phi to see it)``. Shown, it is quoted as
    :func:`quoted` quotes it (cut short, control characters escaped).
    """
    if showing() or _code_like(text):
        return quoted(text, limit=limit)
    return f"({_shape(text)}, {HIDDEN[1:-1]})"


def _code_like(text: str) -> bool:
    """Shaped like a code (CLP02 ``19``, CAS01 ``CO``, a status ``562``, a RARC ``N54``), too
    short to be a name, a member ID or a date: 2 letters or digits, or up to 4 with a digit."""
    if not (text.isascii() and text.isalnum()) or len(text) > CODE_WIDTH:
        return False
    return len(text) <= 2 or any(ch.isdigit() for ch in text)


def _shape(text: str) -> str:
    count = f"{len(text):,}"
    if text.isascii() and text.isdigit():
        return f"{count} digit" + ("s" if len(text) != 1 else "")
    if text.isalpha():
        return f"{count} letter" + ("s" if len(text) != 1 else "")
    return f"{count} character" + ("s" if len(text) != 1 else "")
