"""``edi837 validate`` as a user runs it: both engines, the 999 and the 277CA preview it writes,
acknowledgments, non-X12 input, large outputs, and member data kept out of its output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edi837.ledger.store import Ledger

from .conftest import FIXTURES, SHARED
from .test_cli import build_args, run

DEMO = FIXTURES / "golden" / "demo.837"


def _variant(tmp_path: Path, *swaps: tuple[str, str]) -> Path:
    text = DEMO.read_text(encoding="ascii")
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "variant.837"
    path.write_text(text, encoding="ascii")
    return path


def test_a_good_file_and_its_999(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ack = tmp_path / "ack.999"
    code, out, _ = run(capsys, "validate", str(DEMO), "--ack", str(ack), "--as-of", "2026-02-02")
    assert code == 0 and ": valid against the TR3 (SNIP 1-5: 0 error(s)" in out
    assert "transaction set 837 0001 005010X222A1: accepted" in out
    assert "AK9*A*1*1*1" in ack.read_text() and ack.stat().st_mode & 0o777 == 0o600


def test_a_broken_file_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = _variant(tmp_path, ("DMG*D8*19800101*F", "DMG*D8*19801301*X"))
    code, out, _ = run(capsys, "validate", str(broken), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    found = {(i["rule_id"], i["segment"], i.get("loop"), i.get("element")) for i in doc["issues"]}
    assert ("SNIP1-ELE-DATE", 19, "2000A/2000B/2010BA", "DMG02") in found
    assert ("SNIP2-ELE-CODE", 19, "2000A/2000B/2010BA", "DMG03") in found
    summary = doc["summary"]
    assert summary["valid"] is False and summary["engine"] == "own" and summary["errors"] == 2
    assert summary["errors_by_level"] == {"1": 1, "2": 1}
    assert summary["transactions"][0]["ack_code"] == "R"
    assert summary["transactions"][0]["errors"] == 2


def test_the_pyx12_engine_is_still_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _variant(tmp_path, ("DMG*D8*19800101*F", "DMG*D8*19801301*X"))
    code, out, _ = run(capsys, "validate", "--engine", "pyx12", str(broken), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"]["engine"] == "pyx12"
    assert {(i["rule_id"], i["segment"]) for i in doc["issues"]} == {
        ("IG-837P-ELE8", 19),
        ("IG-837P-ELE7", 19),
    }


def test_the_shared_example(capsys: pytest.CaptureFixture[str]) -> None:
    example = SHARED / "examples" / "ecm-minimal.837"
    if not example.exists():
        pytest.skip("../shared/examples is not present")
    code, out, _ = run(capsys, "validate", str(example))
    assert code in (0, 1) and "Traceback" not in out


def test_an_835_gets_a_complete_999_from_our_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remittance = FIXTURES / "835" / "reconcile" / "reconcile-a.835"
    ack = tmp_path / "a.999"
    run(capsys, "validate", str(remittance), "--ack", str(ack))
    assert ack.read_text().rstrip().endswith("IEA*1*000000201~") or "IEA*1*" in ack.read_text()
    # pyx12 cannot write one for an 835: nothing half-written reaches anyone
    other = tmp_path / "b.999"
    _, _, err = run(capsys, "validate", "--engine", "pyx12", str(remittance), "--ack", str(other))
    assert not other.exists() and "no complete 999 could be made" in err


def test_a_pdf_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "claims.837"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    code, out, err = run(capsys, "validate", str(pdf))
    # it does not conform (exit 1, as any file that fails validation), and says what it is
    assert code == 1 and "claims.837: this is a PDF document, not an X12 interchange" in out
    assert "SNIP1-NOT-X12" in out and "segment 1" not in out
    assert "Traceback" not in out + err


def test_garbage_is_a_clear_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.837"
    junk.write_bytes(b"\x00\x01binary")
    code, out, err = run(capsys, "validate", str(junk))
    assert code == 1 and "binary data" in out and "Traceback" not in out + err


def test_an_acknowledgment_says_what_the_payer_decided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _variant(tmp_path, ("ABK:Z5901", "ABK:Z591"))
    ack = tmp_path / "answer.999"
    run(capsys, "validate", str(broken), "--ack", str(ack), "--as-of", "2026-02-02")
    code, out, _ = run(capsys, "validate", str(ack))
    assert code == 0  # the answer itself is well formed...
    assert (
        "this is a 999 implementation acknowledgment from the payer: the 999 rejects 1 of 1 " in out
    )
    assert f"Run `edi837 ack {ack}`" in out  # ... and it is the payer's to record
    code, out, _ = run(capsys, "validate", str(ack), "--format", "json")
    answer = json.loads(out)["summary"]["answer"]
    assert answer == {
        "kind": "a 999 implementation acknowledgment",
        "says": "the 999 rejects 1 of 1 transaction set(s)",
    }


def test_a_277ca_preview_per_claim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = _variant(tmp_path, ("*570***12:B:1", "*575***12:B:1"))
    preview = tmp_path / "claims.277"
    code, out, err = run(
        capsys, "validate", str(broken), "--claim-ack", str(preview), "--as-of", "2026-02-02"
    )
    assert code == 1 and f"the 277CA preview is in {preview}" in err
    assert preview.stat().st_mode & 0o777 == 0o600  # it names the patients
    code, out, _ = run(capsys, "validate", str(preview))
    assert "the 277CA rejects 1 of 4 claim(s)" in out


def test_a_control_number_the_ledger_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    records, tars = FIXTURES / "records.csv", str(FIXTURES / "tars.csv")
    code, _, err = run(capsys, *build_args(tmp_path, records, "--tars", tars))
    assert code == 0, err
    code, out, _ = run(capsys, "validate", str(tmp_path / "out.837"), "--ledger", str(ledger))
    assert code == 1 and "SNIP1-ISA13-SENT" in out
    with Ledger(ledger) as book:
        assert book.db.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 1


def test_thousands_of_findings_are_cut_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DEMO.read_text(encoding="ascii").replace("N3*1 ELM ST", "N3*1 ELM ST*A*B")
    lines = text.split("~\n")
    many = [*lines[:16], *(["NTE*ADD*NOTE"] * 3000), *lines[16:]]
    path = tmp_path / "many.837"
    path.write_text("~\n".join(many), encoding="ascii")
    code, out, _ = run(capsys, "validate", str(path), "--max-issues", "5")
    assert code == 1
    listed = [line for line in out.splitlines() if line.startswith("      ")]
    assert len(listed) == 5 and "--max-issues 0 lists them all" in out
    assert "ERROR SNIP2-SEG-UNEXPECTED x3,000" in out
    code, out, _ = run(capsys, "validate", str(path), "--max-issues", "5", "--format", "json")
    doc = json.loads(out)
    assert len(doc["issues"]) == 5 and doc["summary"]["errors"] > 3000


# -- member data stays out of the output -----------------------------------------------------------

# element errors in member fields: a birth date, a gender code, a name too long, an SSN, an address
MEMBER_ERRORS = [
    ("DMG*D8*19800101*F", "DMG*D8*19801301*Q"),
    (
        "NM1*IL*1*DOE*JANE",
        "NM1*IL*1*DOEWORTHINGTONSMYTHEVANDERBILTMONTGOMERYFAIRWEATHERASHCROFTBELLINGHAM*JANE",
    ),
    ("N3*1 ELM ST", "N3*1 ELM\x07ST"),
    ("DMG*D8*19801301*Q", "DMG*D8*19801301*Q~\nREF*SY*12345"),
]
SECRETS = ["19801301", "DOEWORTHINGTON", "1 ELM", "12345"]


@pytest.mark.parametrize("engine", ["own", "pyx12"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_member_data_is_masked_in_validate_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str, fmt: str
) -> None:
    path = _variant(tmp_path, *MEMBER_ERRORS)
    code, out, err = run(capsys, "validate", "--engine", engine, str(path), "--format", fmt)
    assert code == 1
    assert out.count("hidden: rerun with --show-phi") >= 3
    for secret in SECRETS:
        assert secret not in out + err, secret


def test_show_phi_shows_the_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _variant(tmp_path, *MEMBER_ERRORS)
    code, out, _ = run(capsys, "validate", "--show-phi", str(path))
    assert code == 1 and "19801301" in out and "DOEWORTHINGTON" in out and "12345" in out


def test_the_example_in_the_docs_is_what_validate_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (FIXTURES.parent / "docs" / "validate.md").read_text(encoding="utf-8")
    example = page.split("```\nERROR ", 1)[1].split("```\n", 1)[0]
    path = _variant(tmp_path, ("DMG*D8*19800101*F", "DMG*D8*19801301*F"), ("ABK:Z5901", "ABK:Z591"))
    path.rename(tmp_path / "claims.837")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "validate", "claims.837")
    assert code == 1 and out == "ERROR " + example
