"""`edi837 report`: the period's billing and remittances as one HTML page, equal to the work
queue's JSON to the cent, masked, self-contained, byte-stable (golden files) and checked in a
real browser (headless Chromium; skipped where it is not installed)."""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from edi837.cli import main
from edi837.ledger.store import Ledger
from edi837.model.acks import AckCode, ClaimAck, Verdict
from edi837.render.html import CHARTS, SECTIONS
from edi837.services.acks import import_acks
from edi837.services.reconcile import import_remittances

from .browser import Browser, chromium
from .conftest import FIXTURES, REPO
from .helpers import build_file

GOLDEN = FIXTURES / "golden"
UPDATE = os.environ.get("EDI837_UPDATE_GOLDEN") == "1"
RECON = FIXTURES / "835" / "reconcile"
ARTEFACTS = REPO / "build" / "test-artefacts"
# late in the year, so the claims are old, near their filing limit, and the page shows it all
LATE = "2026-11-25"


def demo_ledger(folder: Path) -> Path:
    """The ledger `make demo` builds: the sample records, sent in a test batch on 2026-02-02."""
    path = folder / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", folder / "demo.837", path, tars=FIXTURES / "tars.csv")
    return path


def reconciled_ledger(folder: Path) -> Path:
    """The demo ledger after the payer answered: a 277CA rejecting one claim, then an 835
    paying, denying and part-paying the others."""
    path = demo_ledger(folder)
    marker = folder / "reject.277"
    marker.write_text("277CA", encoding="utf-8")
    answer = ClaimAck(
        1, "N00000004", Verdict.REJECTED, (AckCode("STC01", "A7:562:85", "NPI invalid"),)
    )
    with Ledger(path) as book:
        import_acks(book, [marker], lambda _p: [answer], imported_at=date(2026, 2, 4))
        import_remittances(book, [RECON / "reconcile-a.835"], imported_at=date(2026, 3, 5))
    return path


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return reconciled_ledger(tmp_path)


def report(
    ledger: Path, out: Path, *args: str, as_of: str = LATE, phi: bool = False
) -> tuple[int, str]:
    argv = ["--show-phi"] if phi else []
    argv += ["report", "--ledger", str(ledger), "--as-of", as_of, "--out", str(out), *args]
    return main(argv), out.read_text(encoding="utf-8") if out.exists() else ""


def queue_json(
    ledger: Path, capsys: pytest.CaptureFixture[str], *args: str, as_of: str = LATE
) -> dict[str, Any]:
    capsys.readouterr()
    assert (
        main(["claims", "--ledger", str(ledger), "--as-of", as_of, "--format", "json", *args]) == 0
    )
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def amount(text: str) -> Decimal:
    """``"-$1,234.50"`` -> ``Decimal("-1234.50")``."""
    return Decimal(text.replace("$", "").replace(",", ""))


def table_rows(page: Any, section: str, caption: str | None = None) -> list[list[str]]:
    tables = page.xpath(f'//section[@id="{section}"]//table')
    if caption is not None:
        tables = [t for t in tables if t.findtext("caption") == caption]
    (table,) = tables[:1]
    return [[cell.text_content() for cell in row] for row in table.xpath("./tbody/tr")]


# -- byte-stable ------------------------------------------------------------------------------


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run with EDI837_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{name} changed: look at the new page, then rerun with EDI837_UPDATE_GOLDEN=1 if intended"
    )


def test_the_demo_report_matches_its_golden_file(tmp_path: Path) -> None:
    code, page = report(
        demo_ledger(tmp_path),
        tmp_path / "r.html",
        "--month",
        "2026-01",
        "--test",
        as_of="2026-02-02",
    )
    assert code == 0
    check_golden("report-demo.html", page)


def test_the_reconciled_report_matches_its_golden_file_and_is_deterministic(
    ledger: Path, tmp_path: Path
) -> None:
    _, first = report(ledger, tmp_path / "a.html", "--month", "2026-01", "--test")
    _, second = report(ledger, tmp_path / "b.html", "--month", "2026-01", "--test")
    assert first == second
    check_golden("report-reconciled.html", first)


# -- the numbers ---------------------------------------------------------------------------------


