"""Price each service record: its fee schedule entry, units and charge.

Units come from the ``units`` column, or from ``minutes`` for 15-minute codes, or from the span
of a per-diem record, or are 1 (PMPM and once-only codes). A blank charge is rate x units.
Problems that leave a record without a price are errors here; whether a price is *right* (CS-RATE,
ECM-MDT-CHARGE...) is for the rule pack.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from edi837.issues import Location, Report
from edi837.model.profile import MinuteRounding
from edi837.model.records import ServiceRecord
from edi837.payer.fee_schedule import Category, FeeEntry, FeeSchedule, UnitBasis
from edi837.payer.units import units_from_minutes
from edi837.x12 import spec

CENT = Decimal("0.01")
# dollars a line's charge can carry: SV102 counts the cents among its digits
LINE_DOLLAR_DIGITS = spec.segment("SV1").element("SV102").max - 2


@attrs.frozen(slots=True)
class PricedRecord:
    record: ServiceRecord
    entry: FeeEntry | None  # None: the code + modifier combination is not in the fee schedule
    modifiers: tuple[str, ...]  # in the fee schedule's order where the entry is known
    units: Decimal
    charge: Decimal
    end_date: date | None  # kept for per-diem codes only (DTP*472 RD8)
    minutes_units: int | None = None  # units the minutes column alone would give
    category: Category = attrs.field(init=False)
    code_key: str = attrs.field(init=False)  # "G9008-U1-GQ"

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "category", self.entry.category if self.entry else Category.OTHER)
        object.__setattr__(self, "code_key", "-".join((self.record.hcpcs, *self.modifiers)))


def price_record(
    record: ServiceRecord,
    schedule: FeeSchedule,
    rounding: MinuteRounding,
    report: Report,
    file: str,
) -> PricedRecord | None:
    entry = schedule.lookup(record.hcpcs, record.modifiers)
    where = Location(file=file, row=record.row, record_id=record.record_id or None)
    modifiers = entry.modifiers if entry else record.modifiers
    basis = entry.unit if entry else None

    minutes_units = units_from_minutes(record.minutes, rounding) if record.minutes else None
    units: Decimal
    if record.units is not None:
        units = record.units
    elif basis is UnitBasis.MINUTES_15:
        if minutes_units is None:
            report.error(
                "INPUT-UNITS",
                f"{record.hcpcs} is billed in 15-minute units: fill minutes or units",
                attrs.evolve(where, column="minutes"),
            )
            return None
        units = Decimal(minutes_units)
    elif basis is UnitBasis.DAY and record.service_end_date is not None:
        units = Decimal((record.service_end_date - record.service_date).days + 1)
    else:
        units = Decimal(1)

    if record.charge is not None:
        charge = record.charge
    elif basis is UnitBasis.AMOUNT:
        report.error(
            "INPUT-CHARGE",
            f"{record.hcpcs}-{'-'.join(modifiers)} is billed by amount: fill the charge column",
            attrs.evolve(where, column="charge"),
        )
        return None
    elif entry is None or entry.rate is None:
        what = (
            "is not in the fee schedule"
            if entry is None
            else "has no default rate (it is set by contract)"
        )
        report.error(
            "INPUT-CHARGE",
            f"{'-'.join((record.hcpcs, *modifiers))} {what}: fill the charge column, or set its rate "
            "in the profile's [fee_schedule]",
            attrs.evolve(where, column="charge"),
        )
        return None
    else:
        product = entry.rate * units
        if product.adjusted() >= LINE_DOLLAR_DIGITS:  # would not fit SV102 (nor be exact)
            report.error(
                "INPUT-CHARGE",
                f"{record.hcpcs} x{units} at its rate comes to more than an 837P line carries "
                f"({LINE_DOLLAR_DIGITS} digits of dollars): check the units and minutes",
                attrs.evolve(where, column="units" if record.units is not None else "minutes"),
            )
            return None
        charge = product.quantize(CENT)

    end_date = record.service_end_date if basis is UnitBasis.DAY else None
    if end_date == record.service_date:
        end_date = None  # a one-day stay is a single date (D8), not a span
    if record.service_end_date is not None and end_date is None and not (entry and entry.pmpm):
        report.warn(
            "INPUT-END-DATE",
            f"service_end_date is used only for per-diem codes; this {record.hcpcs} line carries "
            "service_date alone",
            attrs.evolve(where, column="service_end_date"),
        )
    return PricedRecord(record, entry, modifiers, units, charge, end_date, minutes_units)
