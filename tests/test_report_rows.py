"""The report's work list and totals from the queue's entries (a claim alike an earlier one
takes its shape's row with its own IDs; the rows' HTML from cached tails) against the plain way:
every claim made an item, ``claim_data``'s fields, each row serialised by lxml."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from edi837.ledger.store import Ledger
from edi837.render import html
from edi837.render.queue import QueueView
from edi837.render.queue_data import claim_data
from edi837.render.report_data import WORK_FIELDS, Period, gather
from edi837.services.queue import (
    entries,
    payment_totals,
    provider_adjustments,
    queue,
    unmatched,
)

from .random_ledger import ledgers, redrawn_ledger, written_ledger
from .test_queue_row_shapes import _FACT_KNOBS
from .test_refresh_row_shapes import _KNOBS

AS_OF = date(2026, 3, 5)
PERIODS = (Period(), Period.of_month("2026-01"), Period(date(2026, 1, 10), None))


def _view(book: Ledger, claims: Any) -> QueueView:
    return QueueView(
        claims,
        lambda: unmatched(book),
        lambda: provider_adjustments(book),
        lambda: payment_totals(book),
        as_of=AS_OF.isoformat(),
    )


def _plain_page(data: Any) -> str:
    """write_report as it was: every work-list row an lxml tree."""
    text = etree.tostring(
        html.page(data), method="html", encoding="unicode", doctype="<!DOCTYPE html>"
    )
    before, found, after = text.partition(f"<!--{html._ROWS}-->")
    parts = [before]
    if found:
        for start in range(0, len(data.work), html.CHUNK):
            chunk = html._e("tbody")
            for row in data.work[start : start + html.CHUNK]:
                html._row(chunk, html._work_cells(row))
            parts.append(etree.tostring(chunk, method="html", encoding="unicode"))
    return "".join([*parts, after, "\n"])


def _page(data: Any) -> str:
    out = io.StringIO()
    html.write_report(out, data)
    return out.getvalue()


def _both_ways(book: Ledger, *, test: bool = False) -> int:
    """The report's data and page from the entries equal the plain way's; the rows."""
    for period in PERIODS:
        filters = period.filters(test=test)
        data = gather(_view(book, entries(book, as_of=AS_OF, filters=filters)), period, test=test)
        items = list(queue(book, as_of=AS_OF, filters=filters))
        work = [
            {key: claim[key] for key in WORK_FIELDS}
            for claim in (claim_data(item) for item in items if item.needs_action)
        ]
        work.sort(key=lambda row: (row["filing_days_left"], row["claim_id"]))
        assert data.work == work
        plain = gather(_view(book, iter(items)), period, test=test)
        assert (data.book, data.totals) == (plain.book, plain.totals)
        assert _page(data) == _plain_page(data)
    return len(data.work)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers(), test=st.booleans())
def test_the_report_from_entries_is_the_plain_report(spec: dict[str, Any], test: bool) -> None:
    with written_ledger(spec) as path, Ledger(path) as book:
        _both_ways(book, test=test)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    knobs=st.sets(st.sampled_from(_KNOBS + _FACT_KNOBS), max_size=3),
    seed=st.integers(0, 2**32),
)
def test_many_alike_claims_report_as_the_plain_way(
    answered: Path, knobs: set[tuple[str, str, str, tuple[str, ...]]], seed: int
) -> None:
    with redrawn_ledger(answered, knobs, seed) as book:
        assert _both_ways(book) > 0


@given(
    claim=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))),
    member=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))),
    action=st.sampled_from(["resend & check <277CA>", "wait", "é \u00a0 \"quoted\" 'x'"]),
)
def test_a_row_text_is_what_lxml_writes(claim: str, member: str, action: str) -> None:
    row = {
        "claim_id": claim,
        "member_id": member,
        "service_month": "2026-01",
        "state": "sent",
        "billed": "415.00",
        "open": "415.00",
        "days_since_sent": 31,
        "filing_days_left": -2,
        "next_action": action,
    }
    tbody = html._e("tbody")
    html._row(tbody, html._work_cells(row))
    rows = html._WorkRowText()
    rows.text({**row, "claim_id": "x", "member_id": "y"})  # the tail cached by another claim
    assert rows.text(row) == etree.tostring(tbody[0], method="html", encoding="unicode")
