"""Small value types shared by the outbound and inbound models."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import attrs


class Sex(StrEnum):
    """DMG03 administrative sex codes."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class Usage(StrEnum):
    """ISA15: T while the provider is in the payer's EDI enrollment testing, P in production."""

    TEST = "T"
    PRODUCTION = "P"


class Frequency(StrEnum):
    """CLM05-3 claim frequency type code."""

    ORIGINAL = "1"
    REPLACEMENT = "7"
    VOID = "8"


def non_negative(instance: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    """attrs validator: money and units on a claim we send are never negative."""
    if value < 0:
        raise ValueError(f"{attribute.name} cannot be negative ({value})")


@attrs.frozen(slots=True)
class Address:
    line1: str
    city: str
    state: str
    zip: str
    line2: str = ""


@attrs.frozen(slots=True)
class Contact:
    name: str
    phone: str = ""
    email: str = ""
