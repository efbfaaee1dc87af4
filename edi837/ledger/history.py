"""The ledger's answer to the rules' history questions (see edi837.rules.history)."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date
from decimal import Decimal

from edi837.ledger.store import Ledger
from edi837.rules.history import PastLine, SentOn

# What counts as billed, as SQL over ``lines l``: the lifecycle's answer cached on each line by
# edi837.ledger.events.refresh (live: its claim counts; denied: finally denied), of the same
# usage. Parameters: test (1 or 0), denied lines count (1 or 0). Every question the ledger
# answers about "already billed" uses it: the history rules, the duplicate check and the
# records-file check (edi837.ledger.submissions.records_built).
COUNTS_AS_BILLED = "l.live = 1 AND l.test = ? AND (l.denied = 0 OR ?)"


def billed_parameters(*, test: bool, denied_lines_count: bool) -> tuple[int, int]:
    return (1 if test else 0, 1 if denied_lines_count else 0)


class LedgerHistory:
    """Bulk look-ups: the batch's members go into a temporary table, joined on the
    (member_id, procedure, service_date) index: one indexed probe per member and code, never a
    scan of the whole ledger per record."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        test: bool = False,
        denied_lines_count: bool = False,
        excluded_claims: Collection[str] = (),
    ) -> None:
        self.ledger = ledger
        # What counts as billed is the lifecycle's answer (edi837/lifecycle), cached on each line
        # by edi837.ledger.events.refresh: a production build sees production lines, a test build
        # (ISA15=T) earlier test lines only.
        self.test = test
        self.denied_lines_count = denied_lines_count
        # a replacement is checked without the lines of the claim it replaces
        self.excluded_claims = tuple(sorted(set(excluded_claims)))
        self._loaded: frozenset[str] | None = None

    def _members(self, member_ids: Collection[str]) -> None:
        wanted = frozenset(member_ids)
        if wanted == self._loaded:
            return
        db = self.ledger.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS history_members (member_id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM history_members")
        db.executemany("INSERT INTO history_members VALUES (?)", [(m,) for m in sorted(wanted)])
        self._loaded = wanted

    def lines(
        self,
        member_ids: Collection[str],
        procedures: Collection[str],
        start: date | None = None,
        end: date | None = None,
        *,
        spans_reaching: date | None = None,
    ) -> list[PastLine]:
        if not member_ids or not procedures:
            return []
        self._members(member_ids)
        codes = sorted(set(procedures))
        # a history repeats a few dates, amounts and modifier sets: parse each once
        days: dict[str, date] = {}
        amounts: dict[str, Decimal] = {}
        modifier_sets: dict[str, tuple[str, ...]] = {}
        out = []
        for row in self.ledger.db.execute(
            self.query(len(codes), spans=spans_reaching is not None),
            self.parameters(codes, start, end, spans_reaching=spans_reaching),
        ):
            service, last, units, charge, mods = row[3], row[4], row[5], row[6], row[2]
            out.append(
                PastLine(
                    member_id=row[0],
                    procedure=row[1],
                    modifiers=modifier_sets.get(mods)
                    or modifier_sets.setdefault(mods, tuple(mods.split())),
                    service_date=days.get(service)
                    or days.setdefault(service, date.fromisoformat(service)),
                    end_date=(days.get(last) or days.setdefault(last, date.fromisoformat(last)))
                    if last
                    else None,
                    units=amounts.get(units) or amounts.setdefault(units, Decimal(units)),
                    charge=amounts.get(charge) or amounts.setdefault(charge, Decimal(charge)),
                    tar_number=row[7],
                    claim_id=row[8],
                    line_id=row[9],
                    expected_unpaid=row[10],
                )
            )
        return out

    def sent(self, claim_ids: Collection[str]) -> dict[str, SentOn]:
        if not claim_ids:
            return {}
        return {
            str(row[0]): SentOn(int(row[1]), date.fromisoformat(str(row[2])[:10]))
            for row in self.ledger.db.execute(
                "SELECT c.claim_id, c.batch_id, b.created_at FROM claims c "
                "JOIN batches b ON b.batch_id = c.batch_id "
                "WHERE c.claim_id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(set(claim_ids))),),
            )
        }

    def parameters(
        self,
        codes: Collection[str],
        start: date | None,
        end: date | None,
        *,
        spans_reaching: date | None = None,
    ) -> list[object]:
        return [
            *codes,
            (start or date.min).isoformat(),
            (end or date.max).isoformat(),
            *billed_parameters(test=self.test, denied_lines_count=self.denied_lines_count),
            *self.excluded_claims,
            *((spans_reaching.isoformat(),) if spans_reaching is not None else ()),
        ]

    def query(self, code_count: int, *, spans: bool = False) -> str:
        marks = ",".join("?" * code_count)
        excluded = ",".join("?" * len(self.excluded_claims))
        # CROSS JOIN fixes the join order (SQLite's documented way): for each member of the batch,
        # probe lines by (member_id, procedure, service_date). Without statistics the planner may
        # otherwise choose to scan every line of the ledger.
        sql = (
            "SELECT l.member_id, l.procedure, l.modifiers, l.service_date, l.end_date, l.units, l.charge, "
            "l.tar_number, l.claim_id, l.line_id, l.expected_unpaid FROM history_members m "
            f"CROSS JOIN lines l ON l.member_id = m.member_id AND l.procedure IN ({marks}) "
            "AND l.service_date >= ? AND l.service_date <= ? "
            f"WHERE {COUNTS_AS_BILLED}"
            + (f" AND l.claim_id NOT IN ({excluded})" if excluded else "")
            + (" AND l.end_date >= ?" if spans else "")  # a span still running on that date
        )
        return sql
