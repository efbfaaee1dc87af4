"""``make bench``: run every benchmark in this package and write its figures to one file.

Each ``bench/bench_*.py`` module exposes ``run(work: Path) -> dict[str, object]``: named figures
(rates, peak memory, ratios against a plain baseline measured in the same run). Targets are
reported, never asserted: these machines are shared and noisy, so the ratios measured side by
side are what to read. A module that sets ``SEPARATE = True`` (the growth table's million-record
runs) runs only when ``--only`` names it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import tempfile
import time
from pathlib import Path

import bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/bench.md"))
    parser.add_argument("--only", help="run only the benchmark modules whose name contains this")
    args = parser.parse_args(argv)

    results: dict[str, dict[str, object]] = {}
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        if args.only and args.only not in name:
            continue
        module = importlib.import_module(f"bench.{name}")
        if getattr(module, "SEPARATE", False) and not args.only:
            continue
        print(f"[bench] {name} ...", flush=True)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"edi837-{name}-") as work:
            figures = module.run(Path(work))
        figures["wall_seconds_total"] = round(time.perf_counter() - started, 2)
        results[name] = figures
        for key, value in figures.items():
            print(f"    {key}: {value}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    header = [
        "# edi837 benchmark figures",
        "",
        f"- when: {time.strftime('%Y-%m-%d %H:%M:%S')}",
        f"- python: {sys.version.split()[0]} on {platform.machine()} ({platform.system()})",
        "",
        "Ratios are measured side by side in this run; absolute rates vary with machine load.",
        "",
    ]
    lines = list(header)
    for name, figures in results.items():
        lines += [f"## {name}", "", "| figure | value |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in figures.items()]
        lines.append("")
    args.out.write_text("\n".join(lines), encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps(results, indent=2, default=str), encoding="utf-8"
    )
    print(f"[bench] figures written to {args.out} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
