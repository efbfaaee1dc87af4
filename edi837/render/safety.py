"""Text from files we did not write, made safe for where it is shown.

- On a terminal: control characters (escape sequences among them) are shown as ``\\xNN``
  escapes, so an 835 cannot move the cursor, change colours or retitle the window.
  :func:`terminal_line` is for one line of output (the ``remit`` table, a warning on stderr):
  it escapes line breaks too, so a value cannot start a line of its own that looks like ours.
- In a CSV a coordinator opens in a spreadsheet: a text cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return would be read as a formula; it gets a leading ``'``
  (the OWASP advice). Amounts are written by the callers as plain numbers, negative ones included,
  and never pass through here.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# a cell starting with one of these characters reads as a formula (a test of its first character
# costs less than str.startswith with a tuple, which parses its arguments each call)
FORMULA_START = "=+-@\t\r"


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def terminal_text(value: str) -> str:
    return _CONTROL.sub(_escaped, value)


def terminal_line(value: str) -> str:
    """One line for a terminal: every control character escaped, line breaks included."""
    return _CONTROL_IN_LINE.sub(_escaped, value)


def csv_text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value[0] in FORMULA_START else value