def test_totals_on_the_page_equal_the_work_queue_json_to_the_cent(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text = report(ledger, tmp_path / "r.html", "--month", "2026-01", "--test")
    page = lxml_html.fromstring(text)
    doc = queue_json(ledger, capsys, "--month", "2026-01", "--test")
    book = doc["totals"]["test"]
    shown = {dd.get("data-figure"): dd.text for dd in page.xpath("//dd[@data-figure]")}
    for key in ("billed", "paid", "contractual", "patient_responsibility", "denied", "open"):
        assert amount(shown[key]) == Decimal(book[key]), key
    assert int(shown["claims"]) == book["claims"] == 4
    assert int(shown["needing_action"]) == doc["totals"]["needing_action"] == 3

    months = table_rows(page, "by-month")
    assert [(m[0], amount(m[1]), amount(m[2]), amount(m[5]), amount(m[7])) for m in months] == [
        (
            r["month"],
            Decimal(r["billed"]),
            Decimal(r["paid"]),
            Decimal(r["denied"]),
            Decimal(r["open"]),
        )
        for r in book["by_month"]
    ]
    aging = table_rows(page, "aging")
    assert [(a[0], int(a[1]), amount(a[2])) for a in aging] == [
        (r["bucket"], r["claims"], Decimal(r["open"])) for r in book["open_by_aging_bucket"]
    ]
    denials = table_rows(page, "denials", "Denials by reason")
    assert [(d[0], amount(d[4])) for d in denials] == [
        (f"{r['group']}-{r['code']}", Decimal(r["amount"])) for r in book["denials_by_reason"]
    ]
    assert sum(amount(d[4]) for d in denials) == Decimal(book["denied"])  # reasons make the whole
    programs = table_rows(page, "programs")
    assert [(p[0], amount(p[4]), amount(p[5])) for p in programs] == [
        (r["program"], Decimal(r["billed"]), Decimal(r["paid"])) for r in book["by_program"]
    ]
    assert sum(amount(p[4]) for p in programs) == Decimal(book["billed"])

    work = table_rows(page, "work-list")
    by_id = {c["claim_id"]: c for c in doc["claims"]}
    assert sorted(w[0] for w in work) == sorted(c for c, v in by_id.items() if v["needs_action"])
    for row in work:
        claim = by_id[row[0]]
        assert amount(row[5]) == Decimal(claim["open"]) and row[8] == claim["next_action"]


def test_the_lists_say_what_needs_doing(ledger: Path, tmp_path: Path) -> None:
    _, text = report(ledger, tmp_path / "r.html", "--month", "2026-01", "--test")
    page = lxml_html.fromstring(text)
    (rejected,) = table_rows(page, "rejections")
    assert rejected[0] == "N00000004" and rejected[3] == "277CA" and "NPI invalid" in rejected[6]
    near = table_rows(page, "filing-limit")
    assert sorted(r[0] for r in near) == ["N00000002", "N00000003", "N00000004"]
    left = [int(r[4]) for r in near]
    assert left == sorted(left) and all(0 <= days <= 60 for days in left)  # soonest first
    (denial,) = table_rows(page, "denials", "Denials by reason")
    assert denial[0] == "CO-197" and "authorization" in denial[1] and "TAR" in denial[2]


def test_a_period_selects_claims_by_their_date_of_service(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, month = report(ledger, tmp_path / "m.html", "--month", "2026-01", "--test")
    _, dates = report(
        ledger, tmp_path / "d.html", "--from", "2026-01-01", "--to", "2026-01-31", "--test"
    )
    strip = re.compile(r"<title>.*?</title>|<h1>.*?</h1>|<p>This report covers.*?</p>", re.S)
    assert strip.sub("", month) == strip.sub("", dates)
    _, empty = report(ledger, tmp_path / "e.html", "--month", "2025-12", "--test")
    assert "No claims in this period." in empty
    _, production = report(ledger, tmp_path / "p.html", "--month", "2026-01")
    page = lxml_html.fromstring(production)
    assert page.xpath('string(//dd[@data-figure="claims"])') == "0"  # the sample sends ISA15=T
    code, _ = report(ledger, tmp_path / "x.html", "--month", "2026-01", "--from", "2026-01-01")
    assert code == 64  # a usage error (docs/output.md, exit codes)
    code, _ = report(ledger, tmp_path / "y.html", "--month", "2026-1")
    assert code == 64
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "y.html").exists()


# -- member data and the file ------------------------------------------------------------------


def test_member_data_is_masked_unless_asked(ledger: Path, tmp_path: Path) -> None:
    _, masked = report(ledger, tmp_path / "m.html", "--month", "2026-01", "--test")
    records = (FIXTURES / "records.csv").read_text(encoding="utf-8").splitlines()[1:]
    members = {row.split(",")[1] for row in records}
    names = {row.split(",")[2] for row in records} | {row.split(",")[4] for row in records}
    for value in members | names:
        assert value not in masked, value
    assert "*******2B" in masked
    _, shown = report(ledger, tmp_path / "s.html", "--month", "2026-01", "--test", phi=True)
    assert "90000002B" in shown
    assert all(name not in shown for name in names)  # the report never needs names or births


def test_the_page_is_self_contained_private_and_guarded(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, text = report(ledger, out, "--month", "2026-01", "--test")
    assert code == 0 and stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "<script" not in text and " src=" not in text and "http:" not in text
    assert "https:" not in text and "@import" not in text and "@font-face" not in text
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', text))
    assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", text))
    assert "default-src 'none'" in text  # and the browser is told to load nothing
    assert (
        main(["report", "--ledger", str(ledger), "--out", str(ledger), "--month", "2026-01"]) == 2
    )
    assert Ledger(ledger).db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 4


def test_text_from_the_payer_is_escaped(tmp_path: Path) -> None:
    path = demo_ledger(tmp_path)
    marker = tmp_path / "reject.277"
    marker.write_text("277CA", encoding="utf-8")
    hostile = ClaimAck(
        1,
        "N00000004",
        Verdict.REJECTED,
        (AckCode("STC01", "A7:562:85", "<img src=x onerror=alert(1)>"),),
    )
    with Ledger(path) as book:
        import_acks(book, [marker], lambda _p: [hostile], imported_at=date(2026, 2, 4))
    _, text = report(path, tmp_path / "r.html", "--month", "2026-01", "--test")
    assert "<img" not in text and "&lt;img src=x" in text


# -- in a real browser ---------------------------------------------------------------------------

SIZES = {"desktop": (1280, 900, "screen"), "print": (816, 1056, "print")}  # print: US Letter

CHECKS = """(() => {
  const sections = %s, charts = %s;
  const width = document.documentElement.clientWidth;
  const missing = sections.filter(id => !document.querySelector('section#' + id + ' > h2'));
  const chartsOk = charts.filter(id => {
    const svg = document.querySelector('#' + id + '-chart svg');
    if (!svg) return false;
    const box = svg.getBoundingClientRect();
    const table = svg.closest('figure').nextElementSibling;
    return box.width > 200 && box.height > 80 && svg.querySelectorAll('path').length > 3
      && table && table.tagName === 'TABLE';
  });
  const overflowing = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5)
      overflowing.push(el.tagName + (el.id ? '#' + el.id : '') + ' ' + Math.round(box.left) + '..' + Math.round(box.right));
  }
  return {missing, chartsOk, overflowing: overflowing.slice(0, 10), width,
          scrollWidth: document.documentElement.scrollWidth,
          workRows: document.querySelectorAll('#work-list tbody tr').length};
})()"""


@pytest.mark.slow
def test_the_report_in_headless_chromium(ledger: Path, tmp_path: Path) -> None:
    executable = chromium()
    if executable is None:
        pytest.skip(
            "headless Chromium is not installed (Debian: apt-get install chromium; .ci/run "
            "installs it where it can): the report's browser test did not run"
        )
    out = tmp_path / "report.html"
    code, _ = report(ledger, out, "--month", "2026-01", "--test")
    assert code == 0
    sections = [key for key, _heading in SECTIONS]
    for name, (width, height, media) in SIZES.items():
        with Browser(executable) as browser:
            browser.open(out.as_uri(), width=width, height=height, media=media)
            found = browser.evaluate(CHECKS % (json.dumps(sections), json.dumps(list(CHARTS))))
            browser.screenshot(ARTEFACTS / f"report-{name}.png")
            requests = browser.requests()
        assert found["missing"] == [], name
        assert found["chartsOk"] == list(CHARTS), name
        assert found["overflowing"] == [] and found["scrollWidth"] <= found["width"], (name, found)
        assert found["workRows"] == 3
        assert requests == [out.as_uri()], f"{name}: the page asked for more than itself"
        assert (ARTEFACTS / f"report-{name}.png").stat().st_size > 10_000
