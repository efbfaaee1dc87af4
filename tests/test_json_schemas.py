"""Every JSON document a command writes validates against the schema the package ships, in
success and in failure, and what the schemas share they share word for word."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from edi837.cli import main

from .conftest import FIXTURES, REPO
from .helpers import accept
from .test_cli import build_args

SCHEMAS = REPO / "edi837" / "schemas"
PROFILE = str(FIXTURES / "profile.toml")
RECORDS = FIXTURES / "records.csv"
TARS = str(FIXTURES / "tars.csv")
SHARED_DEFS = ("issue", "rule_count", "error")


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    return loaded


def conforms(doc: dict[str, Any], name: str) -> dict[str, Any]:
    jsonschema.Draft202012Validator(
        schema(name), format_checker=jsonschema.FormatChecker()
    ).validate(doc)
    return doc


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.parametrize("name", ["claims", "check", "validate", "batch", "remit"])
def test_every_shipped_schema_is_a_valid_2020_12_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))
    assert schema(name)["properties"]["schema_version"] == {"const": 1}


def test_the_definitions_the_command_documents_share_are_the_same_words() -> None:
    """One issue, one per-rule summary line and one error shape for every document."""
    docs = [schema(name) for name in ("check", "validate", "batch")]
    for key in SHARED_DEFS:
        assert all(d["$defs"][key] == docs[0]["$defs"][key] for d in docs), key
    summaries = [d["properties"]["summary"]["properties"] for d in docs]
    for key in ("errors", "warnings", "info", "by_rule", "omitted"):
        assert all(s[key] == summaries[0][key] for s in summaries), key


# -- check --------------------------------------------------------------------------------------


def test_check_documents_conform_clean_blocked_and_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--profile", PROFILE, "--as-of", "2026-02-02"]
    code, doc, _ = run_json(capsys, "check", str(RECORDS), *common, "--tars", TARS)
    assert code == 0 and conforms(doc, "check")["exit_code"] == 0
    assert doc["summary"]["records"] == 14 and doc["error"] is None
    assert doc["summary"]["by_rule"] == [
        {
            "rule_id": "ECM-U8-PER-DAY",
            "severity": "info",
            "count": 1,
            "title": doc["summary"]["by_rule"][0]["title"],
        }
    ]
    code, doc, _ = run_json(
        capsys, "check", str(FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv"), *common
    )
    assert code == 1 and conforms(doc, "check")["summary"]["errors"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("member_id,foo\n1,2\n")
    code, doc, err = run_json(capsys, "check", str(bad), *common)
    assert code == 2 and conforms(doc, "check")["exit_code"] == 2
    assert "required column" in doc["error"]["message"] and "required column" in err
    assert doc["summary"]["records"] is None


def test_max_issues_lists_fewer_but_the_summary_counts_them_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a month checked late: every line past the 30-day mark, and one merge note
    argv = ["check", str(RECORDS), "--profile", PROFILE, "--as-of", "2026-03-01"]
    _, whole, _ = run_json(capsys, *argv)
    total = len(whole["issues"])
    assert total == 14 and whole["summary"]["omitted"] == 0
    _, capped, _ = run_json(capsys, *argv, "--max-issues", "1")
    conforms(capped, "check")
    assert len(capped["issues"]) == 1 and capped["summary"]["omitted"] == total - 1
    assert capped["summary"]["by_rule"] == whole["summary"]["by_rule"]
    assert capped["issues"] == whole["issues"][:1]


# -- validate -----------------------------------------------------------------------------------


def test_validate_documents_conform_valid_and_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    golden = FIXTURES / "golden" / "demo.837"
    code, doc, _ = run_json(capsys, "validate", str(golden), "--ack", str(tmp_path / "a.999"))
    assert code == 0 and conforms(doc, "validate")["summary"]["valid"] is True
    assert doc["summary"]["transactions"] == [
        {
            "id": "837",
            "control_number": "0001",
            "ack_code": "A",
            "version": "005010X222A1",
            "checked_as": "837p",
            "errors": 0,
        }
    ]
    assert doc["summary"]["ack"] == str(tmp_path / "a.999")
    broken = tmp_path / "broken.837"
    broken.write_text(golden.read_text().replace("DMG*D8*19800101*F", "DMG*D8*19801301*X"))
    code, doc, _ = run_json(capsys, "validate", str(broken))
    assert code == 1 and conforms(doc, "validate")["summary"]["errors"] >= 2


# -- build and void -----------------------------------------------------------------------------


def test_build_document_conforms_and_names_what_was_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc, err = run_json(capsys, *build_args(tmp_path, RECORDS, "--tars", TARS))
    assert code == 0, err
    summary = conforms(doc, "batch")["summary"]
    assert summary["output"] == str(tmp_path / "out.837")
    assert summary["ledger"] == str(tmp_path / "ledger.sqlite") and summary["ledger_created"]
    assert summary["interchange"] == {
        "isa13": "000000001",
        "gs06": "1",
        "st02": ["0001"],
        "usage": "T",
    }
    assert (summary["claims"], summary["lines"], summary["total_charge"]) == (4, 13, "6487.54")
    assert [c["claim_id"] for c in doc["claims"]] == [f"N0000000{n}" for n in range(1, 5)]
    first = doc["claims"][0]
    assert first["member_id"] == "*******1A"  # masked: the document is for scripts and logs
    assert [line["control_number"] for line in first["lines"]][:2] == [
        "N00000001L01",
        "N00000001L02",
    ]
    written = (tmp_path / "out.837").read_text()
    assert all(f"REF*6R*{line['control_number']}~" in written for line in first["lines"])
    assert "90000001A" not in json.dumps(doc)


def test_a_blocked_build_document_has_the_findings_and_no_claims(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc, err = run_json(
        capsys, *build_args(tmp_path, FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv")
    )
    assert code == 1 and conforms(doc, "batch")["exit_code"] == 1
    assert "no file was written" in doc["error"]["message"] and "no file was written" in err
    assert "claims" not in doc and doc["summary"]["errors"] == 1
    assert [i["rule_id"] for i in doc["issues"]] == ["ECM-PMPM-MONTH"]
    assert not (tmp_path / "out.837").exists()


def test_void_document_conforms_and_ties_each_void_to_its_original(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_json(capsys, *build_args(tmp_path, RECORDS, "--tars", TARS))
    assert code == 0, err
    ledger = tmp_path / "ledger.sqlite"
    argv = [
        "void",
        "N00000001",
        "--profile",
        PROFILE,
        "--out",
        str(tmp_path / "void.837"),
        "--ledger",
        str(ledger),
        "--as-of",
        "2026-02-03",
        "--payer-claim-number",
        "ICN77",
    ]
    code, doc, _ = run_json(capsys, *argv)  # never accepted: refused
    assert code == 2 and conforms(doc, "batch")["command"] == "void"
    assert "accepted" in doc["error"]["message"] and "claims" not in doc
    accept(ledger, "N00000001")
    code, doc, err = run_json(capsys, *argv)
    assert code == 0, err
    (claim,) = conforms(doc, "batch")["claims"]
    assert (claim["frequency"], claim["original_claim_id"], claim["payer_claim_number"]) == (
        "8",
        "N00000001",
        "ICN77",
    )
    assert claim["claim_id"] == "N00000005"


def test_replace_document_conforms_and_names_the_claim_it_replaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_json(capsys, *build_args(tmp_path, RECORDS, "--tars", TARS))
    assert code == 0, err
    ledger = tmp_path / "ledger.sqlite"
    accept(ledger, "N00000001")
    corrected = FIXTURES / "replace" / "N00000001-corrected.csv"
    code, doc, err = run_json(
        capsys,
        "replace",
        "N00000001",
        "--records",
        str(corrected),
        "--payer-claim-number",
        "ICN1",
        "--profile",
        PROFILE,
        "--tars",
        TARS,
        "--ledger",
        str(ledger),
        "--out",
        str(tmp_path / "fix.837"),
        "--as-of",
        "2026-02-03",
    )
    assert code == 0, err
    (claim,) = conforms(doc, "batch")["claims"]
    assert doc["command"] == "replace"
    assert (claim["frequency"], claim["original_claim_id"], claim["payer_claim_number"]) == (
        "7",
        "N00000001",
        "ICN1",
    )


# -- remit --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "835").glob("*.835")))
def test_every_remittance_fixture_reads_as_a_conforming_document(
    name: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = main(["remit", str(FIXTURES / "835" / name), "--format", "json"])
    out, _ = capsysbinary.readouterr()
    assert code == 0
    conforms(json.loads(out), "remit")
