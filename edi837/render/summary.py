"""The build summary a coordinator reads after ``edi837 build``."""

from __future__ import annotations

from edi837.model.claims import ClaimBatch
from edi837.render.values import dollars


def build_summary(batch: ClaimBatch, output: str, counts: dict[str, int]) -> str:
    ic = batch.interchange
    categories: dict[str, int] = {}
    for claim in batch.claims:
        categories[claim.category] = categories.get(claim.category, 0) + 1
    by_category = ", ".join(f"{k} {v}" for k, v in sorted(categories.items()))
    usage = "TEST (ISA15=T)" if ic.usage.value == "T" else "PRODUCTION (ISA15=P)"
    return (
        "\n".join(
            [
                f"wrote {output}",
                f"  members        {batch.member_count}",
                f"  claims         {len(batch.claims)} ({by_category})",
                f"  lines          {batch.line_count}",
                f"  total charge   {dollars(batch.total_charge)}",
                f"  warnings       {counts['warnings']} (info {counts['info']})",
                f"  interchange    ISA13 {ic.control_number:09d}, GS06 {ic.group_number}, "
                f"ST02 {', '.join(f'{n:04d}' for n in ic.transaction_numbers)}; {usage}",
            ]
        )
        + "\n"
    )
