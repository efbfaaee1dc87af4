"""Reading a 100,000-claim 277CA and recording it (issue 7), against a plain split of the same
bytes in the same run, each in a fresh interpreter with its peak memory.

The ledger is written straight into its tables (bench_report's: one production batch of 100,000
ECM and Community Supports claims, two lines each); the 277CA answers every claim: the receiver
and provider levels accept the set, 90% of the claims are accepted into adjudication with the
payer's claim number, 10% rejected (invalid rendering NPI, missing information) with the line
that caused it, as a payer's real answer to a large batch looks.

Figures, all measured in the same run:

- ``split``: read the file, ``split`` on the segment terminator, ``split`` each segment on the
  element separator (bench_remit's baseline): the floor for any reader written in Python, and
  what holding the file's text costs.
- ``read``: :class:`edi837.ack.AckReader` handing out every answer.
- ``record``: ``edi837 ack``'s service (:func:`edi837.services.acks.record_acks`): reading,
  tying each answer to the claim it names, recording, and refreshing what counts as billed for
  the 100,000 claims, in one transaction.
- peak memory (VmHWM) of each; the reader's allocations for 20,000 and 100,000 claims
  (tracemalloc), which stay flat when it streams.

Targets: reading within 5x the split (the 835 reader's); recording with no more memory than the
plain split of the same file (it streams: a claim at a time, never the whole file).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_build import _child
from bench.bench_remit import peak_memory
from bench.bench_report import CS_LINES, ECM_LINES, fill_ledger
from edi837.model.claims import set_reference

CLAIMS = 100_000
SMALL = 20_000
READ_TARGET = 5.0
ISA = "ISA*00*          *00*          *ZZ*PHCTEST01      *ZZ*NCCC0001       *260204*0900*^*00501*000000902*0*P*:~"


def write_277ca(path: Path, claims: int) -> int:
    """A 277CA answering claims B00000000... of bench_report's ledger; returns how many it
    rejects."""
    body = [
        "BHT*0085*08*PHC20260204*20260204*0900*TH~",
        "HL*1**20*1~",
        "NM1*PR*2*PARTNERSHIP HEALTHPLAN OF CALIFORNIA*****PI*PHC~",
        "TRN*1*PHC20260204~",
        "DTP*050*D8*20260203~",
        "DTP*009*D8*20260204~",
        "HL*2*1*21*1~",
        "NM1*41*2*NORTH COAST CARE COLLABORATIVE*****46*NCCC0001~",
        f"TRN*2*{set_reference(1, 1)}~",
        "STC*A1:19:PR*20260204*WQ~",
        "HL*3*2*19*1~",
        "NM1*85*2*NORTH COAST CARE COLLABORATIVE*****XX*1234567893~",
        "TRN*1*0~",
        "STC*A1:19:PR**WQ~",
    ]
    rejected = 0
    for n in range(claims):
        claim_id = f"B{n:08d}"
        lines = ECM_LINES if n % 3 != 0 else CS_LINES
        charges = [rate * units for _code, _modifier, rate, units in lines]
        total = sum(charges)
        body += [
            f"HL*{n + 4}*3*PT~",
            f"NM1*QC*1*MEMBER*TEST****MI*9{n:08d}A~",
            f"TRN*2*{claim_id}~",
        ]
        if n % 10 == 7:
            rejected += 1
            code, modifier, _rate, _units = lines[0]
            body += [
                f"STC*A7:562:82*20260204*U*{total}~"
                if n % 20 == 7
                else f"STC*A3:21*20260204*U*{total}~",
                "DTP*472*D8*20260110~",
                f"SVC*HC:{code}:{modifier}*{charges[0]}~",
                "STC*A7:453*20260204*U~",
                f"REF*FJ*{claim_id}L01~",
                "DTP*472*D8*20260110~",
            ]
        else:
            body += [
                f"STC*A2:20:PR*20260204*WQ*{total}~",
                f"REF*1K*PHC{n:010d}~",
                "DTP*472*D8*20260110~",
            ]
    with path.open("w", encoding="ascii") as out:
        out.write(ISA + "\n")
        out.write("GS*HN*PHCTEST01*NCCC0001*20260204*0900*902*X*005010X214~\n")
        out.write("ST*277*0001*005010X214~\n")
        out.write("\n".join(body) + "\n")
        out.write(f"SE*{len(body) + 2}*0001~\nGE*1*902~\nIEA*1*000000902~\n")
    return rejected


SPLIT = """
from pathlib import Path
start = time.perf_counter()
text = Path(sys.argv[1]).read_text(encoding="ascii")
for segment in text.split("~"):
    segment.split("*")
