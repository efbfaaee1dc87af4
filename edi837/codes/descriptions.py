"""Code lists that describe codes, shipped as data in ``segments/codes/<name>.csv``: one loader.

Each file is ``code,description``, one code a row, in our own plain words:

- ``carc``: claim adjustment reason codes (CAS02...), ``rarc``: remittance advice remark codes
  (LQ02, MOA, MIA), ``plb``: provider-level adjustment reasons (PLB03-1);
- ``ik304`` and ``ik403``: the 999's segment and element syntax error codes (a 997's AK304 and
  AK403 use the same numbers);
- the acknowledgments (``edi837 ack``): ``ik5`` (IK501, AK501 and AK901: accepted, rejected...),
  ``ik502`` (IK502..IK506, AK502..: transaction set errors), ``ak905`` (AK905..AK909: functional
  group errors), ``ta104`` and ``ta105`` (TA1), and the 277CA's ``claim-status-category``
  (STC01-1), ``claim-status`` (STC01-2) and ``entity`` (STC01-3, the entity identifier codes);

and, generated from pyx12's maps by tools/gen_segments.py, ``x12-external.toml``: the external
lists the TR3 declarations name for some elements (``codes_from``: states, countries, currencies,
entity identifiers...), read with :func:`external`.

They cover the codes seen in the sample corpus and the common ones; X12 and CMS add codes several
times a year, so an unknown code is never an error: callers show the code alone. To add one,
append a row and run the tests (``tests/test_codes_descriptions.py`` checks the files' shape). Tables load
on first use and stay loaded. :data:`SOURCES` names where each list comes from; the descriptions
are our own plain words, not the publishers' text.
"""

from __future__ import annotations

import csv
from functools import cache

from edi837.errors import SpecError
from edi837.resources import segment_file

CARC, RARC, PLB, IK304, IK403 = "carc", "rarc", "plb", "ik304", "ik403"
IK5, IK502, AK905, TA104, TA105 = "ik5", "ik502", "ak905", "ta104", "ta105"
CLAIM_STATUS_CATEGORY, CLAIM_STATUS, ENTITY = "claim-status-category", "claim-status", "entity"

SOURCES = {
    CARC: "Claim Adjustment Reason Codes, X12 external code source 139 (x12.org/codes)",
    RARC: "Remittance Advice Remark Codes, X12 external code source 411, maintained by CMS",
    PLB: "X12 data element 426, Adjustment Reason Code (835 PLB03-1)",
    IK304: "X12 data element 620, Implementation Segment Syntax Error Code (999 IK304; 997 AK304: 720)",
    IK403: "X12 data element 621, Implementation Data Element Syntax Error Code (999 IK403; 997 AK403: 723)",
    IK5: "X12 data elements 717 and 715, Transaction Set / Functional Group Acknowledgment Code (IK501, AK501, AK901)",
    IK502: "X12 data element 618, Implementation Transaction Set Syntax Error Code (IK502..IK506; 997 AK502..: 718)",
    AK905: "X12 data element 716, Functional Group Syntax Error Code (AK905..AK909)",
    TA104: "X12 data element I17, Interchange Acknowledgment Code (TA104)",
    TA105: "X12 data element I18, Interchange Note Code (TA105)",
    CLAIM_STATUS_CATEGORY: "Claim Status Category Codes, X12 external code source 507 (x12.org/codes)",
    CLAIM_STATUS: "Claim Status Codes, X12 external code source 508 (x12.org/codes)",
    ENTITY: "X12 data element 98, Entity Identifier Code (the common ones in claims)",
}


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


@cache
def _external_lists() -> dict[str, frozenset[str]]:
    import tomllib  # here, not at the top: remit asks for descriptions, never these lists

    path = segment_file("codes/x12-external.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"cannot read {path}: {exc}") from None
    return {name: frozenset(body["codes"]) for name, body in data.items()}


def external(name: str) -> frozenset[str]:
    """An external code list a declaration names (``codes_from = "states"``)."""
    try:
        return _external_lists()[name]
    except KeyError:
        raise SpecError(f"segments/codes/x12-external.toml has no list {name!r}") from None
