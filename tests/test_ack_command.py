"""`edi837 ack` on answers built by hand for a batch built from fixtures/records.csv: accepted,
partly accepted and rejected batches, accepted and rejected claims, each seen through
`edi837 claims`; re-reading, dry runs, refusals, injected failures; the JSON schema."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from edi837.ack import AckReader
from edi837.claim837.reader import read_claim_file
from edi837.cli import main
from edi837.model.acks import BatchAck, ClaimAck, GroupAck, InterchangeAck
from edi837.oracle.pyx12_validator import validate_file

from .conftest import FIXTURES, REPO
from .helpers import build_file, profile
from .test_crash_injection import edi837

ACK = FIXTURES / "ack"
SCHEMA = json.loads((REPO / "edi837" / "schemas" / "ack.schema.json").read_text("utf-8"))
MEMBER_DATA = ("DOE", "JANE", "90000001A", "NGUYEN", "90000004D")  # 2100D of claims.277


@pytest.fixture
def sent(tmp_path: Path) -> Path:
    """The ledger of one batch built from the sample records: ISA13 1, GS06 1, ST02 0001,
    claims N00000001..N00000004 (what the fixtures in fixtures/ack answer)."""
    ledger = tmp_path / "ledger.sqlite"
    build_file(
        FIXTURES / "records.csv", tmp_path / "claims.837", ledger, tars=FIXTURES / "tars.csv"
    )
    return ledger


@pytest.fixture
def sent_in_two_sets(tmp_path: Path) -> Path:
    """The same records, two claims per transaction set: ST02 0001 (N1, N2) and 0002 (N3, N4)."""
    ledger = tmp_path / "ledger.sqlite"
    build_file(
        FIXTURES / "records.csv",
        tmp_path / "claims.837",
        ledger,
        tars=FIXTURES / "tars.csv",
        prof=profile(claims={"max_claims_per_transaction": 2}),
    )
    return ledger


def ack(capsys: pytest.CaptureFixture[str], ledger: Path, *args: str) -> tuple[int, str, str]:
    code = main(["ack", "--ledger", str(ledger), "--as-of", "2026-02-05", *args])
    out, err = capsys.readouterr()
    return code, out, err


def states(capsys: pytest.CaptureFixture[str], ledger: Path) -> dict[str, str]:
    code = main(["claims", "--ledger", str(ledger), "--as-of", "2026-02-05", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return {c["claim_id"]: c["state"] for c in json.loads(out)["claims"]}


def dump(ledger: Path) -> list[tuple[object, ...]]:
    """Everything the ledger holds, to compare before and after."""
    with sqlite3.connect(ledger) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, *row) for t in sorted(tables) for row in db.execute(f"SELECT * FROM {t}")]


def fixture(name: str) -> str:
    return str(ACK / name)


# -- the fixtures name what the build writes ------------------------------------------------------
def test_the_fixtures_name_the_control_numbers_claims_and_lines_the_build_writes(
    tmp_path: Path, sent: Path
) -> None:
    (batch,) = read_claim_file(tmp_path / "claims.837").batches
    lines = {line.control_number for claim in batch.claims for line in claim.lines}
    claims = {claim.claim_id for claim in batch.claims}
    named: dict[str, set[str]] = {"claims": set(), "lines": set(), "sets": set(), "refs": set()}
    for path in sorted(ACK.iterdir()):
        for answer in AckReader(path):
            if isinstance(answer, InterchangeAck):
                assert answer.control_number == f"{batch.interchange.control_number:09d}"
            elif isinstance(answer, GroupAck):
                assert answer.control_number == str(batch.interchange.group_number)
                named["sets"] |= {s.control_number for s in answer.sets}
            elif isinstance(answer, BatchAck):
                named["refs"].add(answer.batch_reference)
            else:
                assert isinstance(answer, ClaimAck)
                named["claims"].add(answer.claim_id)
                named["lines"] |= {line.line_control_number for line in answer.lines}
    assert named["claims"] == claims
    assert named["lines"] <= lines and named["lines"]
    assert named["refs"] == {batch.reference(1)} == {"0000000010001"}
    assert named["sets"] == {"0001", "0002"}  # 0002: partial.999 answers the two-set build


@pytest.mark.parametrize(
    "name", ["accepted.999", "rejected.999", "partial.999", "claims.277", "accepted.ta1"]
)
def test_the_fixtures_pass_pyx12(name: str) -> None:
    validation = validate_file(ACK / name)
    assert validation.ok, [issue.render() for issue in validation.issues]


# -- batches and claims, as `edi837 claims` then shows them -------------------------------------------
def test_an_accepted_batch(sent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ack(capsys, sent, fixture("accepted.ta1"), fixture("accepted.999"))
    assert code == 0, err
    assert "TA1   interchange 000000001 -> batch 000000001 (claims.837): accepted (test)" in out
    assert "999   transaction 1/0001 -> batch 000000001 set 0001: accepted (test)" in out
    assert set(states(capsys, sent).values()) == {"accepted"}


def test_a_999_rejecting_the_batch_rejects_every_claim_and_says_where(
    sent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = ack(capsys, sent, fixture("rejected.999"))
    assert code == 0, err
    assert "segment has data element errors (SV1 at segment 51, loop 2400, claim N00000002)" in out
    assert "invalid code value (SV101-4 at segment 51, loop 2400, claim N00000002)" in out
    assert set(states(capsys, sent).values()) == {"rejected"}
    main(["claims", "--ledger", str(sent), "--as-of", "2026-02-05", "--format", "json"])
    doc = json.loads(capsys.readouterr()[0])
    action = doc["claims"][1]["next_action"]
    assert "SV101-4 at segment 51" in action and "new original" in action


def test_a_rejected_interchange(sent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ack(capsys, sent, fixture("rejected.ta1"))
    assert code == 0
    assert "the sender's interchange ID (ISA06) is invalid" in out
    assert set(states(capsys, sent).values()) == {"rejected"}


def test_a_partly_accepted_batch(
    sent_in_two_sets: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = ack(capsys, sent_in_two_sets, fixture("partial.999"))
    assert code == 0, err
    assert "999   group       1 -> batch 000000001 (claims.837): partial (test)" in out
    assert states(capsys, sent_in_two_sets) == {
        "N00000001": "accepted",
        "N00000002": "accepted",
        "N00000003": "rejected",
        "N00000004": "rejected",
    }


def test_a_277ca_accepts_some_claims_and_rejects_others(
    sent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ack(capsys, sent, fixture("accepted.999"))
    code, out, err = ack(capsys, sent, fixture("claims.277"))
    assert code == 0, err
    assert "claim N00000001 (payer claim 2603500000101): accepted" in out
    assert "line N00000003L04: rejected" in out
    assert states(capsys, sent) == {
        "N00000001": "accepted",
        "N00000002": "accepted",
        "N00000003": "rejected",
        "N00000004": "rejected",
    }
    with sqlite3.connect(sent) as db:
        numbers = db.execute(
            "SELECT claim_id, payer_claim_number FROM ack_events WHERE scope = 'claim' "
            "AND payer_claim_number != '' ORDER BY claim_id"
        ).fetchall()
    assert numbers == [("N00000001", "2603500000101"), ("N00000002", "2603500000102")]


def test_a_receiver_level_rejection_rejects_the_set_its_bht03_names(
    sent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = ack(capsys, sent, fixture("accepted.999"), fixture("receiver-rejected.277"))
    assert code == 0, err
    assert "277CA transaction 0000000010001 -> batch 000000001 set 0001: rejected" in out
    assert set(states(capsys, sent).values()) == {"rejected"}


def test_one_file_of_several_interchanges_and_kinds(
    sent: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed = tmp_path / "answers.edi"
    mixed.write_bytes(
        b"".join((ACK / n).read_bytes() for n in ("accepted.ta1", "accepted.999", "claims.277"))
    )
    code, out, err = ack(capsys, sent, str(mixed), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    sources = [a["source"] for a in doc["answers"]]
    assert sources[:3] == ["TA1", "999", "999"] and sources.count("277CA") == 7
    assert doc["totals"] == {
        "files": 1,
        "files_already_recorded": 0,
        "answers": 9,  # the line answer is a detail of its claim's
        "accepted": 7,
        "rejected": 2,
        "unmatched": 0,
        "test": 9,
    }
    assert states(capsys, sent)["N00000004"] == "rejected"


# -- recording: once, all or nothing -------------------------------------------------------------------
def test_reading_a_file_again_changes_nothing_and_says_so(
    sent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ack(capsys, sent, fixture("claims.277"))
    before = dump(sent)
    code, out, err = ack(capsys, sent, fixture("claims.277"))
    assert code == 0
    assert "already recorded on 2026-02-05; nothing changed" in err
    assert "claims.277: already recorded on 2026-02-05" in out
    assert dump(sent) == before


def test_a_dry_run_shows_what_would_be_recorded_and_records_nothing(
    sent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(sent)
    code, out, err = ack(capsys, sent, fixture("claims.277"), "--dry-run", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["dry_run"] and doc["files"][0]["status"] == "would_record"
    assert doc["totals"]["rejected"] == 2
    assert "nothing was recorded" in err
    assert dump(sent) == before


def test_an_unreadable_file_is_refused_by_name_and_nothing_is_recorded(
    sent: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = tmp_path / "cut.277"
    cut.write_text((ACK / "claims.277").read_text().split("HL*6")[0])
    before = dump(sent)
    code, _, err = ack(capsys, sent, fixture("accepted.999"), str(cut))
    assert code == 2
    assert f"{cut}: segment" in err and "truncated" in err and "nothing was recorded" in err
    assert dump(sent) == before


def test_a_remittance_is_refused_with_the_command_that_reads_it(
    sent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remit = FIXTURES / "835" / "reconcile" / "reconcile-a.835"
    code, _, err = ack(capsys, sent, str(remit))
    assert code == 2
    assert "an 835 remittance" in err and "edi837 remit" in err


@pytest.mark.parametrize("fault", ["ack:file", "ack:refreshed"])
def test_an_injected_failure_leaves_the_ledger_unchanged(sent: Path, fault: str) -> None:
    before = dump(sent)
    args = ("ack", fixture("accepted.999"), fixture("claims.277"), "--ledger", str(sent))
    killed = edi837(*args, "--as-of", "2026-02-05", fault=fault)
    assert killed.returncode == 137
    assert dump(sent) == before
    with sqlite3.connect(sent) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = edi837(*args, "--as-of", "2026-02-05")
    assert again.returncode == 0, again.stderr
    assert "recorded 8 answer(s) from 2 file(s)" in again.stderr


# -- what is shown --------------------------------------------------------------------------------------
def test_an_answer_that_names_nothing_of_ours_is_listed_as_unmatched(
    sent: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.999"
    other.write_text((ACK / "accepted.999").read_text().replace("AK1*HC*1*", "AK1*HC*77*"))
    code, out, _ = ack(capsys, sent, str(other))
    assert code == 0
    assert "unmatched: 2 answer(s) name nothing this ledger sent" in out
    assert "999 group 77" in out and "999 transaction 77/0001" in out
    assert set(states(capsys, sent).values()) == {"sent"}


def test_the_json_document_validates_against_its_schema(
    sent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    ack(capsys, sent, fixture("accepted.ta1"))
    names = ("accepted.ta1", "rejected.999", "claims.277", "receiver-rejected.277")
    code, out, err = ack(capsys, sent, *(fixture(n) for n in names), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert [f["status"] for f in doc["files"]] == ["already_recorded"] + ["recorded"] * 3
    line = next(a for a in doc["answers"] if a["scope"] == "line")
    assert line["line_id"] == "N00000003L04" and line["claim_id"] == "N00000003"


def test_csv_is_one_row_per_answer(sent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ack(capsys, sent, fixture("claims.277"), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    # the receiver (2200B) and provider (2200C) levels, 4 claims, 1 line
    assert [r["scope"] for r in rows].count("claim") == 4 and len(rows) == 7
    assert {r["claim_id"] for r in rows if r["scope"] == "claim"} == {
        "N00000001",
        "N00000002",
        "N00000003",
        "N00000004",
    }
    assert all(r["test"] == "yes" and r["matched"] == "yes" for r in rows)


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_no_member_data_is_shown(
    sent: Path, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, err = ack(capsys, sent, fixture("claims.277"), "--format", fmt)
    for value in MEMBER_DATA:
        assert value not in out and value not in err


def test_out_writes_a_private_file(
    sent: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "answers.json"
    code, out, _ = ack(
        capsys, sent, fixture("accepted.999"), "--format", "json", "--out", str(target)
    )
    assert code == 0 and out == ""
    assert target.stat().st_mode & 0o777 == 0o600
    assert json.loads(target.read_text())["totals"]["answers"] == 2


def test_out_onto_an_input_is_refused_before_anything_is_recorded(
    sent: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.999"
    copy.write_bytes((ACK / "accepted.999").read_bytes())
    before = dump(sent)
    code, _, err = ack(capsys, sent, str(copy), "--out", str(copy))
    assert code == 2, err
    assert dump(sent) == before
