"""Place of service codes (the CMS list) and the shapes of HCPCS, taxonomy and NPI."""

from __future__ import annotations

from datetime import date

import pytest

from edi837.codes import pos
from edi837.model.identifiers import (
    hcpcs_is_valid,
    npi_is_valid,
    place_of_service_is_valid,
    taxonomy_is_valid,
)


def test_the_cms_place_of_service_list_has_its_52_codes() -> None:
    codes = pos.places()
    assert len(codes) == 52
    assert pos.place_of_service("12") == pos.PlaceOfService("12", "Home")
    assert pos.place_of_service("04").name == "Homeless Shelter"  # type: ignore[union-attr]
    assert sorted(codes) == sorted(codes, key=int) and all(len(c) == 2 for c in codes)


@pytest.mark.parametrize("code", ["35", "00", "98", "1", "011", "AB"])
def test_unassigned_places_of_service_are_refused(code: str) -> None:
    assert pos.place_of_service(code) is None
    assert not place_of_service_is_valid(code)


def test_outreach_site_street_is_valid_only_from_october_2023() -> None:
    assert not pos.is_valid("27", date(2023, 9, 30))
    assert pos.is_valid("27", date(2023, 10, 1))
    assert pos.is_valid("27") and pos.is_valid("11", date(2022, 10, 1))


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("G9008", True),  # Level II
        ("T2041", True),
        ("H0043", True),
        ("D0120", True),  # CDT, part of Level II
        ("90832", True),  # CPT
        ("3074F", True),  # CPT Category II
        ("0042T", True),  # CPT Category III
        ("0001U", True),  # proprietary laboratory analysis
        ("F1234", False),  # no Level II code starts with F, I, N, O or W-Z
        ("I1234", False),
        ("Z9999", False),
        ("1234A", False),
        ("G900", False),
        ("g9008", False),  # the reader upper-cases; the check itself is exact
    ],
)
def test_hcpcs_shape(code: str, valid: bool) -> None:
    assert hcpcs_is_valid(code) is valid


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("251S00000X", True),
        ("171M00000X", True),
        ("363LF0000X", True),
        ("251S00000", False),
        ("A51S00000X", False),
    ],
)
def test_taxonomy_shape(code: str, valid: bool) -> None:
    assert taxonomy_is_valid(code) is valid


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),
        ("1234567890", False),
        ("123456789", False),
        ("12345678931", False),
        ("123456789A", False),
    ],
)
def test_npi_check_digit(npi: str, valid: bool) -> None:
    assert npi_is_valid(npi) is valid
