"""What ``edi837 remit`` writes from a hostile 835: nothing on stdout when the file breaks off
halfway, no control character acted on by a terminal, no CSV cell a spreadsheet would run.

The payer's values are the payer's text: an 835 can carry escape sequences (retitle the window,
clear the screen), a line break inside an element (a forged line of the table), or a cell that
starts with ``=`` (a formula when a coordinator opens the CSV). Benign files are unchanged: their
goldens (test_remit835_cli.py) are byte-identical to what they were before any of this.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from edi837.commands import remit

from .conftest import FIXTURES
from .test_remit835_cli import run

REMIT = FIXTURES / "835"


def write(tmp_path: Path, text: str, name: str = "remit.835") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def many_claims(count: int) -> str:
    """paid.835 with its first claim repeated ``count`` times (a few MB of output)."""
    text = (REMIT / "paid.835").read_text(encoding="utf-8")
    start, end = text.index("CLP*ECM2602-0001"), text.index("CLP*ECM2602-0002")
    claim = text[start:end]
    return text[:start] + claim * count + text[end:]


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xml"])
@pytest.mark.parametrize("spool", [remit.SPOOL_BYTES, 4096])  # in memory, and rolled to disk
def test_nothing_reaches_stdout_when_the_file_breaks_off_halfway(
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    spool: int,
) -> None:
    # Before, 6 MB of CSV went to stdout and then the error came.
    monkeypatch.setattr(remit, "SPOOL_BYTES", spool)
    text = many_claims(3000)
    half = text.index("CLP*", len(text) // 2)
    path = write(tmp_path, text[:half] + "CLP*ECM2602-9999\x00*1~" + text[half:])
    code, out, err = run(capsysbinary, str(path), "--format", fmt)
    assert (code, out) == (2, b"")
    assert err.startswith(f"error: segment {text[:half].count('~') + 1}: ")
    assert "binary data" in err


def test_a_long_file_read_whole_is_written_whole(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remit, "SPOOL_BYTES", 4096)  # spooled through a temporary file
    code, out, _ = run(capsysbinary, str(write(tmp_path, many_claims(3000))), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8"))))
    assert code == 0 and len(rows) == 3001
    assert rows[-1]["patient_control_number"] == "ECM2602-0002"


HOSTILE = {
    "PARTNERSHIP HEALTHPLAN OF CALIFORNIA": "PARTNERSHIP\x1b]0;owned\x07\x1b[2J",
    "EFT20260303001": "EFT\nPayment 2: transaction 0002, trace FORGED",
    "ECM2602-0001*1*400.00": "ECM2602-0001\x1b[31m*1*4OO.OO",  # and a warning naming it
}


def hostile(tmp_path: Path) -> Path:
    text = (REMIT / "paid.835").read_text(encoding="utf-8")
    for benign, bad in HOSTILE.items():
        text = text.replace(benign, bad)
    return write(tmp_path, text)


def test_control_characters_never_reach_the_terminal(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = run(capsysbinary, str(hostile(tmp_path)))
    table = out.decode("utf-8")
    assert code == 0
    for shown in (table, err):
        assert not any(ch < " " and ch != "\n" for ch in shown), "a control character got through"
    assert "  payer    PARTNERSHIP\\x1b]0;owned\\x07\\x1b[2J\n" in table
    assert "trace EFT\\x0aPayment 2: transaction 0002, trace FORGED\n" in table
    assert not any(line.startswith("Payment 2") for line in table.splitlines())
    assert "Claim ECM2602-0001\\x1b[31m: " in table
    assert "claim ECM2602-0001\\x1b[31m] CLP03 (6 characters, hidden" in err


def test_csv_cells_a_spreadsheet_would_run_are_neutralised_and_amounts_stay_numbers(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    text = (REMIT / "reversal.835").read_text(encoding="utf-8")
    for benign, bad in {
        "EFT20260303004": '=HYPERLINK("http://example.com","paid")',
        "PARTNERSHIP HEALTHPLAN OF CALIFORNIA": "@SUM(A1:A9)",
        "NORTH BAY CARE COORDINATION": "+1+1",
        "PHC26010000701": "-2+3",
        "ECM2601-0007-1": "\tcmd",
        "HC:G9008:U1": "HC:=1+1:U1",
    }.items():
        text = text.replace(benign, bad)
    code, out, _ = run(capsysbinary, str(write(tmp_path, text)), "--format", "csv")
    reversed_line, paid_line = csv.DictReader(io.StringIO(out.decode("utf-8")))
    assert code == 0
    assert reversed_line["trace_number"] == '\'=HYPERLINK("http://example.com","paid")'
    assert reversed_line["payer"] == "'@SUM(A1:A9)"
    assert reversed_line["payee"] == "'+1+1"
    assert reversed_line["payer_claim_number"] == "'-2+3"
    assert reversed_line["line_control_number"] == "'\tcmd"
    assert reversed_line["procedure"] == "'=1+1"
    # amounts are numbers, negative ones included; a list of adjustments is text
    assert [reversed_line[c] for c in ("claim_charge", "claim_paid", "units", "line_paid")] == [
        "-400.00",
        "-386.00",
        "-1",
        "-386.00",
    ]
    assert reversed_line["line_adjustments"] == "CO-45 -14.00"
    assert paid_line["claim_paid"] == "400.00"


def test_provider_adjustment_amounts_stay_numbers_negative_ones_included(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, out, _ = run(capsysbinary, str(REMIT / "plb-recoupment.835"), "--format", "csv")
    rows = csv.DictReader(io.StringIO(out.decode("utf-8")))
    amounts = [r["adjustment_amount"] for r in rows if r["record"] == "provider_adjustment"]
    assert code == 0
    assert amounts == ["150.00", "25.00", "-2.35"]  # L6 interest, paid to us