seconds = time.perf_counter() - start
"""

READ = """
from edi837.ack import AckReader
start = time.perf_counter()
answers = sum(1 for _ in AckReader(sys.argv[1]))
seconds = time.perf_counter() - start
"""

RECORD = """
from datetime import date
from pathlib import Path
from edi837.ledger.store import Ledger
from edi837.services.acks import record_acks
with Ledger(Path(sys.argv[2]), create=False) as book:
    start = time.perf_counter()
    run = record_acks(book, [Path(sys.argv[1])], imported_at=date(2026, 2, 5))
    seconds = time.perf_counter() - start
assert run.tally.answers > 0
print(json.dumps({"answers": run.tally.answers, "rejected": run.tally.rejected,
                  "unmatched": run.tally.unmatched}))
"""

_ALLOCATED = """
import json, sys, tracemalloc
from edi837.ack import AckReader
tracemalloc.start()
for _ in AckReader(sys.argv[1]):
    pass
print(json.dumps(tracemalloc.get_traced_memory()[1]))
"""


def _tally(path: Path, ledger: Path) -> tuple[dict[str, float], dict[str, int]]:
    """The record run's figures, and the tally it printed before them."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, time\n"
            + RECORD
            + "rss = next(int(l.split()[1]) for l in open('/proc/self/status') "
            "if l.startswith('VmHWM')) / 1024\n"
            "print(json.dumps({'seconds': seconds, 'peak_rss_mib': round(rss, 1)}))\n",
            str(path),
            str(ledger),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    tally, figures = (json.loads(line) for line in done.stdout.strip().splitlines()[-2:])
    return figures, tally


def run(work: Path) -> dict[str, object]:
    ledger = work / "ledger.sqlite"
    started = time.perf_counter()
    fill_ledger(ledger, CLAIMS)
    big, small = work / "claims-100k.277", work / "claims-20k.277"
    rejected = write_277ca(big, CLAIMS)
    write_277ca(small, SMALL)
    setup = time.perf_counter() - started
    # three rounds, the split and the read alternating, so a burst of load on this shared
    # machine falls on both sides of the ratio rather than on one
    rounds = [(_child(SPLIT, str(big)), _child(READ, str(big))) for _ in range(3)]
    split = min((pair[0] for pair in rounds), key=lambda r: r["seconds"])
    read = min((pair[1] for pair in rounds), key=lambda r: r["seconds"])
    copy = work / "record.sqlite"
    shutil.copyfile(ledger, copy)
    record, tally = _tally(big, copy)
    assert tally["rejected"] == rejected and tally["unmatched"] == 0, tally
    read_ratio = read["seconds"] / split["seconds"]
    memory_ratio = record["peak_rss_mib"] / split["peak_rss_mib"]
    small_peak, big_peak = peak_memory(small, _ALLOCATED), peak_memory(big, _ALLOCATED)
    return {
        "claims": CLAIMS,
        "file_mb": round(big.stat().st_size / 1e6, 1),
        "answers_recorded": tally["answers"],
        "claims_rejected": tally["rejected"],
        "setup_seconds": round(setup, 1),
        "split_seconds": round(split["seconds"], 3),
        "split_peak_rss_mib": split["peak_rss_mib"],
        "read_seconds": round(read["seconds"], 2),
        "read_peak_rss_mib": read["peak_rss_mib"],
        "read_claims_per_second": round(CLAIMS / read["seconds"]),
        "ratio_read_to_split": round(read_ratio, 2),
        "read_target": f"{'met' if read_ratio <= READ_TARGET else 'NOT met'} (<= {READ_TARGET}x)",
        "record_seconds": round(record["seconds"], 2),
        "record_peak_rss_mib": record["peak_rss_mib"],
        "ratio_record_to_split_seconds": round(record["seconds"] / split["seconds"], 1),
        "ratio_record_to_split_peak_memory": round(memory_ratio, 2),
        "record_memory_target": f"{'met' if memory_ratio <= 1.0 else 'NOT met'} (<= 1.0x the split's)",
        "reader_allocated_mb_20k_claims": round(small_peak / 1e6, 2),
        "reader_allocated_mb_100k_claims": round(big_peak / 1e6, 2),
        "reader_allocation_growth_100k_over_20k": round(big_peak / small_peak, 2),
    }
