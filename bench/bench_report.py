"""``edi837 report`` of a 100,000-claim ledger, against ``edi837 claims --format json`` on the
same ledger in the same run (issue 13: within 2x), each timed with its peak memory in a fresh
interpreter.

The ledger is written straight into its tables (a build of the million records it would take
is not what is measured): four service months of production claims, ECM and Community
Supports, then one 835 answering 40% of them (paid, reduced by contract, denied for
authorization or eligibility) imported through the real reconcile service.
"""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.bench_build import _child
from bench.records_gen import member_id
from edi837.ingest.profile import load_profile
from edi837.ledger.store import Ledger
from edi837.services.reconcile import import_remittances

REPO = Path(__file__).resolve().parent.parent
CLAIMS = 100_000
MONTHS = ((2025, 10), (2025, 11), (2025, 12), (2026, 1))
ANSWERED = 0.4
TARGET = 2.0
ECM_LINES = (("G9008", "U1", Decimal("400.00"), 1), ("G9012", "U8", Decimal("5.00"), 3))
CS_LINES = (("H0043", "U6", Decimal("386.00"), 1), ("T2040", "U6", Decimal("222.00"), 2))

CLAIM_SQL = (
    "INSERT INTO claims (claim_id, batch_id, st02, member_id, category, service_month, first_date, "
    "frequency, total_charge, place_of_service, diagnoses, member_last_name, member_first_name, "
    "member_birth_date, member_sex, member_address) VALUES (?, 1, 1, ?, ?, ?, ?, '1', ?, '12', "
    "'Z5901', 'DOE', 'JANE', '1980-01-01', 'F', '1 MAIN ST||EUREKA|CA|95501')"
)
LINE_SQL = (
    "INSERT INTO lines (line_id, claim_id, line_number, member_id, procedure, modifiers, "
    "service_date, units, charge, pointers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '1')"
)


