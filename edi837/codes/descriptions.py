"""Code lists that describe codes, shipped as data in ``segments/codes/<name>.csv``: one loader.

Each file is ``code,description``, one code a row, in our own plain words:

- ``carc``: claim adjustment reason codes (CAS02...), ``rarc``: remittance advice remark codes
  (LQ02, MOA, MIA), ``plb``: provider-level adjustment reasons (PLB03-1);
- ``ik304`` and ``ik403``: the 999's segment and element syntax error codes.

They cover the codes seen in the sample corpus and the common ones; X12 and CMS add codes several
times a year, so an unknown code is never an error: callers show the code alone. To add one,
append a row and run the tests (``tests/test_codes_descriptions.py`` checks the files' shape). Tables load
on first use and stay loaded.
"""

from __future__ import annotations

import csv
from functools import cache

from edi837.errors import SpecError
from edi837.resources import segment_file

CARC, RARC, PLB, IK304, IK403 = "carc", "rarc", "plb", "ik304", "ik403"


def path_of(name: str) -> str:
    """Where a code list lives, relative to ``segments/``."""
    return f"codes/{name}.csv"


def load_table(name: str) -> dict[str, str]:
    """Read ``segments/codes/<name>.csv`` (refusing a malformed file: it is a bug, not input)."""
    path = segment_file(path_of(name))
    table: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows, None)
            if header != ["code", "description"]:
                raise SpecError(f"{path}: the first row must be 'code,description'")
            for number, row in enumerate(rows, 2):
                if len(row) != 2 or not row[0].strip() or not row[1].strip():
                    raise SpecError(f"{path} row {number}: expected 'code,description'")
                code = row[0].strip()
                if code in table:
                    raise SpecError(f"{path} row {number}: code {code} appears twice")
                table[code] = row[1].strip()
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc}") from None
    return table


@cache
def table(name: str) -> dict[str, str]:
    return load_table(name)


def describe(name: str, code: str) -> str | None:
    """The description of ``code`` in list ``name``, or None when we do not know it."""
    return table(name).get(code.strip())


def carc(code: str) -> str | None:
    """A claim adjustment reason code's description (CAS02, CAS05...)."""
    return describe(CARC, code)


def rarc(code: str) -> str | None:
    """A remittance advice remark code's description."""
    return describe(RARC, code)


def plb(code: str) -> str | None:
    """A provider-level adjustment reason's description (PLB03-1: WO, L6, 72...)."""
    return describe(PLB, code)


def remark(qualifier: str, code: str) -> str | None:
    """A remark's description: RARCs (qualifier HE) only; NCPDP reject codes (RX) are not kept."""
    return rarc(code) if qualifier == "HE" else None
