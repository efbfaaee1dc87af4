"""The columns of a service records file: which are required, which hold member data."""

from __future__ import annotations

import re

REQUIRED = (
    "member_id",
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "service_date",
    "hcpcs",
    "diagnosis_codes",
)
OPTIONAL = (
    "record_id",
    "modifiers",
    "minutes",
    "units",
    "charge",
    "service_end_date",
    "tar_number",
    "enrollment_date",
    "member_address1",
    "member_address2",
    "member_city",
    "member_state",
    "member_zip",
    "place_of_service",
    "rendering_npi",
    "rendering_last_name",
    "rendering_first_name",
    "member_present",
    "other_coverage",
)
COLUMNS = REQUIRED + OPTIONAL
PHI_COLUMNS = frozenset(
    {
        "member_id",
        "member_last_name",
        "member_first_name",
        "member_dob",
        "member_address1",
        "member_address2",
        "member_city",
        "member_zip",
    }
)
ADDRESS_COLUMNS = ("member_address1", "member_city", "member_state", "member_zip")


def normalize_header(name: str) -> str:
    """Header names are case-insensitive; spaces and hyphens count as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())