def fill_ledger(path: Path, claims: int) -> list[tuple[str, str, list[tuple[str, str, Decimal]]]]:
    """The claims, written as one production batch; returns what the 835 answers."""
    Ledger(path).close()  # the schema
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO batches (batch_id, created_at, as_of, records_file, output_file, file_sha256, "
        "isa13, gs06, usage, sender_id, receiver_id, claim_count, line_count, total_charge) VALUES "
        "(1, '2026-02-02T00:00:00', '2026-02-02', 'bench.csv', 'bench.837', '0', 1, 1, 'P', "
        f"'NCCC0001', 'PHCTEST01', {claims}, 0, '0')"
    )
    db.execute("INSERT INTO transaction_sets (st02, batch_id) VALUES (1, 1)")
    db.execute("INSERT INTO batch_events (batch_id, event, at) VALUES (1, 'written', '2026-02-02')")
    claim_rows, line_rows, answers = [], [], []
    rng = random.Random(13)
    for n in range(claims):
        year, month = MONTHS[n % len(MONTHS)]
        day = date(year, month, 1 + n % 20)
        claim_id = f"B{n:08d}"
        member = member_id(10_000_000 + n // len(MONTHS))
        ecm = n % 3 != 0
        total = Decimal(0)
        sent = []
        for number, (code, modifier, rate, units) in enumerate(ECM_LINES if ecm else CS_LINES, 1):
            charge = rate * units
            total += charge
            line_id = f"{claim_id}L{number:02d}"
            line_rows.append(
                (
                    line_id,
                    claim_id,
                    number,
                    member,
                    code,
                    modifier,
                    (day + timedelta(days=number)).isoformat(),
                    str(units),
                    str(charge),
                )
            )
            sent.append((line_id, f"{code}:{modifier}", charge))
        claim_rows.append(
            (
                claim_id,
                member,
                "ECM" if ecm else "CS",
                f"{year}-{month:02d}",
                day.isoformat(),
                str(total),
            )
        )
        if rng.random() < ANSWERED:
            answers.append((claim_id, member, sent))
    db.executemany(CLAIM_SQL, claim_rows)
    db.executemany(LINE_SQL, line_rows)
    db.execute("COMMIT")
    db.close()
    return answers


def write_835(path: Path, answers: list[tuple[str, str, list[tuple[str, str, Decimal]]]]) -> None:
    """One payment answering the claims: most paid, some reduced by contract (CO-45), some
    denied (CO-197 authorization, CO-27 eligibility)."""
    rng = random.Random(835)
    body: list[str] = []
    total = Decimal(0)
    for index, (claim_id, member, lines) in enumerate(answers):
        if index % 1000 == 0:
            body.append(f"LX*{index // 1000 + 1}~")
        roll = rng.random()
        svcs: list[str] = []
        charge = paid = Decimal(0)
        for line_id, procedure, line_charge in lines:
            if roll < 0.10:
                line_paid, cas = (
                    Decimal(0),
                    f"CAS*CO*{'197' if roll < 0.06 else '27'}*{line_charge}~",
                )
            elif roll < 0.25:
                cut = (line_charge * Decimal("0.1")).quantize(Decimal("0.01"))
                line_paid, cas = line_charge - cut, f"CAS*CO*45*{cut}~"
            else:
                line_paid, cas = line_charge, ""
            svcs.append(f"SVC*HC:{procedure}*{line_charge}*{line_paid}**1~{cas}REF*6R*{line_id}~")
            charge += line_charge
            paid += line_paid
        total += paid
        status = "4" if not paid else "1"
        body.append(
            f"CLP*{claim_id}*{status}*{charge}*{paid}**MC*ICN{index:09d}*12*1~NM1*QC*1*DOE*JANE****MI*{member}~"
        )
        body.extend(svcs)
    head = [
        "ISA*00*          *00*          *ZZ*PHCTEST01      *ZZ*NCCC0001       *260305*1200*^*00501*000000901*0*P*:~",
        "GS*HP*PHCTEST01*NCCC0001*20260305*1200*901*X*005010X221A1~",
        "ST*835*0901~",
        f"BPR*I*{total}*C*ACH*CCP*01*121000248*DA*123456789*1234567890**01*121000358*DA*987654321*20260305~",
        "TRN*1*BENCH0001*1941234567~",
        "DTM*405*20260305~",
        "N1*PR*PARTNERSHIP HEALTHPLAN OF CALIFORNIA~",
        "N3*4665 BUSINESS CENTER DR~",
        "N4*FAIRFIELD*CA*945345920~",
        "N1*PE*NORTH COAST CARE COLLABORATIVE*XX*1234567893~",
    ]
    segments = len(head) - 2 + sum(part.count("~") for part in body) + 1
    text = "\n".join([*head, *body, f"SE*{segments}*0901~", "GE*1*901~", "IEA*1*000000901~"])
    path.write_text(text + "\n", encoding="ascii")


CLI = """
from edi837.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
assert code == 0, code
"""


def run(work: Path) -> dict[str, object]:
    ledger = work / "ledger.sqlite"
    started = time.perf_counter()
    answers = fill_ledger(ledger, CLAIMS)
    remittance = work / "bench.835"
    write_835(remittance, answers)
    with Ledger(ledger) as book:
        import_remittances(
            book,
            [remittance],
            imported_at=date(2026, 3, 5),
            profile=load_profile(REPO / "fixtures" / "profile.toml"),
        )
    setup = time.perf_counter() - started
    common = ["--ledger", str(ledger), "--as-of", "2026-03-05"]
    json_args = ["claims", *common, "--format", "json", "--out", str(work / "claims.json")]
    report_args = ["report", *common, "--out", str(work / "report.html")]
    # side by side, twice each, alternating: the best of each is what is compared
    runs: dict[str, list[dict[str, float]]] = {"json": [], "report": []}
    for _ in range(2):
        runs["json"].append(_child(CLI, *json_args))
        runs["report"].append(_child(CLI, *report_args))
    best = {name: min(r["seconds"] for r in results) for name, results in runs.items()}
    peak = {name: max(r["peak_rss_mib"] for r in results) for name, results in runs.items()}
    ratio = best["report"] / best["json"]
    return {
        "report_claims": CLAIMS,
        "claims_answered_by_the_835": len(answers),
        "ledger_setup_seconds": round(setup, 1),
        "claims_json_seconds": round(best["json"], 2),
        "claims_json_peak_rss_mib": peak["json"],
        "report_seconds": round(best["report"], 2),
        "report_peak_rss_mib": peak["report"],
        "report_over_json_ratio": round(ratio, 2),
        "report_target_ratio": f"<= {TARGET}",
        "report_target": "met" if ratio <= TARGET else "NOT met",
        "report_html_mib": round((work / "report.html").stat().st_size / 2**20, 1),
        "report_work_list_rows": _work_rows(work / "report.html"),
        "claims_json_mib": round((work / "claims.json").stat().st_size / 2**20, 1),
    }


def _work_rows(page: Path) -> int:
    text = page.read_text(encoding="utf-8")
    return text[text.index('id="work-list"') :].count("<tr>") - 1  # less its heading row
