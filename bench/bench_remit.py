"""Reading a 100,000-claim 835: claims per second, against a plain split, and flat memory.

The file is synthetic but shaped like a Partnership remittance to an ECM/Community Supports
provider: LX groups, CLP with claim-level CAS, NM1*QC, DTM*232, 1-3 service lines each with
DTM*472, CAS, REF*6R and AMT*B6, billed at fee-schedule rates (so amounts repeat as they do in
real files), some lines reduced or denied, and PLB adjustments at the end.

Figures, all measured in the same run:

- ``baseline``: read the file, ``split`` on the segment terminator, ``split`` each segment on the
  element separator. No decoding; the floor for any reader written in Python.
- ``reader``: :func:`edi837.remit835.read_remittances` decoding everything, balances checked.
- peak memory of the reader for 20,000 and 100,000 claims, each measured in a fresh subprocess
  with tracemalloc, so the two can be compared: a streaming reader's peak does not grow.
- ``remit --format json|csv|xml``: the whole command (a fresh interpreter, imports, reading,
  rendering, writing the file) against the in-process reader on the same file, measured in the
  same round (issue 12's Output target: within 1.5x).

Every target is printed with its measured ratio as met or not met.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

CLAIMS = 100_000
SMALL = 20_000
TARGET_RATIO = 5.0
OUTPUT_TARGET = 1.5
OUTPUT_FORMATS = ("json", "csv", "xml")

# (code, modifiers, rate per unit, most units) from the Partnership default fee schedule
FEES = (
    ("G9008", "U1", Decimal("400.00"), 1),
    ("G9012", "U2", Decimal("400.00"), 1),
    ("G9012", "", Decimal("150.00"), 1),
    ("G9008", "U8", Decimal("5.00"), 4),
    ("H0043", "U6", Decimal("386.00"), 1),
    ("T2040", "U6", Decimal("222.00"), 2),
    ("T2033", "U6", Decimal("204.00"), 8),
    ("S9977", "U6", Decimal("66.00"), 4),
    ("T2020", "U6", Decimal("7.00"), 8),
    ("T1019", "U6", Decimal("8.25"), 16),
)
ISA = "ISA*00*          *00*          *ZZ*PARTNERSHIP    *ZZ*ECMPROVIDER    *260115*1200*^*00501*000000001*0*T*:~\n"


def generate(path: Path, claims: int, seed: int = 835) -> None:
    """Write a balanced 835 of ``claims`` claims (one transaction set) to ``path``."""
    rnd = random.Random(seed)
    body: list[str] = []
    total_paid = Decimal(0)
    for number in range(claims):
        if number % 1000 == 0:
            body.append(f"LX*{number // 1000 + 1}~\n")
        month = 1 + number % 12
        texts: list[str] = []
        charge = paid = Decimal(0)
        for line in range(rnd.randint(1, 3)):
            code, modifier, rate, most = rnd.choice(FEES)
            units = rnd.randint(1, most)
            line_charge = rate * units
            roll = rnd.random()
            if roll < 0.08:  # denied: no authorization
                line_paid, cas = Decimal(0), f"CAS*CO*197*{line_charge}~\n"
            elif roll < 0.20:  # reduced to the contracted amount
                cut = (line_charge * Decimal("0.1")).quantize(Decimal("0.01"))
                line_paid, cas = line_charge - cut, f"CAS*CO*45*{cut}~\n"
            else:
                line_paid, cas = line_charge, ""
            procedure = f"HC:{code}:{modifier}" if modifier else f"HC:{code}"
            texts.append(
                f"SVC*{procedure}*{line_charge}*{line_paid}**{units}~\n"
                f"DTM*472*2025{month:02d}{1 + line:02d}~\n"
                f"{cas}REF*6R*{number:07d}-{line + 1}~\nAMT*B6*{line_paid}~\n"
            )
            charge += line_charge
            paid += line_paid
        status = "4" if paid == 0 else "1"
        total_paid += paid
        body.append(
            f"CLP*ECM{number:08d}*{status}*{charge}*{paid}**MC*PHP{number:010d}*11*1~\n"
            f"NM1*QC*1*MEMBER*TEST****MI*9{number:08d}A~\nDTM*232*2025{month:02d}01~\n"
        )
        body.extend(texts)
    plb = "PLB*1234567893*20261231*WO:OVERPAY1*125.00*L6:INTEREST*-3.50~\n"
    payment = total_paid - Decimal("125.00") + Decimal("3.50")
    head = [
        f"BPR*I*{payment}*C*ACH*CCP*01*999999999*DA*123456*1234567890**01*999988880*DA*98765*20260115~\n",
        "TRN*1*EFT0001*1234567890~\n",
        "DTM*405*20260114~\n",
        "N1*PR*PARTNERSHIP HEALTHPLAN OF CALIFORNIA~\n",
        "N3*4665 BUSINESS CENTER DR~\n",
        "N4*FAIRFIELD*CA*94534~\n",
        "PER*BL*EDI SUPPORT*TE*8005551212~\n",
        "N1*PE*COMMUNITY CARE PROVIDER*XX*1234567893~\n",
    ]
    count = 1 + sum(part.count("~") for part in (*head, *body, plb)) + 1
    with path.open("w", encoding="ascii") as out:
        out.write(ISA)
        out.write("GS*HP*PARTNERSHIP*ECMPROVIDER*20260115*1200*1*X*005010X221A1~\n")
        out.write("ST*835*0001*005010X221A1~\n")
        out.writelines(head)
        out.writelines(body)
        out.write(plb)
        out.write(f"SE*{count}*0001~\nGE*1*1~\nIEA*1*000000001~\n")


def baseline(path: Path) -> tuple[float, int]:
    """Seconds for the plainest full pass: split segments, split elements. And the count."""
    started = time.perf_counter()
    text = path.read_text(encoding="ascii")
    count = 0
    for segment in text.split("~"):
        segment.split("*")
        count += 1
    return time.perf_counter() - started, count


def read(path: Path) -> tuple[float, int, int, Decimal]:
    """Seconds for the full reader; claims, warnings and the total paid it found."""
    from edi837.model.remittance import ClaimPayment, RemittanceTotals
    from edi837.remit835 import read_remittances

    started = time.perf_counter()
    claims = warnings = 0
    paid = Decimal(0)
    for event in read_remittances(path):
        if isinstance(event, ClaimPayment):
            claims += 1
        elif isinstance(event, RemittanceTotals):
            warnings += len(event.issues)
            paid += event.total_paid
    return time.perf_counter() - started, claims, warnings, paid


_PEAK = """
import json, sys, tracemalloc
from edi837.remit835 import read_remittances
tracemalloc.start()
for _ in read_remittances(sys.argv[1]):
    pass
