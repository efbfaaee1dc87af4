"""Random whole ledgers for property tests: batches (test and production, written, adopted,
abandoned or pending), originals, voids and replacements, front-door answers at every scope
(TA1, 999 group and set, 277CA claim and line), 835 adjudications of every CLP02 the state
machine reads (paid, denied, secondary, reversed, not ours, priced only) with and without line
detail, and recoupments. Members, codes and dates come from small sets, so that resends,
duplicate answers and same-day events happen often.

:func:`ledgers` draws a plain description; :func:`write_ledger` writes it through the ledger's
own schema.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from edi837.ledger.store import Ledger

# (code, modifier, charge per line) from the Partnership default fee schedule
SERVICES = (
    ("G9008", "U1", "400.00"),
    ("G9012", "U8", "15.00"),
    ("H0043", "U6", "386.00"),
    ("T2040", "U6", "444.00"),
)
MEMBERS = ("90000001A", "90000002B")
DAYS = ("2026-01-05", "2026-01-12")
ANSWER_DAYS = ("2026-02-03", "2026-02-10", "2026-03-01", "2026-03-01", None)
PAY_DAYS = ("2026-02-20", "2026-03-01", "2026-03-01", "2026-03-15")
AMOUNTS = ("0", "0.00", "5.00", "15.00", "40.00", "386.00", "400", "400.00", "-400.00", "10.5")
STATUSES = ("1", "1", "1", "2", "4", "4", "22", "23", "25")
REASONS = (("CO", "45"), ("CO", "197"), ("CO", "27"), ("PR", "1"), ("OA", "23"), ("PI", "96"))
OUTCOMES = ("accepted", "accepted_with_errors", "partial", "rejected")


@st.composite
def ledgers(draw: st.DrawFn) -> dict[str, Any]:
    batches = [
        {
            "batch_id": n,
            "usage": draw(st.sampled_from("TP")),
            "event": draw(st.sampled_from(("written",) * 4 + ("adopted", "abandoned", None))),
            "created_at": f"2026-02-0{n}T09:00:00",
        }
        for n in range(1, draw(st.integers(1, 3)) + 1)
    ]
    claims: list[dict[str, Any]] = []
    for n in range(1, draw(st.integers(1, 14)) + 1):
        frequency = draw(st.sampled_from("11178")) if claims else "1"
        original = draw(st.sampled_from(claims))["claim_id"] if frequency != "1" else None
        claim_id = f"N{n:08d}"
        lines = [
            {
                "line_id": f"{claim_id}L{k:02d}",
                "service": draw(st.sampled_from(SERVICES[:2] if n % 2 else SERVICES)),
                "date": draw(st.sampled_from(DAYS)),
                "units": draw(st.sampled_from(("1", "3"))),
                "expected": draw(st.sampled_from((None, None, None, "G9007"))),
                "live": draw(st.sampled_from((1, 1, 0))),
                "denied": draw(st.sampled_from((0, 0, 1))),
            }
            for k in range(1, draw(st.integers(0, 3)) + 1)
        ]
        claims.append(
            {
                "claim_id": claim_id,
                "batch_id": draw(st.sampled_from(batches))["batch_id"],
                "st02": draw(st.integers(1, 2)),
                "member": draw(st.sampled_from(MEMBERS)),
                "frequency": frequency,
                "original": original,
                "lines": lines,
            }
        )
    acks = draw(st.lists(_ack(batches, claims), max_size=8))
    remittances = draw(st.lists(_remittance(claims), max_size=4))
    return {"batches": batches, "claims": claims, "acks": acks, "remittances": remittances}


def _ack(batches: list[dict[str, Any]], claims: list[dict[str, Any]]) -> st.SearchStrategy[Any]:
    claim = st.sampled_from(claims)
    return st.one_of(
        st.tuples(
            st.just("TA1"),
            st.just("interchange"),
            st.sampled_from(batches).map(lambda b: b["batch_id"]),
            st.none(),
            st.none(),
        ),
        st.tuples(
            st.just("999"),
            st.sampled_from(("group", "transaction")),
            st.sampled_from(batches).map(lambda b: b["batch_id"]),
            st.integers(1, 2),
            st.none(),
        ),
        st.tuples(
            st.just("277CA"), st.sampled_from(("claim", "line")), st.none(), st.none(), claim
        ),
    ).flatmap(
        lambda head: st.tuples(
            st.just(head),
            st.sampled_from(OUTCOMES),
            st.sampled_from(ANSWER_DAYS),
            st.integers(1, 3),  # the file it came in
        )
    )


def _adjustments() -> st.SearchStrategy[list[list[Any]]]:
    return st.lists(
        st.tuples(st.sampled_from(REASONS), st.sampled_from(AMOUNTS)).map(
            lambda pair: [pair[0][0], pair[0][1], pair[1], None]
        ),
        max_size=2,
    )


def _remarks() -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(("N54", "M15", "N640", "MA130")), max_size=2)


def _remittance(claims: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    def claim_event(claim: dict[str, Any] | None) -> st.SearchStrategy[dict[str, Any]]:
        sent = claim["lines"] if claim else []
        line = st.fixed_dictionaries(
            {
                "line_id": st.sampled_from([ln["line_id"] for ln in sent] + [None]),
                "charge": st.sampled_from(AMOUNTS),
                "paid": st.sampled_from((*AMOUNTS, None)),
                "adjustments": _adjustments(),
                "remarks": _remarks(),
            }
        )
        return st.fixed_dictionaries(
            {
                "claim_id": st.just(claim["claim_id"] if claim else None),
                "status": st.sampled_from(STATUSES),
                "charge": st.sampled_from((*AMOUNTS, None)),
                "paid": st.sampled_from((*AMOUNTS, None)),
                "patient": st.sampled_from((None, "0", "5.00")),
                "number": st.sampled_from(("ICN0001", "ICN0002", "")),
                "adjustments": _adjustments(),
                "remarks": _remarks(),
                "lines": st.lists(line, max_size=3),
            }
        )

    return st.fixed_dictionaries(
        {
            "date": st.sampled_from(PAY_DAYS),
            "issued": st.sampled_from(("2026-03-01 000000901", "2026-03-01 000000902", None)),
            "claims": st.lists(
                st.one_of(st.sampled_from(claims), st.none()).flatmap(claim_event), max_size=4
            ),
            "recoupments": st.lists(
                st.tuples(
                    st.sampled_from([c["claim_id"] for c in claims]),
                    st.sampled_from(("WO", "72", "L6")),
                    st.sampled_from(AMOUNTS),
                ),
                max_size=2,
            ),
        }
    )


@contextmanager
def written_ledger(spec: dict[str, Any]) -> Iterator[Path]:
    """A ledger holding ``spec`` in a folder of its own, removed after: hypothesis runs many
    examples in one test, and pytest's ``tmp_path`` is one folder for all of them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.sqlite"
        write_ledger(path, spec)
        yield path


