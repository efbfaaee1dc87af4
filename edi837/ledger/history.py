"""The ledger's answer to the rules' history questions (see edi837.rules.history)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from edi837.ledger.store import Ledger
from edi837.rules.history import PastLine


class LedgerHistory:
    """Bulk look-ups: the batch's members go into a temporary table, joined on the
    (member_id, procedure, service_date) index: one indexed probe per member and code, never a
    scan of the whole ledger per record."""

    def __init__(
        self, ledger: Ledger, *, test: bool = False, denied_lines_count: bool = False
    ) -> None:
        self.ledger = ledger
        # What counts as billed is the lifecycle's answer (edi837/lifecycle), cached on each line
        # by edi837.ledger.events.refresh: a production build sees production lines, a test build
        # (ISA15=T) earlier test lines only.
        self.test = test
        self.denied_lines_count = denied_lines_count
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
    ) -> list[PastLine]:
        if not member_ids or not procedures:
            return []
        self._members(member_ids)
        codes = sorted(set(procedures))
        return [
            PastLine(
                member_id=row[0],
                procedure=row[1],
                modifiers=tuple(row[2].split()),
                service_date=date.fromisoformat(row[3]),
                end_date=date.fromisoformat(row[4]) if row[4] else None,
                units=Decimal(row[5]),
                charge=Decimal(row[6]),
                tar_number=row[7],
                claim_id=row[8],
                line_id=row[9],
            )
            for row in self.ledger.db.execute(
                self.query(len(codes)), self.parameters(codes, start, end)
            )
        ]

    def parameters(
        self, codes: Collection[str], start: date | None, end: date | None
    ) -> list[object]:
        return [
            *codes,
            (start or date.min).isoformat(),
            (end or date.max).isoformat(),
            1 if self.test else 0,
            1 if self.denied_lines_count else 0,
        ]

    @staticmethod
    def query(code_count: int) -> str:
        marks = ",".join("?" * code_count)
        # CROSS JOIN fixes the join order (SQLite's documented way): for each member of the batch,
        # probe lines by (member_id, procedure, service_date). Without statistics the planner may
        # otherwise choose to scan every line of the ledger.
        sql = (
            "SELECT l.member_id, l.procedure, l.modifiers, l.service_date, l.end_date, l.units, l.charge, "
            "l.tar_number, l.claim_id, l.line_id FROM history_members m "
            f"CROSS JOIN lines l ON l.member_id = m.member_id AND l.procedure IN ({marks}) "
            "AND l.service_date >= ? AND l.service_date <= ? "
            "WHERE l.live = 1 AND l.test = ? AND (l.denied = 0 OR ?)"
        )
        return sql
