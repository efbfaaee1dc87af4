"""Group billable lines into claims (documented in docs/claims.md).

One claim per member per calendar month per category: ECM, CS and anything else never share a
claim. A claim holds at most ``max_lines_per_claim`` lines (50) and 12 distinct diagnoses; past
either, the group continues in another claim. Order is deterministic: member, month, category,
then lines by date, code and row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import attrs

from edi837.issues import Issue, Location, Report
from edi837.model.claims import Claim, Member, RenderingProvider, ServiceLine
from edi837.model.common import Address
from edi837.model.records import ServiceRecord
from edi837.payer.fee_schedule import Category
from edi837.payer.lines import BillableLine
from edi837.x12 import spec

# What one 837P can carry, from the segment dictionary: a claim's HI holds 12 diagnoses (HI01-HI12)
# and a line points at 4 of them (the components of SV107).
MAX_DIAGNOSES = len(spec.segment("HI").elements)
MAX_POINTERS = len(spec.segment("SV1").element("SV107").components)
_CATEGORY_ORDER = {Category.ECM: 0, Category.CS: 1, Category.OTHER: 2}


@attrs.frozen(slots=True)
class ClaimDraft:
    """A claim before the ledger gives it an ID."""

    member: Member
    category: Category
    month: tuple[int, int]
    lines: tuple[BillableLine, ...]


def members_from_lines(lines: Iterable[BillableLine], fallback: Address) -> dict[str, Member]:
    """One Member per member_id: identity from the first row, the first address given, or the
    profile's fallback address for members with none (people experiencing homelessness)."""
    members: dict[str, Member] = {}
    addresses: dict[str, Address] = {}
    for line in sorted(lines, key=lambda line: line.parts[0].record.row):
        for part in line.parts:
            record = part.record
            if record.address is not None:
                addresses.setdefault(record.member_id, record.address)
            if record.member_id not in members:
                members[record.member_id] = Member(
                    member_id=record.member_id,
                    last_name=record.member_last_name,
                    first_name=record.member_first_name,
                    birth_date=record.member_dob,
                    sex=record.member_sex,
                    address=fallback,
                )
    return {
        member_id: attrs.evolve(member, address=addresses.get(member_id, fallback))
        for member_id, member in members.items()
    }


def _line_order(line: BillableLine) -> tuple[object, ...]:
    return (line.service_date, line.procedure, line.modifiers, line.parts[0].record.row)


def group_claims(
    lines: Iterable[BillableLine], fallback: Address, *, max_lines: int = 50
) -> list[ClaimDraft]:
    line_list = list(lines)
    members = members_from_lines(line_list, fallback)
    groups: dict[tuple[str, tuple[int, int], Category], list[BillableLine]] = {}
    for line in line_list:
        month = (line.service_date.year, line.service_date.month)
        groups.setdefault((line.member_id, month, line.category), []).append(line)
    drafts: list[ClaimDraft] = []
    for member_id, month, category in sorted(
        groups, key=lambda k: (k[0], k[1], _CATEGORY_ORDER[k[2]])
    ):
        current: list[BillableLine] = []
        diagnoses: set[str] = set()
        for line in sorted(groups[(member_id, month, category)], key=_line_order):
            codes = set(line.diagnoses[:MAX_POINTERS])
            if current and (len(current) >= max_lines or len(diagnoses | codes) > MAX_DIAGNOSES):
                drafts.append(ClaimDraft(members[member_id], category, month, tuple(current)))
                current, diagnoses = [], set()
            current.append(line)
            diagnoses |= codes
        drafts.append(ClaimDraft(members[member_id], category, month, tuple(current)))
    return drafts


def _most_common(values: list[str]) -> str:
    if len(set(values)) == 1:
        return values[0]
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def build_claim(
    draft: ClaimDraft,
    claim_id: str,
    default_pos: str,
    report: Report | None = None,
    unpaid: Mapping[int, str] | None = None,
) -> Claim:
    """The claim with its ID, diagnosis pointers and line control numbers (``<claim>L<nn>``).

    Place of service, TAR and rendering provider go on the claim when the lines agree; a line
    repeats them only where it differs (TAR and rendering then go on each line instead).
    ``unpaid`` maps a records row to the rule that predicts its line unpaid (see
    :func:`expected_unpaid`).
    """
    lines = draft.lines
    pointers: dict[str, int] = {}
    for line in lines:
        if len(line.diagnoses) > MAX_POINTERS and report is not None:
            report.warn(
                "IG-837P-POINTERS",
                f"the merged line has {len(line.diagnoses)} diagnoses; it points to the first {MAX_POINTERS}",
                Location(rows=line.rows, claim_id=claim_id),
            )
        for code in line.diagnoses[:MAX_POINTERS]:
            if code not in pointers:
                pointers[code] = len(pointers) + 1
    places = [line.record.place_of_service or default_pos for line in lines]
    claim_pos = _most_common(places)
    tars = {line.tar_number for line in lines}
    line_tars = len(tars) > 1
    renderings = [_rendering(line.record) for line in lines]
    distinct = set(renderings)
    line_renderings = len(distinct) > 1

    service_lines = tuple(
        ServiceLine(
            procedure=line.procedure,
            modifiers=line.modifiers,
            service_date=line.service_date,
            end_date=line.end_date,
            units=line.units,
            charge=line.charge,
            diagnosis_pointers=tuple([pointers[c] for c in line.diagnoses[:MAX_POINTERS]]),
            place_of_service=pos if pos != claim_pos else None,
            tar_number=line.tar_number if line_tars else None,
            rendering=rendering if line_renderings else None,
            control_number=f"{claim_id}L{number:02d}",
            source_rows=line.rows,
            record_ids=line.record_ids,
            expected_unpaid=_unpaid(line, unpaid),
        )
        for number, (line, pos, rendering) in enumerate(
            zip(lines, places, renderings, strict=True), 1
        )
    )
    return Claim(
        claim_id=claim_id,
        member=draft.member,
        category=draft.category.value,
        place_of_service=claim_pos,
        diagnoses=tuple(pointers),
        lines=service_lines,
        tar_number=None if line_tars else next(iter(tars)),
        rendering=None if line_renderings else renderings[0],
    )


def _unpaid(line: BillableLine, unpaid: Mapping[int, str] | None) -> str | None:
    if line.entry is not None and not line.entry.paid:
        return "fee-schedule"  # billed for reporting, never paid (G9007)
    if unpaid:
        for row in line.rows:
            if row in unpaid:
                return unpaid[row]
    return None


def expected_unpaid(report: Iterable[Issue]) -> dict[int, str]:
    """Records rows whose lines a rule predicts the payer will not pay (ECM-U8-LIMIT: attempts
    past the rolling limit are billed but unpaid), for the ledger and the claim's state."""
    from edi837.rules.registry import predicts_unpaid

    out: dict[int, str] = {}
    for issue in report:
        if predicts_unpaid(issue.rule_id):
            rows = issue.location.rows or (
                (issue.location.row,) if issue.location.row is not None else ()
            )
            for row in rows:
                out.setdefault(row, issue.rule_id)
    return out


@lru_cache(maxsize=4096)
def _provider(npi: str, last: str, first: str) -> RenderingProvider:
    return RenderingProvider(npi=npi, last_name=last, first_name=first)


def _rendering(record: ServiceRecord) -> RenderingProvider | None:
    if not record.rendering_npi:
        return None
    return _provider(
        record.rendering_npi, record.rendering_last_name or "", record.rendering_first_name or ""
    )
