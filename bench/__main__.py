"""``make bench``: run every benchmark in this package and write its figures to one file.

Each ``bench/bench_*.py`` module exposes ``run(work: Path) -> dict[str, object]``: named figures
(rates, peak memory, ratios against a plain baseline measured in the same run). Targets are
reported, never asserted: these machines are shared and noisy, so the ratios measured side by
side are what to read. A module that sets ``SEPARATE = True`` (the growth table's million-record
runs) runs only when ``--only`` names it.
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import json
import pkgutil
import platform
import re
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
    compiled = compile_bytecode()

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

    summary = targets(results)
    if summary:
        print("[bench] targets:")
        for line in summary:
            print(f"    {line}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    header = [
        "# edi837 benchmark figures",
        "",
        f"- when: {time.strftime('%Y-%m-%d %H:%M:%S')}",
        f"- python: {sys.version.split()[0]} on {platform.machine()} ({platform.system()})",
        f"- bytecode: {compiled}",
        "",
        "Ratios are measured side by side in this run; absolute rates vary with machine load.",
        "",
    ]
    lines = list(header)
    if summary:
        lines += ["## Targets", "", *(f"- {line}" for line in summary), ""]
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


def compile_bytecode() -> str:
    """Compile edi837's modules before anything is timed, as installing the wheel does.

    Every figure times a command the way a user runs it: from an installed package, whose
    modules pip compiled once. Where ``PYTHONDONTWRITEBYTECODE`` is set (this project's machines
    set it) nothing would ever be cached, and every timed child would compile the modules it
    imports inside the clock (0.1-0.2 s for the build's conformance engine alone). compileall
    writes the cache whatever that variable says."""
    import edi837

    package = Path(edi837.__file__).parent
    ok = compileall.compile_dir(package, quiet=1)
    return f"compiled into {package}'s __pycache__ first" + ("" if ok else " (some failed)")


_VERDICT = re.compile(r"(not met|met|true|false)\b", re.IGNORECASE)


def verdict(value: object) -> str | None:
    """``met`` or ``NOT met`` when a figure is a target's verdict, else None. Modules say it
    as text (``met (1.21x, target <= 1.5x)``, ``NOT met (<= 5.0x)``) or as a boolean."""
    if isinstance(value, bool):
        return "met" if value else "NOT met"
    found = _VERDICT.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    return "met" if found.group(1).lower() in ("met", "true") else "NOT met"


def targets(results: dict[str, dict[str, object]]) -> list[str]:
    """Every target's verdict in one list, after the figures: ``module: figure: verdict``."""
    out = []
    for name, figures in results.items():
        for key, value in figures.items():
            said = verdict(value)
            if said is None or not ("target" in key or isinstance(value, str)):
                continue
            text = str(value)
            if not text.lower().startswith(said.lower()):
                text = f"{said} ({text})"
            out.append(f"{name}: {key}: {text}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
