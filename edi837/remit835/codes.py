"""Short descriptions of the external code lists an 835 refers to: CARC and RARC.

The tables live in ``segments/carc.csv``, ``segments/rarc.csv`` and ``segments/plb.csv`` (``code,description``, one
code a row, written in our own plain words). They cover the codes seen in the sample corpus and
the common denials; X12 and CMS add codes several times a year, so an unknown code is never an
error: callers show the code alone. To add one, append a row and run the tests
(``tests/test_remit835_codes.py`` checks the files' shape).
"""

from __future__ import annotations

import csv
from functools import cache

from edi837.errors import SpecError
from edi837.resources import segment_file

CARC_FILE = "carc.csv"
RARC_FILE = "rarc.csv"
PLB_FILE = "plb.csv"  # provider-level adjustment reasons (PLB03-1): a code list of their own


def load_table(name: str) -> dict[str, str]:
    path = segment_file(name)
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
def carc_table() -> dict[str, str]:
    return load_table(CARC_FILE)


@cache
def rarc_table() -> dict[str, str]:
    return load_table(RARC_FILE)


@cache
def plb_table() -> dict[str, str]:
    return load_table(PLB_FILE)


def plb(code: str) -> str | None:
    """The description of a provider-level adjustment reason (PLB03-1: WO, L6, 72...)."""
    return plb_table().get(code.strip())


def carc(code: str) -> str | None:
    """The description of a claim adjustment reason code, or None when we do not know it."""
    return carc_table().get(code.strip())


def rarc(code: str) -> str | None:
    """The description of a remittance advice remark code, or None when we do not know it."""
    return rarc_table().get(code.strip())


def remark(qualifier: str, code: str) -> str | None:
    """A remark's description: RARCs (qualifier HE) only; NCPDP reject codes (RX) are not kept."""
    return rarc(code) if qualifier == "HE" else None