@contextmanager
def copied_ledger(source: Path) -> Iterator[Path]:
    """A copy of the ledger at ``source`` in a folder of its own, removed after (a hypothesis
    example may change it as it likes; the module's fixture stays as it was)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.sqlite"
        shutil.copyfile(source, path)
        yield path


Knob = tuple[str, str, str, tuple[str, ...]]  # (table, key column, column, SQL values)


def redraw(db: Any, knobs: Iterable[Knob], rng: random.Random) -> None:
    """Each knob's column set, row by row, to one of its values drawn at random (the first
    value is the row's own), so claims alike but for a column or two are told apart."""
    for table, key, column, values in sorted(knobs):
        ids = [row[0] for row in db.execute(f"SELECT {key} FROM {table} ORDER BY 1")]
        drawn = [rng.randrange(len(values)) for _ in ids]
        for index, value in enumerate(values[1:], 1):
            db.executemany(
                f"UPDATE {table} SET {column} = {value} WHERE {key} = ?",
                [(i,) for i, n in zip(ids, drawn, strict=True) if n == index],
            )


@contextmanager
def redrawn_ledger(source: Path, knobs: Iterable[Knob], seed: int) -> Iterator[Ledger]:
    """A copy of the ledger at ``source`` (:func:`copied_ledger`) open for writing, its knobs'
    columns redrawn (:func:`redraw`) with a generator seeded by ``seed``."""
    with copied_ledger(source) as path, Ledger(path) as book, book.write():
        redraw(book.db, knobs, random.Random(seed))
        yield book


