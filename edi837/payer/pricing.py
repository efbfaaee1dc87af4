"""Price each service record: its fee schedule entry, units and charge.

Units come from the ``units`` column, or from ``minutes`` for 15-minute codes, or from the span
of a per-diem record, or are 1 (PMPM, once-only codes, and a sobering center stay, which is one
per diem even when it runs past midnight). A blank charge is rate x units; a record whose code
and modifiers the fee schedule does not know is priced at $0.00 and left to ECM-CODE.
Problems that leave a record without a price are errors here; whether a price is *right* (CS-RATE,
ECM-MDT-CHARGE...) is for the rule pack.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from edi837.issues import Location, Report
from edi837.model.profile import Policies
from edi837.model.records import ServiceRecord
from edi837.payer.fee_schedule import Category, FeeEntry, FeeSchedule, UnitBasis
from edi837.payer.units import short_attempt_bills_a_unit, units_from_minutes
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


def _where(record: ServiceRecord, file: str, column: str) -> Location:
    """A pricing finding's cell (made only for a finding: most records have none)."""
    return Location(file=file, row=record.row, column=column, record_id=record.record_id or None)


def price_record(
    record: ServiceRecord,
    schedule: FeeSchedule,
    policies: Policies,
    report: Report,
    file: str,
) -> PricedRecord | None:
    entry = schedule.lookup(record.hcpcs, record.modifiers)
    modifiers = entry.modifiers if entry else record.modifiers
    basis = entry.unit if entry else None

    minutes_units = None
    if record.minutes:
        minimum = short_attempt_bills_a_unit(entry, modifiers, policies.one_unit_minimum)
        minutes_units = units_from_minutes(
            record.minutes, policies.minute_rounding, one_unit_minimum=minimum
        )
    units: Decimal
    if record.units is not None:
        units = record.units
    elif basis is UnitBasis.MINUTES_15:
        if minutes_units is None:
            report.error(
                "INPUT-UNITS",
                f"{record.hcpcs} is billed in 15-minute units: fill minutes or units",
                _where(record, file, "minutes"),
            )
            return None
        if minutes_units == 0:
            report.error(
                "INPUT-UNITS",
                f"{record.minutes} minutes of {'-'.join((record.hcpcs, *modifiers))} make no "
                f"15-minute unit ({policies.minute_rounding.value}); the 1-unit minimum for "
                "under 15 minutes is outreach's ([policies] one_unit_minimum): leave the record "
                "out, or fill units",
                _where(record, file, "minutes"),
            )
            return None
        units = Decimal(minutes_units)
    elif basis is UnitBasis.DAY and record.service_end_date is not None:
        units = Decimal((record.service_end_date - record.service_date).days + 1)
    else:
        units = Decimal(1)

    if record.charge is not None:
        charge = record.charge
    elif entry is None:
        # A combination the fee schedule does not know is ECM-CODE's to report, whatever the
        # charge says: asking for a charge here would send the user to the wrong fix.
        charge = Decimal("0.00")
    elif basis is UnitBasis.AMOUNT:
        report.error(
            "INPUT-CHARGE",
            f"{record.hcpcs}-{'-'.join(modifiers)} is billed by amount: fill the charge column",
            _where(record, file, "charge"),
        )
        return None
    elif entry.rate is None:
        report.error(
            "INPUT-CHARGE",
            f"{entry.key} has no default rate (it is set by contract): fill the charge column, or "
            "set its rate in the profile's [fee_schedule]",
            _where(record, file, "charge"),
        )
        return None
    else:
        product = entry.rate * units
        if product.adjusted() >= LINE_DOLLAR_DIGITS:  # would not fit SV102 (nor be exact)
            report.error(
                "INPUT-CHARGE",
                f"{record.hcpcs} x{units} at its rate comes to more than an 837P line carries "
                f"({LINE_DOLLAR_DIGITS} digits of dollars): check the units and minutes",
                _where(record, file, "units" if record.units is not None else "minutes"),
            )
            return None
        charge = product.quantize(CENT)

    # per-diem days and meal deliveries carry their span (DTP*472 RD8)
    end_date = record.service_end_date if basis in (UnitBasis.DAY, UnitBasis.MEAL) else None
    if end_date == record.service_date:
        end_date = None  # one day is a single date (D8), not a span
    # a stay's end date tells how long it lasted (CS-SOBERING-DIEM); it bills the day it began
    expected_end = basis in (UnitBasis.DAY, UnitBasis.MEAL, UnitBasis.STAY) or (
        entry is not None and entry.pmpm
    )
    if record.service_end_date is not None and end_date is None and not expected_end:
        report.warn(
            "INPUT-END-DATE",
            f"service_end_date is used only for per-diem codes; this {record.hcpcs} line carries "
            "service_date alone",
            _where(record, file, "service_end_date"),
        )
    return PricedRecord(record, entry, modifiers, units, charge, end_date, minutes_units)
