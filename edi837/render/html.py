"""The month's billing and remittances as one self-contained HTML page (``edi837 report``).

Built with lxml (every text escaped by construction), styled by ``report.css`` beside this
module, inlined; the charts are inline SVG (:mod:`edi837.render.charts`), each with the table of
its numbers under it. Nothing is fetched: no script, font, image or style sheet from anywhere,
and a Content-Security-Policy that forbids loading any. The work list streams in chunks, so a
large ledger's page is written without holding its rows as elements. docs/report.md shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any, TextIO

from lxml import etree

from edi837 import phi
from edi837.render import charts
from edi837.render.report_data import ReportData

CSS = Path(__file__).resolve().parent / "report.css"
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
_ROWS = "work-list rows"  # the comment the streamed rows replace
CHUNK = 2000  # work-list rows serialised at a time
CENT = Decimal("0.01")

# (section id, heading): the page's sections in order; the browser test checks every one
SECTIONS = (
    ("figures", "Headline figures"),
    ("by-month", "By service month"),
    ("denials", "Denials by reason"),
    ("aging", "Open claims by age"),
    ("filing-limit", "Near the 365-day filing limit"),
    ("rejections", "Rejected at the front door, not yet sent again"),
    ("programs", "By program"),
    ("work-list", "Work list"),
)
CHARTS = ("by-month", "denials", "aging", "programs")

HEADLINE = (
    ("billed", "billed", "what the claims charged (CLM02)"),
    ("paid", "paid", "net of every payment, reversal and recoupment"),
    ("contractual", "contractual", "written off by contract, and lines paid by no rule"),
    ("patient_responsibility", "patient responsibility", "what members owe (share of cost)"),
    ("denied", "denied", "denial adjustments"),
    ("open", "open", "still to be settled"),
)
FIGURE_COLUMNS = (
    ("billed", "billed"),
    ("paid", "paid"),
    ("contractual", "contractual"),
    ("patient_responsibility", "patient resp."),
    ("denied", "denied"),
    ("cancelled", "cancelled"),
    ("open", "open"),
)


def dollars(text: str | None) -> str:
    """``"1234.5"`` -> ``"$1,234.50"``; more than cents, when a payer sent it, is kept."""
    if text is None:
        return ""
    value = Decimal(text)
    body = f"{abs(value):,.2f}" if value == value.quantize(CENT) else f"{abs(value):,f}"
    return ("-" if value < 0 else "") + "$" + body


def _e(tag: str, text: str | None = None, *children: etree._Element, **attrs: str) -> Any:
    """An element; ``class_`` is ``class``, ``data_figure`` is ``data-figure``; empty
    attributes are left out."""
    element = etree.Element(
        tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items() if v}
    )
    element.text = text
    element.extend(children)
    return element


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = _e(tag, text, **attrs)
    parent.append(element)
    return element


Cell = str | tuple[str, str]  # text, or (text, class)


def _table(
    caption: str | None,
    head: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Cell]],
    *,
    foot: Sequence[Cell] | None = None,
    class_: str = "",
) -> Any:
    table = _e("table", class_=class_)
    if caption:
        _sub(table, "caption", caption)
    header = _sub(_sub(table, "thead"), "tr")
    for label, kind in head:
        _sub(header, "th", label, scope="col", class_=kind)
    body = _sub(table, "tbody")
    for row in rows:
        _row(body, row)
    if foot is not None:
        _row(_sub(table, "tfoot"), foot)
    return table


def _row(parent: etree._Element, cells: Sequence[Cell]) -> None:
    tr = _sub(parent, "tr")
    for cell in cells:
        text, kind = cell if isinstance(cell, tuple) else (cell, "")
        _sub(tr, "td", text, class_=kind)


def _money(text: str | None) -> tuple[str, str]:
    return dollars(text), "num"


def _count(value: object) -> tuple[str, str]:
    return str(value), "num"


def _section(body: etree._Element, key: str) -> Any:
    heading = dict(SECTIONS)[key]
    section = _sub(body, "section", id=key)
    _sub(section, "h2", heading)
    return section


def _section_of(body: etree._Element, key: str, rows: Sequence[Any], empty: str) -> Any:
    """The section, or None once it says it has nothing to show."""
    section = _section(body, key)
    if not rows:
        _empty(section, empty)
        return None
    return section


def _note(parent: etree._Element, text: str) -> None:
    _sub(parent, "p", text, class_="note")


def _empty(parent: etree._Element, text: str) -> None:
    _sub(parent, "p", text, class_="empty")


def _figure(parent: etree._Element, key: str, chart: etree._Element, caption: str) -> None:
    figure = _sub(parent, "figure", id=f"{key}-chart")
    _sub(figure, "figcaption", caption)
    figure.append(chart)


# -- the sections -------------------------------------------------------------------------------


def _header(body: etree._Element, data: ReportData) -> None:
    header = _sub(body, "header")
    _sub(header, "h1", f"Billing and remittances: {data.period.label}")
    usage = _sub(header, "p")
    if data.test:
        _sub(usage, "span", "test batches (ISA15=T): not billing", class_="usage test")
    else:
        _sub(usage, "span", "production", class_="usage")
    _sub(header, "p", f"This report covers {data.period.explained}.")
    _sub(
        header,
        "p",
        f"As of {data.as_of}: ages and filing deadlines are counted to that day, from every "
        "acknowledgment and remittance the ledger holds. Member IDs are "
        + ("shown (--show-phi)." if phi.showing() else "masked (--show-phi shows them)."),
    )
    nav = _sub(body, "nav", aria_label="sections")
    items = _sub(nav, "ol")
    for key, heading in SECTIONS:
        _sub(_sub(items, "li"), "a", heading, href=f"#{key}")


def _figures(body: etree._Element, data: ReportData) -> None:
    book = data.book
    section = _section(body, "figures")
    figures = _sub(section, "dl", class_="figures")
    for key, label, meaning in HEADLINE:
        box = _sub(figures, "div", class_=key, title=meaning)
        _sub(box, "dt", label)
        _sub(box, "dd", dollars(book[key]), data_figure=key)
    for key, label in (("cancelled", "cancelled"), ("overpaid", "overpaid")):
        if Decimal(book[key]):
            box = _sub(figures, "div", class_=key)
            _sub(box, "dt", label)
            _sub(box, "dd", dollars(book[key]), data_figure=key)
    needing = len(data.work)
    for key, label, value in (
        ("claims", "claims", book["claims"]),
        ("needing_action", "needing an action", needing),
    ):
        box = _sub(figures, "div", class_=key)
        _sub(box, "dt", label)
        _sub(box, "dd", str(value), data_figure=key, class_="count")
    _note(
        section,
        "For every claim: billed = paid + contractual + patient responsibility + denied + "
        "cancelled (what a void, a replacement or a resend took over) + open - overpaid. "
        "Void claims add no money; a void repeats its original's charge.",
    )
    states = [row for row in data.totals["by_state"] if row["claims"]]
    if states:
        section.append(
            _table(
                "Claims by state",
                [("state", ""), ("claims", "num"), ("billed", "num")],
                ([row["state"], _count(row["claims"]), _money(row["billed"])] for row in states),
            )
        )


def _by_month(body: etree._Element, data: ReportData) -> None:
    months = data.book["by_month"]
    section = _section_of(body, "by-month", months, "No claims in this period.")
    if section is None:
        return
    chart = charts.grouped_columns(
        "by-month",
        "Billed, paid, denied and open by service month",
        [row["month"] for row in months],
        [
            (key, [Decimal(row[key]) for row in months])
            for key in ("billed", "paid", "denied", "open")
        ],
    )
    _figure(section, "by-month", chart, "Billed, paid, denied and open by service month")
    section.append(
        _table(
            "By service month",
            [("service month", ""), *((label, "num") for _key, label in FIGURE_COLUMNS)],
            ([row["month"], *(_money(row[key]) for key, _l in FIGURE_COLUMNS)] for row in months),
            foot=["total", *(_money(data.book[key]) for key, _l in FIGURE_COLUMNS)],
        )
    )


def _reason_label(row: dict[str, Any]) -> str:
    return f"{row['group']}-{row['code']} {row['words']}"


def _denials(body: etree._Element, data: ReportData) -> None:
    rows = data.book["denials_by_reason"]
    section = _section_of(body, "denials", rows, "No denials in this period.")
    if section is None:
        return
    _note(
        section,
        "Each adjustment the payer counted as a denial, by its group and reason code (CARC), "
        "largest first; together they make the headline's denied amount.",
    )
    chart = charts.horizontal_bars(
        "denials",
        "Denied amounts by reason",
        [_reason_label(row) for row in rows],
        [("denied", [Decimal(row["amount"]) for row in rows])],
    )
    _figure(section, "denials", chart, "Denied amounts by reason, largest first")
    section.append(
        _table(
            "Denials by reason",
            [
                ("reason", ""),
                ("in words", ""),
                ("what to do", ""),
                ("claims", "num"),
                ("denied", "num"),
            ],
            (
                [
                    (f"{row['group']}-{row['code']}", "id"),
                    (
                        row["words"] + (f": {row['description']}" if row["description"] else ""),
                        "text",
                    ),
                    (row["action"], "text"),
                    _count(row["claims"]),
                    _money(row["amount"]),
                ]
                for row in rows
            ),
            foot=["total", "", "", "", _money(data.book["denied"])],
        )
    )
    remarks = data.book["remarks_on_denials"]
    if remarks:
        section.append(
            _table(
                "Remark codes (RARC) on the denied claims",
                [("remark", ""), ("in words", ""), ("claims", "num")],
                (
                    [
                        (row["code"], "id"),
                        (row["description"] or "(not in our list)", "text"),
                        _count(row["claims"]),
                    ]
                    for row in remarks
                ),
            )
        )


def _aging(body: etree._Element, data: ReportData) -> None:
    section = _section(body, "aging")
    buckets = data.book["open_by_aging_bucket"]
    _note(section, "What is still open, by the days since the claim was sent.")
    if not any(row["claims"] for row in buckets):
        _empty(section, "No claim of this period is open.")
        return
    chart = charts.columns(
        "aging",
        "Open amounts by days since sent",
        [row["bucket"] for row in buckets],
        [Decimal(row["open"]) for row in buckets],
        colour="open",
    )
    _figure(section, "aging", chart, "Open amounts by days since sent")
    section.append(
        _table(
            "Open claims by age",
            [("days since sent", ""), ("claims", "num"), ("open", "num")],
            ([row["bucket"], _count(row["claims"]), _money(row["open"])] for row in buckets),
            foot=[
                "total",
                _count(sum(row["claims"] for row in buckets)),
                _money(data.book["open"]),
            ],
        )
    )


def _claim_cells(row: dict[str, Any]) -> list[Cell]:
    return [(row["claim_id"], "id"), (row["member_id"], "id"), row["service_month"]]


def _filing_limit(body: etree._Element, data: ReportData) -> None:
    section = _section(body, "filing-limit")
    rows = data.near_limit
    _note(
        section,
        "Claims must reach the payer within 365 days of the date of service. These still need "
        "an action and are within 60 days of that limit, or past it.",
    )
    if not rows:
        _empty(section, "No claim needing an action is within 60 days of its filing limit.")
        return
    section.append(
        _table(
            None,
            [
                ("claim", ""),
                ("member", ""),
                ("month", ""),
                ("deadline", ""),
                ("days left", "num"),
                ("open", "num"),
                ("next action", ""),
            ],
            (
                [
                    *_claim_cells(row),
                    row["filing_deadline"],
                    (
                        str(row["filing_days_left"]),
                        "num late" if row["filing_days_left"] < 0 else "num",
                    ),
                    _money(row["open"]),
                    (row["next_action"], "text"),
                ]
                for row in rows
            ),
        )
    )


def _rejections(body: etree._Element, data: ReportData) -> None:
    section = _section(body, "rejections")
    rows = data.rejections
    if not rows:
        _empty(
            section,
            "No claim of this period was rejected at the front door without being sent again.",
        )
        return
    _note(
        section,
        "Fix what the acknowledgment names, then send the services again as a new original.",
    )
    section.append(
        _table(
            None,
            [
                ("claim", ""),
                ("member", ""),
                ("month", ""),
                ("answer", ""),
                ("on", ""),
                ("codes", ""),
                ("what it said", ""),
                ("billed", "num"),
            ],
            (
                [
                    *_claim_cells(row),
                    (row["front_door"] or {}).get("source", ""),
                    (row["front_door"] or {}).get("on") or "",
                    (" ".join((row["front_door"] or {}).get("codes", [])), "id"),
                    ((row["front_door"] or {}).get("detail", ""), "text"),
                    _money(row["billed"]),
                ]
                for row in rows
            ),
        )
    )


def _programs(body: etree._Element, data: ReportData) -> None:
    rows = data.book["by_program"]
    section = _section_of(body, "programs", rows, "No claims in this period.")
    if section is None:
        return
    _note(
        section,
        "ECM by its parts (the monthly PMPM, outreach attempts, the engagement fee, team "
        "conferences) and each Community Supports service. Billed adds up to the headline; paid "
        "is what the payer paid on these lines, so recoupments and claim-level adjustments "
        "appear in the headline only. Denied is the charge of the lines the payer finally denied.",
    )
    chart = charts.horizontal_bars(
        "programs",
        "Billed, paid and denied by program",
        [row["program"] for row in rows],
        [(key, [Decimal(row[key]) for row in rows]) for key in ("billed", "paid", "denied")],
    )
    _figure(section, "programs", chart, "Billed, paid and denied by program")
    section.append(
        _table(
            "By program",
            [
                ("program", ""),
                ("claims", "num"),
                ("lines", "num"),
                ("units", "num"),
                ("billed", "num"),
                ("paid", "num"),
                ("lines denied", "num"),
                ("denied", "num"),
            ],
            (
                [
                    (row["program"], "text"),
                    _count(row["claims"]),
                    _count(row["lines"]),
                    _count(row["units"]),
                    _money(row["billed"]),
                    _money(row["paid"]),
                    _count(row["denied_lines"]),
                    _money(row["denied"]),
                ]
                for row in rows
            ),
            foot=["total", "", "", "", _money(data.book["billed"]), "", "", ""],
        )
    )


WORK_HEAD = (
    ("claim", ""),
    ("member", ""),
    ("month", ""),
    ("state", ""),
    ("billed", "num"),
    ("open", "num"),
    ("age", "num"),
    ("days left", "num"),
    ("next action", ""),
)


def _work_cells(row: dict[str, Any]) -> list[Cell]:
    left = row["filing_days_left"]
    return [
        *_claim_cells(row),
        row["state"],
        _money(row["billed"]),
        _money(row["open"]),
        _count(row["days_since_sent"]),
        (str(left), "num late" if left < 0 else "num"),
        (row["next_action"], "text"),
    ]


# what _work_cells reads of a row but the claim's and member's IDs
_WORK_TAIL = (
    "service_month",
    "state",
    "billed",
    "open",
    "days_since_sent",
    "filing_days_left",
    "next_action",
)


class _WorkRowText:
    """A work-list row as lxml writes it (``_row`` of ``_work_cells``): its cells after the
    claim's and member's IDs repeat from claim to claim, so each distinct tail is serialised once
    and the IDs are escaped into it as lxml escapes a text (``&``, ``<``, ``>``)."""

    _HEAD = '<tr><td class="id"></td><td class="id"></td>'

    def __init__(self) -> None:
        self._tails: dict[tuple[object, ...], str] = {}

    def text(self, row: dict[str, Any]) -> str:
        key = tuple([row[field] for field in _WORK_TAIL])
        tail = self._tails.get(key)
        if tail is None:
            cells = _work_cells({**row, "claim_id": "", "member_id": ""})
            tr = _e("tbody")
            _row(tr, cells)
            made = etree.tostring(tr[0], method="html", encoding="unicode")
            assert made.startswith(self._HEAD)
            if len(self._tails) >= CHUNK:
                self._tails.clear()
            tail = self._tails[key] = made[len(self._HEAD) :]
        return (
            f'<tr><td class="id">{escape(row["claim_id"] or "", quote=False)}</td>'
            f'<td class="id">{escape(row["member_id"] or "", quote=False)}</td>{tail}'
        )


def _work_list(body: etree._Element, data: ReportData) -> None:
    section = _section(body, "work-list")
    if not data.work:
        _empty(section, "Nothing to do: every claim of this period is settled.")
        return
    _note(
        section,
        f"Every claim of this period that needs an action ({len(data.work)}), the one nearest "
        "its filing limit first; age is the days since it was sent.",
    )
    table = _table(None, WORK_HEAD, (), class_="work")
    table.remove(table.find("tbody"))  # the rows come in tbody chunks where the comment is
    table.append(etree.Comment(_ROWS))
    section.append(table)


# -- the page -----------------------------------------------------------------------------------


def page(data: ReportData) -> Any:
    """The whole page but the work list's rows, which :func:`write_report` streams in."""
    html = _e("html", lang="en")
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "meta", http_equiv="Content-Security-Policy", content=POLICY)
    _sub(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _sub(head, "meta", name="generator", content="edi837 report")
    usage = "test batches" if data.test else "production"
    _sub(head, "title", f"edi837 report: {data.period.label} ({usage})")
    _sub(head, "style", CSS.read_text(encoding="utf-8"))
    body = _sub(html, "body")
    _header(body, data)
    main = _sub(body, "main")
    for build in (
        _figures,
        _by_month,
        _denials,
        _aging,
        _filing_limit,
        _rejections,
        _programs,
        _work_list,
    ):
        build(main, data)
    footer = _sub(body, "footer")
    footer.text = (
        "Made by edi837 report from the work queue (edi837 claims), the one claim state machine "
        "behind every command. The figures equal `edi837 claims --format json` for the same "
        "ledger, period and date."
    )
    return html


def write_report(out: TextIO, data: ReportData) -> None:
    text = etree.tostring(page(data), method="html", encoding="unicode", doctype="<!DOCTYPE html>")
    marker = f"<!--{_ROWS}-->"
    before, found, after = text.partition(marker)
    out.write(before)
    if found:
        rows = _WorkRowText()
        for start in range(0, len(data.work), CHUNK):
            text = "".join([rows.text(row) for row in data.work[start : start + CHUNK]])
            out.write(f"<tbody>{text}</tbody>")
    out.write(after)
    out.write("\n")
