"""Billable lines: priced records merged the way the payer wants them (ECM-U8-PER-DAY).

Records for one member, one date, one code and modifier set (and the same end date, TAR, place of
service and rendering provider, so nothing is lost) become one line with the units and charges
added up: the payer asks for the total units per day per code, not one line per attempt.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from edi837.model.records import ServiceRecord
from edi837.payer.fee_schedule import Category, FeeEntry
from edi837.payer.pricing import PricedRecord

MergeKey = tuple[str, date, date | None, str, frozenset[str], str | None, str | None, str | None]


@attrs.frozen(slots=True)
class BillableLine:
    """One line to bill. The fields every rule reads are plain slots, set once by
    :meth:`of` (a batch has 100,000 lines and a dozen rules walk them)."""

    parts: tuple[PricedRecord, ...]  # the records it bills, in row order
    units: Decimal
    charge: Decimal
    record: ServiceRecord
    member_id: str
    procedure: str
    modifiers: tuple[str, ...]
    code_key: str
    entry: FeeEntry | None
    category: Category
    service_date: date
    end_date: date | None
    last_date: date
    tar_number: str | None
    rows: tuple[int, ...]
    diagnoses: tuple[str, ...]

    @classmethod
    def of(cls, parts: tuple[PricedRecord, ...]) -> BillableLine:
        first = parts[0]
        record = first.record
        if len(parts) == 1:
            units, charge, diagnoses = first.units, first.charge, record.diagnosis_codes
        else:
            units = sum((p.units for p in parts), Decimal(0))
            charge = sum((p.charge for p in parts), Decimal(0))
            seen: dict[str, None] = {}
            for part in parts:
                for code in part.record.diagnosis_codes:
                    seen.setdefault(code, None)
            diagnoses = tuple(seen)
        return cls(
            parts=parts,
            units=units,
            charge=charge,
            record=record,
            member_id=record.member_id,
            procedure=record.hcpcs,
            modifiers=first.modifiers,
            code_key=first.code_key,
            entry=first.entry,
            category=first.category,
            service_date=record.service_date,
            end_date=first.end_date,
            last_date=first.end_date or record.service_date,
            tar_number=record.tar_number,
            rows=tuple(p.record.row for p in parts),
            diagnoses=diagnoses,
        )

    @property
    def first(self) -> PricedRecord:
        return self.parts[0]

    @property
    def record_ids(self) -> tuple[str, ...]:
        return tuple(p.record.record_id for p in self.parts if p.record.record_id)


def merge_key(priced: PricedRecord) -> MergeKey:
    r = priced.record
    return (
        r.member_id,
        r.service_date,
        priced.end_date,
        r.hcpcs,
        frozenset(priced.modifiers),
        r.tar_number,
        r.place_of_service,
        r.rendering_npi,
    )


def merge_lines(priced: Iterable[PricedRecord]) -> list[BillableLine]:
    """One line per merge key, in the order of each key's first row."""
    groups: dict[MergeKey, list[PricedRecord]] = {}
    for item in priced:
        key = merge_key(item)
        group = groups.get(key)
        if group is None:
            groups[key] = [item]
        else:
            group.append(item)
    lines = []
    for parts in groups.values():
        if len(parts) > 1:
            parts.sort(key=lambda p: p.record.row)
        lines.append(BillableLine.of(tuple(parts)))
    lines.sort(key=lambda line: line.rows[0])
    return lines
