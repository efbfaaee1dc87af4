"""Read, price, merge and check a records file: the part that ``check`` and ``build`` share.

The file is read once into a private staging database by member (edi837/ingest/staging.py),
then worked through a group of whole members at a time: parsed, priced, merged and checked by
every rule. Every rule is per member (the TAR list's own rules run once, before the first
group), so the findings are the same whatever the group's size, and memory holds one group,
not the batch: ``build`` groups and writes each group's claims before it reads the next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs

from edi837 import progress
from edi837.ingest.cells import Dates
from edi837.ingest.records import parse_members, stage_records
from edi837.ingest.staging import RecordStage
from edi837.issues import Report
from edi837.model.profile import Profile
from edi837.model.records import ServiceRecord
from edi837.payer.fee_schedule import FeeSchedule, default_schedule
from edi837.payer.lines import BillableLine, merge_lines
from edi837.payer.pricing import PricedRecord, price_record
from edi837.rules.engine import RuleContext, run_rules
from edi837.rules.history import History
from edi837.rules.tars import TarList

# Records per group of members: large enough that the history rules ask the ledger in bulk, small
# enough that a group's objects are a few megabytes. EDI837_GROUP_RECORDS sets another (the tests
# run the suite with groups of one member to show the findings do not depend on it).
GROUP_RECORDS = int(os.environ.get("EDI837_GROUP_RECORDS", "5000"))


@attrs.frozen
class Prepared:
    records: list[ServiceRecord]
    priced: list[PricedRecord]
    lines: list[BillableLine]
    schedule: FeeSchedule
    report: Report


@attrs.frozen
class Group:
    """Some whole members' records, priced, merged into lines and checked."""

    records: list[ServiceRecord]
    lines: list[BillableLine]
    members: int


def fee_schedule_for(profile: Profile) -> FeeSchedule:
    return default_schedule(profile.payer_rules).with_overrides(profile.fee_overrides)


def prepare_groups(
    records_path: Path,
    profile: Profile,
    *,
    as_of: date,
    history: History,
    tars: TarList | None = None,
    report: Report,
    name: str | None = None,
    group_records: int | None = None,
) -> Iterator[Group]:
    """The records, checked a group of members at a time, in member ID order. The file-wide
    findings (a record ID used twice, dates read ambiguously) come once the last group is
    yielded: read it to the end before judging the report."""
    size = group_records or GROUP_RECORDS
    with RecordStage() as stage:
        file = stage_records(records_path, report, stage, name=name)
        # what every group is checked against; a group's context is this one with its lines
        context = RuleContext(
            file=file,
            lines=[],
            schedule=fee_schedule_for(profile),
            policies=profile.policies,
            as_of=as_of,
            history=history,
            tars=tars,
        )
        run_rules(context, report, scope="tars")  # the TAR list's own rules, once
        dates = Dates(file, profile.records.date_format)
        pending: list[ServiceRecord] = []
        members = 0
        with progress.task("checking records", total=stage.count, unit="record") as step:
            for records in parse_members(stage, file, report, dates):
                pending.extend(records)
                members += 1
                if len(pending) >= size:
                    yield _check(pending, members, context, report)
                    step.advance(len(pending))
                    pending, members = [], 0
            if pending:
                yield _check(pending, members, context, report)
                step.advance(len(pending))


def _check(
    records: list[ServiceRecord], members: int, context: RuleContext, report: Report
) -> Group:
    """Some whole members' records priced, merged and checked by every per-member rule."""
    schedule, policies, file = context.schedule, context.policies, context.file
    priced = [p for p in (price_record(r, schedule, policies, report, file) for r in records) if p]
    lines = merge_lines(priced)
    run_rules(attrs.evolve(context, lines=lines), report, scope="member")
    return Group(records, lines, members)


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
    """The whole file prepared and held (a replacement's few records); ``name`` is what
    findings call the records file when it is not its path (``<stdin>``)."""
    report = report if report is not None else Report()
    records: list[ServiceRecord] = []
    lines: list[BillableLine] = []
    for group in prepare_groups(
        records_path,
        profile,
        as_of=as_of,
        history=history,
        tars=tars,
        report=report,
        name=name,
    ):
        records.extend(group.records)
        lines.extend(group.lines)
    # in the file's own order, as a whole file is read
    records.sort(key=lambda record: record.row)
    lines.sort(key=lambda line: line.rows[0])
    priced = sorted((part for line in lines for part in line.parts), key=lambda p: p.record.row)
    return Prepared(records, priced, lines, fee_schedule_for(profile), report)
