"""Run every registered rule over a batch of billable lines and collect the findings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from edi837.issues import Location, Report, Severity
from edi837.model.profile import Policies
from edi837.payer.fee_schedule import FeeSchedule
from edi837.payer.lines import BillableLine
from edi837.payer.pricing import PricedRecord
from edi837.rules.history import History
from edi837.rules.registry import all_rules, get
from edi837.rules.tars import TarList


@attrs.frozen
class RuleContext:
    file: str
    lines: list[BillableLine]
    schedule: FeeSchedule
    policies: Policies
    as_of: date
    history: History
    tars: TarList | None = None
    # lines per procedure code, so a rule about T2033 never walks the whole batch
    by_procedure: dict[str, list[BillableLine]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, list[BillableLine]] = {}
        for line in self.lines:
            index.setdefault(line.procedure, []).append(line)
        object.__setattr__(self, "by_procedure", index)

    def lines_of(self, procedures: Iterable[str]) -> list[BillableLine]:
        return [line for code in procedures for line in self.by_procedure.get(code, ())]


class Findings:
    """What the rules found, as located issues in the report."""

    def __init__(self, report: Report, file: str, policies: Policies) -> None:
        self.report = report
        self.file = file
        self.policies = policies

    def severity(self, rule_id: str) -> Severity:
        """The rule's own severity, or the one its declared [policies] setting holds."""
        rule = get(rule_id)
        if rule.severity_setting:
            return Severity(getattr(self.policies, rule.severity_setting))
        return rule.severity

    def add(
        self,
        rule_id: str,
        where: BillableLine | PricedRecord | Location,
        message: str,
    ) -> None:
        if isinstance(where, (BillableLine, PricedRecord)):
            record = where.record
            location = Location(file=self.file, row=record.row, record_id=record.record_id or None)
        else:
            location = where
        rule = get(rule_id)
        self.report.add(rule_id, self.severity(rule_id), f"{message}. {rule.advice}", location)


def run_rules(context: RuleContext, report: Report, *, scope: str | None = None) -> None:
    """Every rule of ``scope`` ("member": over the context's lines; "tars": the TAR list; None:
    both) on the context."""
    findings = Findings(report, context.file, context.policies)
    for rule in all_rules():
        if rule.check is not None and scope in (None, rule.scope):
            rule.check(context, findings)
