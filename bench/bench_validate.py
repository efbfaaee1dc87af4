"""The conformance engine (issue 9): on the same 100,000-record batch, in the same run, our engine
against pyx12 against a plain split of the same bytes; and its peak memory from 10,000 to
1,000,000 claims.

Times are CPU seconds of a fresh child process (``time.process_time``): on a shared machine the
wall clock measures the neighbours as much as the program. pyx12 runs once, on the 100,000-record
batch only (it takes minutes). The memory runs stream a synthetic batch (bench/claims_gen.py)
into the engine, so the file itself is never held or written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.bench_build import BUILD, _child
from bench.records_gen import write_records

REPO = Path(__file__).resolve().parent.parent
RECORDS = 100_000
SMALL_CLAIMS, LARGE_CLAIMS = 10_000, 1_000_000
TARGETS = {"over_pyx12": 20.0, "over_split": 10.0, "memory_mib": 10.0}

_MEASURED = """
import json, sys, time
{code}
rss = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024
figures['peak_rss_mib'] = round(rss, 1)
print(json.dumps(figures))
"""

SPLIT = """
from pathlib import Path
path = Path(sys.argv[1])
start = time.process_time()
text = path.read_bytes().decode('utf-8')
segments = 0
for piece in text.split(text[105]):
    elements = piece.lstrip('\\r\\n').split(text[3])
    segments += 1
figures = {'seconds': time.process_time() - start, 'segments': segments}
"""

OURS = """
from pathlib import Path
from edi837.conformance.engine import validate
start, wall = time.process_time(), time.perf_counter()
result = validate(Path(sys.argv[1]))
figures = {'seconds': time.process_time() - start, 'wall_seconds': time.perf_counter() - wall,
           'segments': result.segments, 'findings': result.findings.total, 'ok': result.ok}
"""

PYX12 = """
from pathlib import Path
from edi837.conformance.engine import validate
from edi837.oracle.pyx12_validator import validate_file
sys.path.insert(0, '.')
from tests.oracle_compare import differences
path = Path(sys.argv[1])
start, wall = time.process_time(), time.perf_counter()
theirs = validate_file(path)
seconds, wall_seconds = time.process_time() - start, time.perf_counter() - wall
explained, only_theirs, only_ours = differences(theirs, validate(path))
figures = {'seconds': seconds, 'wall_seconds': wall_seconds, 'findings': len(theirs.issues),
           'equal': not only_theirs and not only_ours, 'explained': sum(explained.values())}
"""

MEMORY = """
from bench.claims_gen import stream
from edi837.conformance.engine import validate
start = time.process_time()
result = validate(stream(int(sys.argv[1])), name='synthetic')
figures = {'seconds': time.process_time() - start, 'segments': result.segments, 'ok': result.ok}
"""


def _measure(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED.format(code=code), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def run(work: Path) -> dict[str, object]:
    figures: dict[str, object] = {}
    records = work / "records-100k.csv"
    batch = work / "batch-100k.837"
    write_records(records, RECORDS)
    _child(BUILD, str(records), str(batch), str(work / "ledger.sqlite"))

    split = min(
        (_measure(SPLIT, str(batch)) for _ in range(2)),
        key=lambda f: f["seconds"],  # type: ignore[arg-type,return-value]
    )
    ours = min(
        (_measure(OURS, str(batch)) for _ in range(2)),
        key=lambda f: f["seconds"],  # type: ignore[arg-type,return-value]
    )
    theirs = _measure(PYX12, str(batch))
    split_s, ours_s, theirs_s = (float(f["seconds"]) for f in (split, ours, theirs))  # type: ignore[arg-type]
    segments = int(ours["segments"])  # type: ignore[call-overload]
    figures["batch_records"] = RECORDS
    figures["batch_segments"] = segments
    figures["batch_bytes"] = batch.stat().st_size
    figures["split_cpu_seconds"] = round(split_s, 3)
    figures["ours_cpu_seconds"] = round(ours_s, 3)
    figures["ours_wall_seconds"] = round(float(ours["wall_seconds"]), 3)  # type: ignore[arg-type]
    figures["ours_segments_per_second"] = round(segments / ours_s)
    figures["pyx12_cpu_seconds"] = round(theirs_s, 1)
    figures["pyx12_wall_seconds"] = round(float(theirs["wall_seconds"]), 1)  # type: ignore[arg-type]
    figures["pyx12_segments_per_second"] = round(segments / theirs_s)
    figures["findings_ours_pyx12"] = f"{ours['findings']} / {theirs['findings']}"
    figures["snip12_findings_equal"] = theirs["equal"]
    over_pyx12, over_split = theirs_s / ours_s, ours_s / split_s
    figures["ours_faster_than_pyx12"] = round(over_pyx12, 1)
    figures["target_20x_pyx12_equal_findings"] = _met(
        over_pyx12 >= TARGETS["over_pyx12"] and bool(theirs["equal"])
    )
    figures["ours_over_split"] = round(over_split, 1)
    figures["target_within_10x_of_split"] = _met(over_split <= TARGETS["over_split"])

    small = _measure(MEMORY, str(SMALL_CLAIMS))
    large = _measure(MEMORY, str(LARGE_CLAIMS))
    grown = float(large["peak_rss_mib"]) - float(small["peak_rss_mib"])  # type: ignore[arg-type]
    figures["peak_rss_mib_10k_claims"] = small["peak_rss_mib"]
    figures["peak_rss_mib_1m_claims"] = large["peak_rss_mib"]
    figures["segments_1m_claims"] = large["segments"]
    figures["cpu_seconds_1m_claims"] = round(float(large["seconds"]), 1)  # type: ignore[arg-type]
    figures["memory_growth_mib"] = round(grown, 1)
    figures["target_memory_flat_within_10mb"] = _met(
        grown <= TARGETS["memory_mib"] and bool(small["ok"]) and bool(large["ok"])
    )
    return figures
