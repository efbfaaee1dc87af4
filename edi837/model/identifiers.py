"""Format checks for the identifiers a claim carries (NPI, EIN, ICD-10, HCPCS, ZIP, taxonomy)."""

from __future__ import annotations

import re

_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z]([0-9A-Z]{1,4})?$")
_HCPCS = re.compile(r"^([A-V][0-9]{4}|[0-9]{4}[0-9A-Z])$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_TAXONOMY = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
_ZIP = re.compile(r"^[0-9]{5}([0-9]{4})?$")
_STATE = re.compile(r"^[A-Z]{2}$")
_POS = re.compile(r"^[0-9]{2}$")


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
    return code.strip().upper().replace(".", "")


def icd10_is_valid(code: str) -> bool:
    """The shape of an ICD-10-CM code without its dot (A00-Z99, 3 to 7 characters)."""
    return bool(_ICD10.match(code))


def hcpcs_is_valid(code: str) -> bool:
    """A HCPCS Level II code (letter + 4 digits) or a CPT code (5 characters)."""
    return bool(_HCPCS.match(code))


def modifier_is_valid(modifier: str) -> bool:
    return bool(_MODIFIER.match(modifier))


def taxonomy_is_valid(code: str) -> bool:
    return bool(_TAXONOMY.match(code))


def zip_is_valid(code: str) -> bool:
    return bool(_ZIP.match(code))


def state_is_valid(code: str) -> bool:
    return bool(_STATE.match(code))


def place_of_service_is_valid(code: str) -> bool:
    return bool(_POS.match(code))


def normalize_zip(code: str) -> str:
    return code.strip().replace("-", "").replace(" ", "")