def write_ledger(path: Path, spec: dict[str, Any]) -> None:
    """A ledger at ``path`` holding ``spec`` (from :func:`ledgers`)."""
    with Ledger(path) as book, book.write() as db:
        for b in spec["batches"]:
            n = b["batch_id"]
            db.execute(
                "INSERT INTO batches (batch_id, created_at, as_of, records_file, output_file, "
                "file_sha256, isa13, gs06, usage, sender_id, receiver_id, claim_count, line_count, "
                "total_charge) VALUES (?, ?, '2026-02-01', 'r.csv', 'o.837', '0', ?, ?, ?, "
                "'NCCC0001', 'PHCTEST01', 0, 0, '0')",
                (n, b["created_at"], n, n, b["usage"]),
            )
            if b["event"]:
                db.execute(
                    "INSERT INTO batch_events VALUES (?, ?, ?)", (n, b["event"], b["created_at"])
                )
        for c in spec["claims"]:
            total = sum(float(ln["service"][2]) for ln in c["lines"])
            db.execute(
                "INSERT INTO claims (claim_id, batch_id, st02, member_id, category, service_month, "
                "first_date, frequency, original_claim_id, total_charge, place_of_service, "
                "diagnoses, member_last_name, member_first_name, member_birth_date, member_sex, "
                "member_address) VALUES (?, ?, ?, ?, 'ECM', '2026-01', '2026-01-05', ?, ?, ?, "
                "'12', 'Z5901', 'DOE', 'JANE', '1980-01-01', 'F', '1 MAIN ST||EUREKA|CA|95501')",
                (
                    c["claim_id"],
                    c["batch_id"],
                    c["st02"],
                    c["member"],
                    c["frequency"],
                    c["original"],
                    f"{total:.2f}",
                ),
            )
            for number, ln in enumerate(c["lines"], 1):
                code, modifier, charge = ln["service"]
                db.execute(
                    "INSERT INTO lines (line_id, claim_id, line_number, member_id, procedure, "
                    "modifiers, service_date, units, charge, expected_unpaid, live, denied) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        ln["line_id"],
                        c["claim_id"],
                        number,
                        c["member"],
                        code,
                        modifier,
                        ln["date"],
                        ln["units"],
                        charge,
                        ln["expected"],
                        ln["live"],
                        ln["denied"],
                    ),
                )
        _write_acks(db, spec)
        _write_remittances(db, spec)


def _write_acks(db: Any, spec: dict[str, Any]) -> None:
    for n in range(1, 4):
        db.execute(
            "INSERT INTO ack_files (file_id, sha256, name, imported_at) VALUES (?, ?, ?, ?)",
            (n, f"{n:064d}", f"answer{n}", "2026-02-04"),
        )
    for seq, ((source, scope, batch, st02, claim), outcome, on, file_id) in enumerate(
        spec["acks"], 1
    ):
        line_id = claim["lines"][0]["line_id"] if claim and claim["lines"] else None
        db.execute(
            "INSERT INTO ack_events (file_id, seq, source, scope, batch_id, st02, claim_id, "
            "line_id, outcome, reference, codes, answered_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?)",
            (
                file_id,
                seq,
                source,
                scope,
                batch,
                st02,
                claim["claim_id"] if claim else None,
                line_id if scope == "line" else None,
                outcome,
                "ref",
                json.dumps([["A7:562", "invalid NPI"]] if outcome == "rejected" else []),
                on,
            ),
        )


def _write_remittances(db: Any, spec: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO remittance_files (file_id, sha256, name, imported_at) "
        "VALUES (1, 'f', 'r.835', '2026-03-05')"
    )
    for number, r in enumerate(spec["remittances"], 1):
        db.execute(
            "INSERT INTO remittances (remittance_id, file_id, st02, payer_key, trace_number, "
            "payer_name, payee_name, payment_amount, payment_method, payment_date, event_date, "
            "issued_at) VALUES (?, 1, ?, '1941234567', ?, 'PHC', 'NCCC', '0', 'ACH', ?, ?, ?)",
            (number, f"{number:04d}", f"EFT{number}", r["date"], r["date"], r["issued"]),
        )
        for seq, e in enumerate(r["claims"], 1):
            cursor = db.execute(
                "INSERT INTO claim_events (remittance_id, seq, patient_control_number, claim_id, "
                "status_code, charge, paid, patient_responsibility, payer_claim_number, has_lines, "
                "adjustments, remarks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    number,
                    seq,
                    e["claim_id"] or "OTHER1",
                    e["claim_id"],
                    e["status"],
                    e["charge"],
                    e["paid"],
                    e["patient"],
                    e["number"],
                    1 if e["lines"] else 0,
                    json.dumps(e["adjustments"], separators=(",", ":")),
                    json.dumps(e["remarks"]),
                ),
            )
            for ln in e["lines"]:
                db.execute(
                    "INSERT INTO line_events (claim_event_id, line_id, matched_by, procedure, "
                    "modifiers, service_date, line_control_number, charge, paid, units, "
                    "adjustments, remarks) VALUES (?, ?, '6R', 'G9008', 'U1', NULL, '', ?, ?, "
                    "'1', ?, ?)",
                    (
                        cursor.lastrowid,
                        ln["line_id"],
                        ln["charge"],
                        ln["paid"],
                        json.dumps(ln["adjustments"], separators=(",", ":")),
                        json.dumps(ln["remarks"]),
                    ),
                )
        for claim_id, reason, amount in r["recoupments"]:
            db.execute(
                "INSERT INTO provider_adjustments (remittance_id, provider_identifier, reason, "
                "reference, amount, claim_id) VALUES (?, '1234567893', ?, 'ICN0001', ?, ?)",
                (number, reason, amount, claim_id),
            )
