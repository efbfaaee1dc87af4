"""Read, price, merge and check a records file: the part that ``check`` and ``build`` share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs

from edi837 import progress
from edi837.ingest.records import read_records
from edi837.issues import Report
from edi837.model.profile import Profile
from edi837.model.records import ServiceRecord
from edi837.payer.fee_schedule import FeeSchedule, default_schedule
from edi837.payer.lines import BillableLine, merge_lines
from edi837.payer.pricing import PricedRecord, price_record
from edi837.rules.engine import RuleContext, run_rules
from edi837.rules.history import History
from edi837.rules.tars import TarList


@attrs.frozen
class Prepared:
    records: list[ServiceRecord]
    priced: list[PricedRecord]
    lines: list[BillableLine]
    schedule: FeeSchedule
    report: Report


def fee_schedule_for(profile: Profile) -> FeeSchedule:
    return default_schedule(profile.payer_rules).with_overrides(profile.fee_overrides)


def prepare(
    records_path: Path,
    profile: Profile,
    *,
    as_of: date,
    history: History,
    tars: TarList | None = None,
    report: Report | None = None,
    name: str | None = None,
) -> Prepared:
    """``name`` is what findings call the records file when it is not its path (``<stdin>``)."""
    report = report if report is not None else Report()
    schedule = fee_schedule_for(profile)
    records = read_records(records_path, report, date_format=profile.records.date_format, name=name)
    name = name if name is not None else str(records_path)
    policies = profile.policies
    priced = [
        p
        for p in (
            price_record(r, schedule, policies, report, name)
            for r in progress.track(records, "pricing", unit="record")
        )
        if p is not None
    ]
    lines = merge_lines(priced)
    run_rules(
        RuleContext(
            file=name,
            lines=lines,
            schedule=schedule,
            policies=profile.policies,
            as_of=as_of,
            history=history,
            tars=tars,
        ),
        report,
    )
    return Prepared(records, priced, lines, schedule, report)
