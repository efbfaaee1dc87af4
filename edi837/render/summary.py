"""The build summary a coordinator reads after ``edi837 build``."""

from __future__ import annotations

from edi837.render.values import dollars
from edi837.services.emit import BatchSummary


def build_summary(batch: BatchSummary, output: str, counts: dict[str, int]) -> str:
    ic = batch.interchange
    by_category = ", ".join(f"{k} {v}" for k, v in sorted(batch.by_category.items()))
    usage = "TEST (ISA15=T)" if ic.usage.value == "T" else "PRODUCTION (ISA15=P)"
    return (
        "\n".join(
            [
                f"wrote {output}",
                f"  members        {batch.members}",
                f"  claims         {batch.claims} ({by_category})",
                f"  lines          {batch.lines}",
                f"  total charge   {dollars(batch.total_charge)}",
                f"  warnings       {counts['warnings']} (info {counts['info']})",
                f"  interchange    ISA13 {ic.control_number:09d}, GS06 {ic.group_number}, "
                f"ST02 {', '.join(f'{n:04d}' for n in ic.transaction_numbers)}; {usage}",
            ]
        )
        + "\n"
    )
