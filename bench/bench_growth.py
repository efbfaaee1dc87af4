"""The growth table (issue 12): wall time and peak memory of ``build``, ``check``, ``remit``,
``reconcile`` and ``validate`` at 10,000, 100,000 and 1,000,000, each command run once, whole,
in a fresh interpreter (peak RSS is the child's VmHWM, as bench_build measures it).

The million runs take many minutes, so this module is not part of ``make bench``: run it alone
with ``make bench-growth`` (``python -m bench --only growth``). ``EDI837_GROWTH_SIZES`` (comma
separated) picks other sizes, for a quick look.

What N counts, per command:

- ``build`` and ``check``: N service records (``bench/records_gen.py``: N/10 members, one month),
  into a fresh ledger (``check`` against an empty one).
- ``validate``: the 837P that ``build`` wrote from those N records (about N/6 claims), checked by
  our conformance engine (SNIP 1-5; branch i9's, on main).
- ``remit``: an 835 of N claims (``bench/bench_remit.py``'s), written as JSON to a file.
- ``reconcile``: an 835 answering N claims imported into a ledger holding those N claims
  (``bench/bench_report.py``'s ledger and 835, every claim answered), the view written as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench import bench_remit, bench_report
from bench.records_gen import write_records
from edi837.ledger.store import Ledger

REPO = Path(__file__).resolve().parent.parent
SEPARATE = True  # bench/__main__.py runs it only when --only names it
SIZES = tuple(
    int(size) for size in os.environ.get("EDI837_GROWTH_SIZES", "10000,100000,1000000").split(",")
)
PROFILE = str(REPO / "fixtures" / "profile.toml")

_CHILD = """
import json, sys, time
from edi837.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
rss = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024
print(json.dumps({'seconds': seconds, 'peak_rss_mib': round(rss, 1), 'exit': code}))
"""


def command(*args: str) -> dict[str, float | str]:
    """``edi837 ARGS`` in a fresh interpreter: seconds (the command itself, imports excluded),
    peak RSS and exit code. Exit 1 (findings worth a look) is a run; 2 and above is a failure,
    recorded as such (with the command's last words) so that the other runs still count."""
    figures = _command(*args)
    print(f"    [growth] {args[0]}: {figures}", flush=True)
    return figures


def _command(*args: str) -> dict[str, float | str]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,  # the exit code is judged below
    )
    lines = done.stdout.strip().splitlines()
    last_words = " ".join(done.stderr.strip().splitlines()[-2:])[:300]
    if not lines:
        return {"failed": f"exit {done.returncode}: {last_words}"}
    figures: dict[str, float | str] = json.loads(lines[-1])
    if figures["exit"] not in (0, 1):
        return {"failed": f"exit {figures['exit']}: {last_words}"}
    return figures


def one_size(work: Path, size: int) -> dict[str, dict[str, float | str]]:
    rows: dict[str, dict[str, float | str]] = {}
    records = work / f"records-{size}.csv"
    write_records(records, size)
    built = work / f"built-{size}.837"
    common = ["--profile", PROFILE, "--as-of", "2026-02-02"]
    rows["build"] = command(
        "build", str(records), *common, "--ledger", str(work / f"build-{size}.sqlite"),
        "--out", str(built),
    )  # fmt: skip
    empty = work / f"check-{size}.sqlite"
    Ledger(empty).close()  # check against a ledger with nothing billed yet
    rows["check"] = command("check", str(records), *common, "--ledger", str(empty))
    rows["validate"] = command("validate", str(built), "--as-of", "2026-02-02")
    records.unlink()

    remit = work / f"remit-{size}.835"
    bench_remit.generate(remit, size)
    rows["remit"] = command("remit", str(remit), "--format", "json", "--out", str(work / "r.json"))
    remit.unlink()

    ledger = work / f"reconcile-{size}.sqlite"
    answered, bench_report.ANSWERED = bench_report.ANSWERED, 1.0  # every claim answered
    try:
        answers = bench_report.fill_ledger(ledger, size)
    finally:
        bench_report.ANSWERED = answered
    paid = work / f"paid-{size}.835"
    bench_report.write_835(paid, answers)
    rows["reconcile"] = command(
        "reconcile", str(paid), "--ledger", str(ledger), "--as-of", "2026-03-05",
        "--format", "json", "--out", str(work / "reconciled.json"),
    )  # fmt: skip
    for leftover in (paid, ledger, built, empty):
        leftover.unlink()
    return rows


def run(work: Path) -> dict[str, object]:
    figures: dict[str, object] = {}
    table: dict[int, dict[str, dict[str, float | str]]] = {}
    for size in SIZES:
        print(f"    [growth] {size:,} ...", flush=True)
        table[size] = one_size(work, size)
        for name, row in table[size].items():
            if "failed" in row:
                figures[f"{name}_{size}"] = f"FAILED ({row['failed']})"
                continue
            figures[f"{name}_{size}_seconds"] = round(float(row["seconds"]), 2)
            figures[f"{name}_{size}_peak_rss_mib"] = row["peak_rss_mib"]
    if len(SIZES) > 1:
        low, high = SIZES[-2], SIZES[-1]
        for name, row in table[high].items():
            before = table[low][name]
            if "failed" in row or "failed" in before:
                continue
            grown = float(row["peak_rss_mib"]) / float(before["peak_rss_mib"])
            figures[f"{name}_peak_rss_{high}_over_{low}"] = round(grown, 2)
            if name == "build":
                figures[f"target_build_memory_flat_{low}_to_{high}"] = (
                    f"{'met' if grown <= 1.5 else 'NOT met'} ({grown:.2f}x, target <= 1.5x)"
                )
    return figures