print(json.dumps(tracemalloc.get_traced_memory()[1]))
"""


def peak_memory(path: Path, script: str = _PEAK) -> int:
    """Peak bytes allocated while ``script`` reads ``path`` (tracemalloc), in a fresh
    interpreter. The script prints the figure as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    return int(json.loads(done.stdout))


def verdict(ratio: float, target: float) -> str:
    """``met (3.21x, target <= 5.0x)`` or ``NOT met (...)``: how every target is printed."""
    return f"{'met' if ratio <= target else 'NOT met'} ({ratio:.2f}x, target <= {target}x)"


def command_seconds(path: Path, fmt: str, out: Path) -> float:
    """Wall seconds of ``edi837 remit PATH --format FMT --out OUT`` in a fresh interpreter."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "edi837", "remit", str(path), "--format", fmt, "--out", str(out)],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def output_figures(big: Path, work: Path) -> dict[str, object]:
    """Each format's whole command against the reader, side by side: three rounds of reader then
    the three commands, best of each."""
    reader_best = float("inf")
    best = dict.fromkeys(OUTPUT_FORMATS, float("inf"))
    for _ in range(3):
        reader_best = min(reader_best, read(big)[0])
        for fmt in OUTPUT_FORMATS:
            best[fmt] = min(best[fmt], command_seconds(big, fmt, work / f"out.{fmt}"))
    figures: dict[str, object] = {"output_reader_seconds": round(reader_best, 3)}
    for fmt in OUTPUT_FORMATS:
        ratio = best[fmt] / reader_best
        figures[f"remit_{fmt}_command_seconds"] = round(best[fmt], 3)
        figures[f"remit_{fmt}_output_mb"] = round((work / f"out.{fmt}").stat().st_size / 1e6, 1)
        figures[f"target_remit_{fmt}_within_{OUTPUT_TARGET}x_of_reader"] = verdict(
            ratio, OUTPUT_TARGET
        )
    return figures


def run(work: Path) -> dict[str, object]:
    big, small = work / "remit-100k.835", work / "remit-20k.835"
    generate(big, CLAIMS)
    generate(small, SMALL)
    segments = baseline(big)[1] - 1  # the text after the last terminator is empty
    # the split and the reader alternate, three rounds, so load falls on both sides of the ratio
    base = best = float("inf")
    for _ in range(3):
        base = min(base, baseline(big)[0])
        seconds, claims, warnings, paid = read(big)
        best = min(best, seconds)
    peak_small, peak_big = peak_memory(small), peak_memory(big)
    ratio = best / base
    figures = {
        "claims": claims,
        "segments": segments,
        "file_mb": round(big.stat().st_size / 1e6, 1),
        "warnings": warnings,
        "total_paid": str(paid),
        "baseline_seconds": round(base, 3),
        "reader_seconds": round(best, 3),
        "claims_per_second": round(claims / best),
        "segments_per_second": round(segments / best),
        "ratio_reader_to_split": round(ratio, 2),
        "target_reader_within_5x_of_split": verdict(ratio, TARGET_RATIO),
        "peak_mb_20k_claims": round(peak_small / 1e6, 2),
        "peak_mb_100k_claims": round(peak_big / 1e6, 2),
        "peak_growth_100k_over_20k": round(peak_big / peak_small, 2),
        "target_reader_memory_flat_20k_to_100k": verdict(peak_big / peak_small, 1.5),
    }
    figures.update(output_figures(big, work))
    return figures
