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

MergeKey = tuple[str, date, date | None, str, tuple[str, ...], str | None, str | None, str | None]


@attrs.frozen(slots=True)
class BillableLine:
    parts: tuple[PricedRecord, ...]  # the records it bills, in row order
    units: Decimal
    charge: Decimal

    @property
    def first(self) -> PricedRecord:
        return self.parts[0]

    @property
    def record(self) -> ServiceRecord:
        return self.parts[0].record

    @property
    def member_id(self) -> str:
        return self.parts[0].record.member_id

    @property
    def procedure(self) -> str:
        return self.parts[0].record.hcpcs

    @property
    def modifiers(self) -> tuple[str, ...]:
        return self.parts[0].modifiers

    @property
    def code_key(self) -> str:
        return self.parts[0].code_key

    @property
    def entry(self) -> FeeEntry | None:
        return self.parts[0].entry

    @property
    def category(self) -> Category:
        return self.parts[0].category

    @property
    def service_date(self) -> date:
        return self.parts[0].record.service_date

    @property
    def end_date(self) -> date | None:
        return self.parts[0].end_date

    @property
    def last_date(self) -> date:
        return self.end_date or self.service_date

    @property
    def tar_number(self) -> str | None:
        return self.parts[0].record.tar_number

    @property
    def rows(self) -> tuple[int, ...]:
        return tuple(p.record.row for p in self.parts)

    @property
    def record_ids(self) -> tuple[str, ...]:
        return tuple(p.record.record_id for p in self.parts if p.record.record_id)

    @property
    def diagnoses(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for part in self.parts:
            for code in part.record.diagnosis_codes:
                seen.setdefault(code, None)
        return tuple(seen)


def merge_key(priced: PricedRecord) -> MergeKey:
    r = priced.record
    return (
        r.member_id,
        r.service_date,
        priced.end_date,
        r.hcpcs,
        tuple(sorted(priced.modifiers)),
        r.tar_number,
        r.place_of_service,
        r.rendering_npi,
    )


def merge_lines(priced: Iterable[PricedRecord]) -> list[BillableLine]:
    """One line per merge key, in the order of each key's first row."""
    groups: dict[MergeKey, list[PricedRecord]] = {}
    for item in priced:
        groups.setdefault(merge_key(item), []).append(item)
    lines = []
    for parts in groups.values():
        parts.sort(key=lambda p: p.record.row)
        if len(parts) == 1:
            only = parts[0]
            lines.append(BillableLine((only,), only.units, only.charge))
        else:
            lines.append(
                BillableLine(
                    tuple(parts),
                    sum((p.units for p in parts), Decimal(0)),
                    sum((p.charge for p in parts), Decimal(0)),
                )
            )
    lines.sort(key=lambda line: line.parts[0].record.row)
    return lines
