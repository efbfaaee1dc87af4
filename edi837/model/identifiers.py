"""Format checks for the identifiers a claim carries (NPI, EIN, ICD-10, HCPCS, ZIP, taxonomy).

This is the one home of each identifier's *shape*. Whether a code is in its code set for a date
of service (ICD-10-CM billable, CMS place of service) is data, in :mod:`edi837.codes`.
"""

from __future__ import annotations

import re

from edi837.codes import icd10cm, pos

_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z]([0-9A-Z]{1,4})?$")
# HCPCS Level II: a letter CMS uses (no F, I, N, O, W-Z) and 4 digits. Level I (CPT): 5 digits,
# or 4 digits and F (Category II), T (Category III), U (PLA) or M (multianalyte assays).
_HCPCS = re.compile(r"^([A-EGHJ-MP-V][0-9]{4}|[0-9]{4}[0-9FMTU])$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_TAXONOMY = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
_ZIP = re.compile(r"^[0-9]{5}([0-9]{4})?$")
_STATE = re.compile(r"^[A-Z]{2}$")


def npi_is_valid(npi: str) -> bool:
    """10 digits whose last is the Luhn check digit computed with the 80840 prefix."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return (10 - total % 10) % 10 == int(npi[9])


def normalize_icd10(code: str) -> str:
    return icd10cm.normalize(code)  # one rule for the code set and the input


def icd10_is_valid(code: str) -> bool:
    """The shape of an ICD-10-CM code without its dot (A00-Z99, 3 to 7 characters)."""
    return bool(_ICD10.match(code))


def hcpcs_is_valid(code: str) -> bool:
    """A HCPCS Level II code (letter + 4 digits) or a CPT code (see _HCPCS)."""
    return bool(_HCPCS.match(code))


def modifier_is_valid(modifier: str) -> bool:
    return bool(_MODIFIER.match(modifier))


def taxonomy_is_valid(code: str) -> bool:
    """The NUCC shape: 3 digits, 6 letters or digits, and X (e.g. 251S00000X)."""
    return bool(_TAXONOMY.match(code))


def zip_is_valid(code: str) -> bool:
    return bool(_ZIP.match(code))


def state_is_valid(code: str) -> bool:
    return bool(_STATE.match(code))


def place_of_service_is_valid(code: str) -> bool:
    """A code CMS has assigned (the list in segments/codes/place-of-service.toml)."""
    return pos.is_valid(code)


def normalize_zip(code: str) -> str:
    return code.strip().replace("-", "").replace(" ", "")
