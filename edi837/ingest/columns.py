"""The columns of a service records file: their names, the other names billing exports give
them, which are required, which hold member data, and how a header row is read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

import attrs

from edi837.ingest import limits
from edi837.ingest.suggest import closest

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

# Names billing exports and spreadsheets give the columns (after normalize_header). Each is
# listed in docs/input-format.md; a header that uses one reads exactly as the column's own name.
ALIASES: dict[str, tuple[str, ...]] = {
    "record_id": ("record", "record_number", "row_id", "service_id", "encounter_id"),
    "member_id": (
        "cin",
        "member_cin",
        "medi_cal_id",
        "medi_cal_cin",
        "medi_cal_number",
        "member_number",
        "subscriber_id",
    ),
    "member_last_name": ("last_name", "member_last", "patient_last_name"),
    "member_first_name": ("first_name", "member_first", "patient_first_name"),
    "member_dob": ("dob", "date_of_birth", "birth_date", "birthdate", "member_date_of_birth"),
    "member_sex": ("sex", "gender", "member_gender"),
    "service_date": (
        "dos",
        "date_of_service",
        "service_from_date",
        "service_start_date",
        "from_date",
        "dos_from",
    ),
    "service_end_date": (
        "dos_to",
        "service_to_date",
        "service_through_date",
        "to_date",
        "thru_date",
        "through_date",
    ),
    "hcpcs": (
        "cpt",
        "cpt_code",
        "hcpcs_code",
        "cpt_hcpcs",
        "hcpcs_cpt",
        "cpt_hcpcs_code",
        "hcpcs_cpt_code",
        "procedure_code",
        "proc_code",
        "service_code",
    ),
    "modifiers": ("modifier", "mods", "procedure_modifiers"),
    "diagnosis_codes": (
        "diagnosis",
        "diagnoses",
        "diagnosis_code",
        "dx",
        "dx_code",
        "dx_codes",
        "icd_10",
        "icd10",
        "icd_10_codes",
        "icd10_codes",
    ),
    "minutes": ("mins", "duration", "duration_minutes", "time_minutes"),
    "units": ("unit", "qty", "quantity", "service_units", "units_billed", "billed_units"),
    "charge": (
        "charges",
        "amount",
        "charge_amount",
        "billed_amount",
        "billed_charge",
        "total_charge",
    ),
    "tar_number": (
        "tar",
        "tar_no",
        "tar_id",
        "auth",
        "auth_number",
        "authorization_number",
        "prior_authorization",
    ),
    "enrollment_date": ("ecm_enrollment_date", "enrollment_start_date"),
    "member_address1": (
        "address",
        "address1",
        "address_1",
        "address_line_1",
        "street_address",
        "member_address",
        "member_address_1",
    ),
    "member_address2": ("address2", "address_2", "address_line_2", "member_address_2"),
    "member_city": ("city",),
    "member_state": ("state",),
    "member_zip": ("zip", "zip_code", "zipcode", "postal_code", "member_zip_code"),
    "place_of_service": ("pos", "pos_code", "place_of_service_code"),
    "rendering_npi": ("rendering_provider_npi",),
    "rendering_last_name": ("rendering_provider_last_name",),
    "rendering_first_name": ("rendering_provider_first_name",),
    "member_present": ("present",),
    "other_coverage": ("other_insurance", "other_health_coverage", "ohc"),
}
# Exports that give each modifier or diagnosis its own column (Modifier 1..4, Dx 1..4): the
# numbered columns are read together, in order, as one list, up to what a service line carries.
NUMBERED: dict[str, tuple[re.Pattern[str], int, str]] = {
    "modifiers": (re.compile(r"(?:modifier|mod)_?(\d+)"), limits.MODIFIERS, " "),
    "diagnosis_codes": (
        re.compile(r"(?:diagnosis|diagnosis_code|dx|dx_code|icd_?10|icd_?10_code)_?(\d+)"),
        limits.DIAGNOSIS_POINTERS,
        ";",
    ),
}
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize_header(name: str) -> str:
    """Header names are case-insensitive; spaces, hyphens and other punctuation count as one
    underscore (``Member ID`` = ``member_id``, ``TAR #`` = ``tar``)."""
    return _NON_WORD.sub("_", name.strip().lower()).strip("_")


@attrs.frozen
class Vocabulary:
    """The columns one kind of file has: their names and aliases, the required ones, and the
    numbered columns read together as one list."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    numbered: dict[str, tuple[re.Pattern[str], int, str]] = attrs.field(factory=dict)
    names: dict[str, str] = attrs.field(init=False)

    @names.default
    def _names(self) -> dict[str, str]:
        return {name: name for name in self.columns} | {
            alias: column for column, spelled in self.aliases.items() for alias in spelled
        }

    def column_for(self, name: str) -> str | None:
        """The column a normalized header name means, or None for one edi837 does not read."""
        column = self.names.get(name)
        if column is not None:
            return column
        for target, (pattern, most, _) in self.numbered.items():
            numbered = pattern.fullmatch(name)
            if numbered and 1 <= int(numbered[1]) <= most:
                return target
        return None


RECORDS = Vocabulary(COLUMNS, REQUIRED, ALIASES, NUMBERED)


@attrs.frozen
class Header:
    """A header row, read: the column each position feeds (None: ignored), what was wrong with
    it (problems that stop the file; notes that only warn), and how to turn a row into cells."""

    columns: tuple[str | None, ...]
    problems: tuple[str, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()  # (the name as written, a warning)
    separators: dict[str, str] = attrs.field(factory=dict)  # numbered columns -> their joiner

    def cells(self, values: Sequence[str]) -> dict[str, str]:
        """One row's values by column; numbered modifier/diagnosis columns joined in order."""
        if not self.separators:
            read: dict[str | None, str] = dict(zip(self.columns, values, strict=False))
            read.pop(None, None)  # the columns edi837 does not read
            return cast(dict[str, str], read)
        out: dict[str, str] = {}
        for column, value in zip(self.columns, values, strict=False):
            if column is None:
                continue
            earlier = out.get(column)
            if earlier is None:
                out[column] = value
            elif value:
                out[column] = f"{earlier}{self.separators[column]}{value}" if earlier else value
        return out


def read_header(given: Sequence[str], vocabulary: Vocabulary = RECORDS) -> Header:
    """Read a header row: aliases resolved, every problem found at once.

    A name edi837 does not read is only a warning (exports carry extra columns), unless it looks
    like a column the header lacks ("modifers" without "modifiers"): then that column's values
    would be lost without a word, and every finding after it would mislead, so it is a problem
    that stops the file, with "did you mean".
    """
    names = [normalize_header(g) for g in given]
    columns = [vocabulary.column_for(n) if n else None for n in names]
    present = {c for c in columns if c is not None}
    by_column: dict[str, list[str]] = {}
    for raw, column in zip(given, columns, strict=True):
        if column is not None:
            by_column.setdefault(column, []).append(raw.strip())
    problems: list[str] = []
    separators: dict[str, str] = {}
    for column, spelled in by_column.items():
        if len(spelled) == 1:
            continue
        if column in vocabulary.numbered:
            separators[column] = vocabulary.numbered[column][2]
            continue
        listed = " and ".join(_quote(s) for s in spelled)
        problems.append(f"the header has {listed}, which all mean {column}: keep one")
    lost: set[str] = set()
    notes: list[tuple[str, str]] = []
    for raw, name, column in zip(given, names, columns, strict=True):
        if column is not None or not name:
            continue
        target = closest(name, vocabulary.names) if len(name) <= 60 else None
        meant = vocabulary.names[target] if target else None
        if meant is not None and meant not in present:
            lost.add(meant)
            problems.append(
                f"column {_quote(raw)} is not one edi837 reads: did you mean {meant}? "
                "(as it is, its values would be lost)"
            )
        elif meant is not None:
            notes.append(
                (
                    raw,
                    f"column {_quote(raw)} is not one edi837 reads ({meant} is there); it is ignored",
                )
            )
        else:
            notes.append((raw, f"column {_quote(raw)} is not one edi837 reads; it is ignored"))
    missing = [c for c in vocabulary.required if c not in present and c not in lost]
    if missing:
        problems.append(f"the required column(s) {', '.join(missing)} are missing")
    return Header(tuple(columns), tuple(problems), tuple(notes), separators)


def _quote(name: str) -> str:
    return repr(name.strip()[:60])
