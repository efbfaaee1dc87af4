"""``edi837 remit`` through the real CLI entry point: formats, --out, --strict, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi837.cli import main

from .conftest import FIXTURES

REMIT = FIXTURES / "835"
GOLDEN = REMIT / "golden"


def run(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    code = main(["remit", *args])
    captured = capsysbinary.readouterr()
    return code, captured.out, captured.err.decode("utf-8")


@pytest.fixture
def here(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from fixtures/835 so file names (and so the output) do not depend on the checkout."""
    monkeypatch.chdir(REMIT)
    return REMIT


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xml"])
@pytest.mark.parametrize("name", ["paid", "imbalanced"])
def test_each_format_on_stdout_is_the_golden_output(
    here: Path, capsysbinary: pytest.CaptureFixture[bytes], name: str, fmt: str
) -> None:
    code, out, _ = run(capsysbinary, f"{name}.835", "--format", fmt)
    assert code == 0
    assert out == (GOLDEN / f"{name}.{fmt}").read_bytes()


def test_table_is_the_default(here: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = run(capsysbinary, "denied.835")
    assert code == 0 and out == (GOLDEN / "denied.table").read_bytes()
    assert err == "denied.835: 1 payment, 2 claims, 0 warnings\n"


def test_warnings_go_to_stderr_with_file_and_position(
    here: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, _, err = run(capsysbinary, "imbalanced.835", "--format", "json")
    assert code == 0
    lines = err.splitlines()
    assert (
        "warn  IG-835-BALANCE-LINE [imbalanced.835, segment 12 (SVC), loop 2000/2100/2110, "
        "claim ECM2602-0100]"
    ) in err
    assert len(lines) == 11 and lines[-1] == "imbalanced.835: 1 payment, 3 claims, 10 warnings"
    assert "TESTMEMBER" not in err and "90000010J" not in err


@pytest.mark.parametrize(("name", "expected"), [("imbalanced.835", 1), ("paid.835", 0)])
def test_strict_exits_1_only_when_there_are_warnings(
    here: Path, capsysbinary: pytest.CaptureFixture[bytes], name: str, expected: int
) -> None:
    assert run(capsysbinary, name, "--strict", "--format", "csv")[0] == expected


def test_show_phi_unmasks_the_patient_in_the_table(
    here: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["--show-phi", "remit", "paid.835"]) == 0
    assert b"patient TESTMEMBER, member 90000001A" in capsysbinary.readouterr().out
    assert main(["remit", "paid.835"]) == 0
    assert b"90000001A" not in capsysbinary.readouterr().out


def test_out_writes_the_file_whole(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    target = tmp_path / "paid.json"
    code, out, err = run(
        capsysbinary, str(REMIT / "paid.835"), "--format", "json", "--out", str(target)
    )
    assert code == 0 and out == b""
    assert target.read_bytes() == (GOLDEN / "paid.json").read_bytes()
    assert err.endswith(f"written to {target}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["paid.json"]


BROKEN = {
    "truncated": lambda text: text[: text.index("SE*")],
    "no-iea": lambda text: text[: text.index("IEA*")],
    "no-isa": lambda text: text[text.index("ST*") :],
    "garbage": lambda text: "\x89PNG\r\n\x1a\n\x00\x00binary",
    "empty": lambda text: "",
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_unreadable_input_exits_2_with_one_clear_message(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], kind: str
) -> None:
    source = tmp_path / f"{kind}.835"
    source.write_text(BROKEN[kind]((REMIT / "paid.835").read_text(encoding="ascii")), "latin-1")
    target = tmp_path / "out.json"
    target.write_text("the previous output", encoding="utf-8")
    code, out, err = run(capsysbinary, str(source), "--format", "json", "--out", str(target))
    assert code == 2
    assert out == b""
    assert err.startswith("error: ") and "Traceback" not in err
    if kind != "empty":
        assert "segment " in err
    assert target.read_text(encoding="utf-8") == "the previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, "out.json"])


def test_a_truncated_file_produces_no_output_on_stdout_either(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    source = tmp_path / "cut.835"
    text = (REMIT / "multiple-st.835").read_text(encoding="ascii")
    source.write_text(text[: text.index("SE|11|0003")], encoding="ascii")
    code, out, err = run(capsysbinary, str(source), "--format", "json")
    assert (code, out) == (2, b"")
    assert "truncated" in err


def test_an_unwritable_out_directory_is_a_clear_error(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, _, err = run(
        capsysbinary, str(REMIT / "paid.835"), "--out", str(tmp_path / "missing" / "x.json")
    )
    assert code == 2 and "does not exist" in err and "Traceback" not in err


def test_a_missing_file_is_an_unreadable_input(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, _, err = run(capsysbinary, "no-such-file.835")
    assert code == 2 and "does not exist" in err


def test_an_unknown_format_is_a_usage_error(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, _, err = run(capsysbinary, str(REMIT / "paid.835"), "--format", "pdf")
    assert code == 64 and "pdf" in err


def test_out_is_private_even_over_an_existing_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    import os

    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.csv"
        assert (
            run(capsysbinary, str(REMIT / "paid.835"), "--format", "csv", "--out", str(fresh))[0]
            == 0
        )
        assert fresh.stat().st_mode & 0o777 == 0o600  # a remittance names members
        kept = tmp_path / "kept.csv"
        kept.write_text("old", encoding="utf-8")
        kept.chmod(0o640)
        assert (
            run(capsysbinary, str(REMIT / "paid.835"), "--format", "csv", "--out", str(kept))[0]
            == 0
        )
        assert kept.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)


def test_an_acknowledgment_or_an_837_is_named_not_read_as_a_remittance(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = run(capsysbinary, str(FIXTURES / "golden" / "demo.837"))
    assert (code, out) == (2, b"") and "is an 837 claim file" in err
    ack = tmp_path / "answer.999"
    ack.write_text(
        "ISA*00*          *00*          *ZZ*PHCTEST01      *ZZ*NCCC0001       *260203*1200*^*00501*000000901*0*T*:~"
        "GS*FA*PHCTEST01*NCCC0001*20260203*1200*901*X*005010X231A1~ST*999*0001*005010X231A1~"
        "AK1*HC*1*005010X222A1~AK9*R*1*1*0~SE*4*0001~GE*1*901~IEA*1*000000901~"
    )
    code, out, err = run(capsysbinary, str(ack))
    assert (code, out) == (2, b"") and "999 acknowledgment" in err and "edi837 ack" in err


def test_the_collector_is_paused_while_reading_and_rendering_then_restored(
    here: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import edi837.render.remit as remit_render

    seen: list[bool] = []
    real = remit_render.render

    def watched(*args: object) -> None:
        seen.append(gc.isenabled())
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(remit_render, "render", watched)
    assert gc.isenabled()
    code, out, _ = run(capsysbinary, "paid.835", "--format", "json")
    assert (code, seen) == (0, [False])
    assert out == (GOLDEN / "paid.json").read_bytes()
    assert gc.isenabled()
