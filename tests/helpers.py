"""Helpers for building fixtures through the real services in tests."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from edi837.ingest.profile import load_profile, parse_profile
from edi837.ingest.tars import read_tars
from edi837.issues import Report
from edi837.ledger.store import Ledger
from edi837.model.profile import Profile
from edi837.services.build import BuildResult, build

from .conftest import FIXTURES

PROFILE = FIXTURES / "profile.toml"


def profile(**overrides: dict[str, object]) -> Profile:
    """The sample profile, with tables replaced or extended."""
    import tomllib

    data = tomllib.loads(PROFILE.read_text(encoding="utf-8"))
    for table, values in overrides.items():
        data.setdefault(table, {}).update(values)
    return parse_profile(data, "test-profile")


def build_file(
    records: Path,
    out: Path,
    ledger: Path,
    *,
    as_of: date = date(2026, 2, 2),
    tars: Path | None = None,
    prof: Profile | None = None,
    allow: frozenset[str] = frozenset(),
) -> BuildResult:
    with Ledger(ledger) as book:
        return build(
            records,
            prof or load_profile(PROFILE),
            out,
            book,
            as_of=as_of,
            created=datetime.combine(as_of, datetime.min.time()),
            allow=allow,
            tars=read_tars(tars, Report()) if tars else None,
        )


def write_csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def accept(ledger: Path, *claim_ids: str, on: date = date(2026, 2, 3)) -> None:
    """Record the payer's 999 accepting the batches of these claims (as `edi837 ack` would)."""
    _answer_999(ledger, claim_ids, on, rejected=False)


def reject(ledger: Path, *claim_ids: str, on: date = date(2026, 2, 3)) -> None:
    """Record the payer's 999 rejecting the transaction sets of these claims (an NM1 element in
    error, as a front door says it)."""
    _answer_999(ledger, claim_ids, on, rejected=True)


def _answer_999(ledger: Path, claim_ids: tuple[str, ...], on: date, *, rejected: bool) -> None:
    from edi837.model.acks import AckCode, GroupAck, SetAck, Verdict
    from edi837.services.acks import import_acks

    verdict = Verdict.REJECTED if rejected else Verdict.ACCEPTED
    codes = (
        (AckCode("IK304", "8", "segment has data element errors", 12, "NM1", "2010BA"),)
        if rejected
        else ()
    )
    with Ledger(ledger) as book:
        rows = [
            book.db.execute(
                "SELECT b.gs06, c.st02 FROM claims c JOIN batches b ON b.batch_id = c.batch_id "
                "WHERE c.claim_id = ?",
                (claim_id,),
            ).fetchone()
            for claim_id in claim_ids
        ]
        answers = [
            GroupAck(
                position=1,
                functional_id="HC",
                control_number=str(gs06),
                verdict=verdict,
                sets=(SetAck(2, "837", f"{st02:04d}", verdict, codes),),
                on=on,
            )
            for gs06, st02 in rows
        ]
        kind = "rejected" if rejected else "999"
        marker = ledger.with_name(f"{ledger.name}.{kind}-{'-'.join(claim_ids)}-{on.isoformat()}")
        marker.write_text("answers: " + repr(answers), encoding="utf-8")
        import_acks(book, [marker], lambda path: answers, imported_at=on)


def check_argv(records: Path, *extra: str) -> list[str]:
    """``edi837 check RECORDS`` with the sample profile on the fixtures' as-of date."""
    return ["check", str(records), "--profile", str(PROFILE), "--as-of", "2026-02-02", *extra]
