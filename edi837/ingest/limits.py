"""How long or how large an input value may be, read from the segment dictionary.

The writer checks every element against ``segments/elements.toml``; reading the same limits
here means the records and profile readers refuse exactly what the 837P could not carry, and
say so at the cell or key, instead of the build failing later at a segment.
"""

from __future__ import annotations

from edi837.x12 import spec


def _max(segment: str, ref: str) -> int:
    return spec.segment(segment).element(ref).max


def _repeats(segment: str, ref: str, name: str) -> int:
    """How many components of a composite carry ``name`` (e.g. SV101's procedure modifiers)."""
    return sum(1 for c in spec.segment(segment).element(ref).components if c.name == name)


LAST_NAME = _max("NM1", "NM103")  # a person's last name, or an organization's name
FIRST_NAME = _max("NM1", "NM104")
MEMBER_ID = _max("NM1", "NM109")
ADDRESS_LINE = _max("N3", "N301")
CITY = _max("N4", "N401")
REFERENCE = _max("REF", "REF02")  # a reference: the TAR (REF*G1), a line's own ID (REF*6R)
ISA_ID = _max("ISA", "ISA06")
MODIFIERS = _repeats("SV1", "SV101", "Procedure Modifier")
DIAGNOSIS_POINTERS = _repeats("SV1", "SV107", "Diagnosis Code Pointer")
# R elements count digits, not the sign or the decimal point
QUANTITY_DIGITS = _max("SV1", "SV104")  # units on a line
AMOUNT_DIGITS = _max("SV1", "SV102")  # a line's charge, cents included
